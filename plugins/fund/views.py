"""Routes of the fund. There is deliberately no route that edits or deletes a receipt or a paid disbursement."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    MONEY,
    Column,
    Money,
    format_date,
    Unit,
    UploadError,
    _,
    bar_chart,
    check_file,
    current_user,
    db,
    final_successors,
    format_money,
    local_today,
    get_plugin_config,
    page_size,
    paginate,
    hx_trigger,
    idempotent,
    public,
    redirect_or_hx,
    render,
    require_permission,
    send_upload,
    store,
    unit_clause,
    user_error,
    vi_sort_key,
    xlsx_response,
    Series,
)

from . import services as sv
from .forms import (
    CampaignForm,
    CategoryForm,
    ContributionForm,
    DisbursementForm,
    PayForm,
    PledgeForm,
    ReasonForm,
    RejectForm,
    YearForm,
)
from .models import Attachment, Campaign, Category, Contribution, Disbursement, FundYear

bp = Blueprint("fund", __name__, template_folder="templates", static_folder="static")

LABELS = {
    "donor_types": sv.DONOR_TYPE_LABELS, "methods": sv.METHOD_LABELS, "statuses": sv.STATUS_LABELS,
    "states": sv.STATE_LABELS, "category_kinds": sv.CATEGORY_KIND_LABELS,
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"fund_labels": LABELS, "fund_bodies": _bodies_on}


def _bodies_on(day: dt.date | None) -> dict[str, str]:
    """Superior, issuer and place line of a fund document dated ``day`` (FUND_LATER_BODIES, else the base bodies)."""
    bodies = {"superior": get_plugin_config("FUND_SUPERIOR_BODY", ""), "issuer": get_plugin_config("FUND_ISSUING_BODY", ""),
              "place": get_plugin_config("PORTAL_PLACE", "Tam Đường")}
    for later in sorted(get_plugin_config("FUND_LATER_BODIES", []) or [], key=lambda b: str(b.get("from", ""))):
        try:
            starts = dt.date.fromisoformat(str(later.get("from", "")))
        except ValueError:
            continue
        if day is not None and day >= starts:
            bodies = {**bodies, **{k: v for k, v in later.items() if k in bodies and v}}
    return bodies


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _size() -> int:
    return page_size(int(get_plugin_config("FUND_PAGE_SIZE", 50)))


def _year() -> FundYear | None:
    label = request.args.get("year", type=int)
    if label:
        year = db.session.scalar(select(FundYear).where(FundYear.label == label))
        if year is None:
            abort(404)
        return year
    return sv.current_year()


def _years() -> list[FundYear]:
    return list(db.session.scalars(select(FundYear).order_by(FundYear.start.desc())))


def _unit_choices(kinds: tuple[str, ...] | None = None, blank: str = "—") -> list[tuple[int, str]]:
    stmt = select(Unit.id, Unit.name)
    if kinds:
        stmt = stmt.where(Unit.kind.in_(kinds))
    units = sorted(db.session.execute(stmt).all(), key=lambda u: vi_sort_key(u.name))
    return [(0, blank)] + [(u.id, u.name) for u in units]


def _campaign_choices(blank: str) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Campaign).order_by(Campaign.start.desc()))
    return [(0, blank)] + [(c.id, c.name) for c in rows]


def _fail(form: Any, exc: Exception, field: str | None = None) -> None:
    target = getattr(form, field).errors if field else form.form_errors
    target.append(str(exc))


def _status(form: Any) -> int:
    return 400 if request.method == "POST" else 200


def _chart(rows: list[tuple[str, int, int]]) -> Any:
    return bar_chart(
        [label[:2] for label, _r, _s in rows],
        [Series(_("Receipts"), [r for _l, r, _s in rows], "s1"), Series(_("Spending"), [s for _l, _r, s in rows], "s2")],
        title=_("Receipts and spending per month"),
        value_format=format_money,
    )


@bp.cli.command("rebuild-totals")
def rebuild_totals_cmd() -> None:
    """Recompute the fund's day totals from the entries (after a bulk import) and check them."""
    import click

    sv.rebuild_day_totals()
    db.session.commit()
    click.echo("Day totals rebuilt; they match the entries." if sv.day_totals_match() else "Day totals do NOT match!")


# --- overview, widget ---

@bp.route("/")
@require_permission("fund.view")
def index() -> ResponseReturnValue:
    year = _year()
    years = sv.years_summary()
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.start.desc()).limit(5)))
    totals = sv.campaign_totals([c.id for c in campaigns])
    chart = _chart(sv.monthly(year.start, year.end)) if year else None
    return render("fund/index.html", year=year, years=years, campaigns=campaigns, totals=totals, chart=chart,
                  pending=sv.pending_approval())


@bp.route("/widget")
@require_permission("fund.view")
def widget_summary() -> ResponseReturnValue:
    today = local_today()
    campaign = sv.campaign_for(today) or db.session.scalar(select(Campaign).order_by(Campaign.start.desc()))
    raised = sv.campaign_totals([campaign.id]).get(campaign.id, 0) if campaign else 0
    return render("fund/widget.html", fragment="fund_widget", balance=sv.balance_on(today), campaign=campaign,
                  raised=raised, pending=sv.pending_approval())


@bp.route("/widget/overview")
@require_permission("fund.view")
def widget_overview() -> ResponseReturnValue:
    """This fund year at a glance: raised, spent by category, houses built."""
    today = local_today()
    year = sv.current_year(today)
    report = sv.period_report(year.start, year.end) if year else None
    return render("fund/widget.html", fragment="fund_overview", year=year, report=report)


# --- contributions and receipts ---

@bp.route("/contributions")
@require_permission("fund.view")
def contributions() -> ResponseReturnValue:
    year = _year()
    campaign_id = request.args.get("campaign", 0, type=int)
    stmt = select(Contribution).where(Contribution.fund_year_id == (year.id if year else None))
    if campaign_id:
        stmt = stmt.where(Contribution.campaign_id == campaign_id)
    # keyset on the (fund_year_id, date, id) index: the 20,000th page costs what the first does
    page = paginate(stmt, (Contribution.date.desc(), Contribution.id.desc()), size=_size())
    return render("fund/contributions.html", fragment="contribution_list", entries=page.items,
                  page=page, year=year, years=_years(), campaign_id=campaign_id,
                  campaigns=_campaign_choices(_("All campaigns")))


def _contribution_form() -> ContributionForm:
    form = ContributionForm()
    form.donor_unit_id.choices = _unit_choices()
    form.mobilised_by_id.choices = form.donor_unit_id.choices
    form.campaign_id.choices = _campaign_choices(_("By the date received"))
    if request.method == "GET" and not form.date.data:
        form.date.data = local_today()
    return form


@bp.route("/contributions/new", methods=["GET", "POST"])
@require_permission("fund.record")
@idempotent
def contribution_new() -> ResponseReturnValue:
    form = _contribution_form()
    if form.validate_on_submit():
        values = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
        for key in ("donor_unit_id", "campaign_id", "mobilised_by_id"):
            values[key] = values[key] or None
        for key in ("donor_name", "donor_address", "in_kind_description", "note"):
            values[key] = values[key] or None
        if values["method"] != "in_kind":
            values["in_kind_description"] = None
        try:
            entry = sv.record_contribution(values, current_user.id)
        except sv.FundError as exc:
            db.session.rollback()
            _fail(form, exc)
        else:
            db.session.commit()
            flash(_("Receipt %(code)s recorded.", code=entry.code), "success")
            return redirect_or_hx(url_for("fund.contribution", entry_id=entry.id))
    return render("fund/contribution_form.html", fragment="contribution_form", form=form, status=_status(form))


def _scoped_contribution(entry_id: int) -> Contribution:
    entry = db.get_or_404(Contribution, entry_id)
    if not current_user.can("fund.view"):
        units = {entry.donor_unit_id, entry.mobilised_by_id} - {None}
        if not any(current_user.can("fund.pledge", u) for u in units):
            abort(403)
    return entry


@bp.route("/contributions/<int:entry_id>")
@require_permission("fund.view", "fund.pledge")
def contribution(entry_id: int) -> ResponseReturnValue:
    entry = _scoped_contribution(entry_id)
    return render("fund/contribution.html", entry=entry, reversal=sv.reversal_of(Contribution, entry.id),
                  form=ReasonForm())


@bp.route("/contributions/<int:entry_id>/receipt")
@require_permission("fund.view", "fund.pledge")
def receipt(entry_id: int) -> ResponseReturnValue:
    entry = _scoped_contribution(entry_id)
    return render("fund/receipt.html", entry=entry)


def _reverse(entry: Any, reverse: Any, endpoint: str, template: str, **context: Any) -> ResponseReturnValue:
    form = ReasonForm()
    status = 400
    if form.validate_on_submit():
        try:
            reversal = reverse(entry.id, form.reason.data, current_user.id, form.date.data)
        except sv.FundError as exc:
            db.session.rollback()
            _fail(form, exc, "reason")
            status = exc.status
        else:
            db.session.commit()
            flash(_("Correction %(code)s recorded. The original entry is kept unchanged.", code=reversal.code), "success")
            return hx_trigger(redirect_or_hx(url_for(endpoint, entry_id=reversal.id)), "fund:reversed")
    context["reversal"] = sv.reversal_of(type(entry), entry.id)  # after a lost race: the winner's correction
    return render(template, fragment="reverse_form", entry=entry, form=form, status=status, **context)


@bp.route("/contributions/<int:entry_id>/reverse", methods=["POST"])
@require_permission("fund.record")
@idempotent
def contribution_reverse(entry_id: int) -> ResponseReturnValue:
    entry = db.get_or_404(Contribution, entry_id)
    return _reverse(entry, sv.reverse_contribution, "fund.contribution", "fund/contribution.html")


# --- disbursements and vouchers ---

@bp.route("/disbursements")
@require_permission("fund.view")
def disbursements() -> ResponseReturnValue:
    state = request.args.get("state", "")
    stmt = select(Disbursement)
    if state in sv.STATE_LABELS:
        stmt = stmt.where(Disbursement.state == state)
    page = paginate(stmt, (Disbursement.proposed_at.desc(), Disbursement.id.desc()), size=_size())
    return render("fund/disbursements.html", fragment="disbursement_list", items=page.items, page=page, state=state)


@bp.route("/disbursements/new", methods=["GET", "POST"])
@require_permission("fund.record")
@idempotent
def disbursement_new() -> ResponseReturnValue:
    form = DisbursementForm()
    form.category_id.choices = [
        (c.id, c.name) for c in db.session.scalars(select(Category).where(Category.active).order_by(Category.position))
    ]
    form.commune_id.choices = _unit_choices(("commune",), blank=_("Choose a commune"))
    if form.validate_on_submit():
        if not form.commune_id.data:
            form.commune_id.errors.append(_("Choose a commune."))
        else:
            values = {k: v for k, v in form.data.items() if k != "csrf_token"}
            values["decision_no"] = values["decision_no"] or None
            values["note"] = values["note"] or None
            item = sv.propose(values, current_user.id)
            db.session.commit()
            flash(_("Disbursement proposed; it now waits for approval."), "success")
            return redirect_or_hx(url_for("fund.disbursement", entry_id=item.id))
    return render("fund/disbursement_form.html", fragment="disbursement_form", form=form, status=_status(form))


def _disbursement_page(item: Disbursement, status: int = 200, **forms: Any) -> ResponseReturnValue:
    attachments = list(db.session.scalars(select(Attachment).where(Attachment.disbursement_id == item.id)))
    context = {"pay_form": PayForm(formdata=None, paid_on=local_today()), "reject_form": RejectForm(formdata=None),
               "form": ReasonForm(formdata=None), **forms}
    return render("fund/disbursement.html", fragment="disbursement_detail", item=item, attachments=attachments,
                  reversal=sv.reversal_of(Disbursement, item.id), status=status, **context)


@bp.route("/disbursements/<int:entry_id>")
@require_permission("fund.view")
def disbursement(entry_id: int) -> ResponseReturnValue:
    return _disbursement_page(db.get_or_404(Disbursement, entry_id))


def _step(entry_id: int, action: Any, message: str) -> ResponseReturnValue:
    """Run one state change (the service locks the row and checks its state); commit, then answer."""
    db.get_or_404(Disbursement, entry_id)
    try:
        action(entry_id)
    except sv.FundError:
        db.session.rollback()
        raise
    db.session.commit()
    flash(message, "success")
    return hx_trigger(redirect_or_hx(url_for("fund.disbursement", entry_id=entry_id)), "fund:changed")


@bp.route("/disbursements/<int:entry_id>/approve", methods=["POST"])
@require_permission("fund.approve")
@idempotent
def disbursement_approve(entry_id: int) -> ResponseReturnValue:
    return _step(entry_id, lambda item_id: sv.approve(item_id, current_user.id), _("Disbursement approved."))


@bp.route("/disbursements/<int:entry_id>/reject", methods=["POST"])
@require_permission("fund.approve")
@idempotent
def disbursement_reject(entry_id: int) -> ResponseReturnValue:
    form = RejectForm()
    if not form.validate_on_submit():
        return _disbursement_page(db.get_or_404(Disbursement, entry_id), status=400, reject_form=form)
    return _step(entry_id, lambda item_id: sv.reject(item_id, current_user.id, form.reason.data), _("Disbursement rejected."))


@bp.route("/disbursements/<int:entry_id>/pay", methods=["POST"])
@require_permission("fund.record")
@idempotent
def disbursement_pay(entry_id: int) -> ResponseReturnValue:
    form = PayForm()
    if not form.validate_on_submit():
        return _disbursement_page(db.get_or_404(Disbursement, entry_id), status=400, pay_form=form)
    return _step(entry_id, lambda item_id: sv.pay(item_id, current_user.id, form.paid_on.data), _("Payment recorded."))


@bp.route("/disbursements/<int:entry_id>/reverse", methods=["POST"])
@require_permission("fund.record")
@idempotent
def disbursement_reverse(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _disbursement_page(item, status=400, form=form)
    try:
        reversal = sv.reverse_disbursement(item.id, form.reason.data, current_user.id, form.date.data)
    except sv.FundError as exc:
        db.session.rollback()
        form.reason.errors.append(str(exc))
        return _disbursement_page(item, status=409, form=form)
    db.session.commit()
    flash(_("Correction %(code)s recorded. The original entry is kept unchanged.", code=reversal.code), "success")
    return hx_trigger(redirect_or_hx(url_for("fund.disbursement", entry_id=reversal.id)), "fund:reversed")


@bp.route("/disbursements/<int:entry_id>/attachments", methods=["POST"])
@require_permission("fund.record")
def attachment_add(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    try:
        checked = check_file(request.files.get("file"), ("pdf", "jpg", "jpeg", "png", "webp", "docx", "xlsx"))
    except UploadError as exc:
        raise user_error(400, str(exc)) from None
    upload = store(checked, "fund")
    db.session.flush()
    sv.attach(item, upload.id)
    db.session.commit()
    flash(_("File attached."), "success")
    return redirect_or_hx(url_for("fund.disbursement", entry_id=item.id))


@bp.route("/disbursements/<int:entry_id>/attachments/<int:attachment_id>")
@require_permission("fund.view")
def attachment(entry_id: int, attachment_id: int) -> ResponseReturnValue:
    att = db.get_or_404(Attachment, attachment_id)
    if att.disbursement_id != entry_id:
        abort(404)
    return send_upload(att.upload)


@bp.route("/disbursements/<int:entry_id>/voucher")
@require_permission("fund.view")
def voucher(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    if item.state != "paid":
        raise user_error(409, _("A payment voucher exists only for a paid disbursement."))
    return render("fund/voucher.html", item=item)


# --- ledger, report, exports ---

@bp.route("/ledger")
@require_permission("fund.view")
def ledger() -> ResponseReturnValue:
    year = _year()
    data = sv.ledger_page(year, _page(), _size()) if year else None
    return render("fund/ledger.html", fragment="ledger_table", year=year, years=_years(), data=data)


def _period() -> tuple[dt.date, dt.date, FundYear | None]:
    year = _year()
    start = _date_arg("from") or (year.start if year else dt.date(local_today().year, 1, 1))
    end = _date_arg("to") or (year.end if year else dt.date(local_today().year, 12, 31))
    end = max(start, min(end, local_today()))  # a closing balance is never dated in the future
    if end < start:
        raise user_error(400, _("The period must end after it starts."))
    return start, end, year


def _date_arg(name: str) -> dt.date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise user_error(400, _("Enter a date as dd/mm/yyyy."))


@bp.route("/report")
@require_permission("fund.view")
def report() -> ResponseReturnValue:
    start, end, year = _period()
    return render("fund/report.html", report=sv.period_report(start, end), year=year, years=_years(),
                  chart=_chart(sv.monthly(start, end)))


@bp.route("/report.xlsx")
@require_permission("fund.view")
def report_xlsx() -> ResponseReturnValue:
    start, end, _year_ = _period()
    rep = sv.period_report(start, end)
    summary = [
        (_("Opening balance"), Money(rep.opening)), (_("Carried in"), Money(rep.carried_in)),
        (_("Receipts"), Money(rep.receipts_total)), (_("Spending"), Money(rep.spending_total)),
        (_("Closing balance"), Money(rep.closing)), (_("Houses"), rep.houses), (_("Gifts given"), rep.gifts),
    ]
    lines = lambda items: [(str(line.label), line.count, line.amount) for line in items]  # noqa: E731
    headers = [_("Item"), Column(_("Count"), total=True), Column(_("Amount (đồng)"), MONEY, total=True)]
    return xlsx_response(f"quy-vi-nguoi-ngheo-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", [
        (_("Summary"), [_("Item"), _("Amount (đồng)")], summary),
        (_("Receipts by donor type"), headers, lines(rep.receipts)),
        (_("Spending by category"), headers, lines(rep.spending)),
        (_("Ledger"), [_("Date"), _("Kind"), _("Number"), _("Donor or beneficiary"), Column(_("Receipts"), MONEY, total=True),
                       Column(_("Spending"), MONEY, total=True)],
         sv.ledger_rows(start, end, current_user.can("fund.confidential"))),
    ], title=_("Poverty fund report"), period=f"{format_date(start)} – {format_date(end)}")


# --- units: leaderboard and pledges ---

@bp.route("/units")
@require_permission("fund.view")
def units() -> ResponseReturnValue:
    campaign_id = request.args.get("campaign", 0, type=int)
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
    year = None if campaign else _year()
    end = campaign.end if campaign else (year.end if year else local_today())
    rows = _fold_into_successors(sv.leaderboard(campaign, year), end)
    return render("fund/units.html", fragment="leaderboard", rows=rows, campaign=campaign,
                  year=year, years=_years(), campaigns=_campaign_choices(_("Whole fund year")))


def _fold_into_successors(rows: list[dict[str, Any]], end: dt.date) -> list[dict[str, Any]]:
    """A merged unit's totals count under its main successor when the successor existed within the period; the
    successor's row names the predecessors it takes in. Periods wholly before a merger keep the old units."""
    heads = final_successors()
    if not heads:
        return rows
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(set(heads.values()))))}
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        head = units.get(heads.get(row["id"], -1))
        key = head.id if head is not None and (head.valid_from is None or head.valid_from <= end) else row["id"]
        target = out.setdefault(key, {"id": key, "name": units[key].name if key in units else row["name"],
                                      "given": 0, "raised": 0, "predecessors": []})
        target["given"] += int(row["given"])
        target["raised"] += int(row["raised"])
        if key != row["id"]:
            target["predecessors"].append(row["name"])
    return sorted(out.values(), key=lambda r: (-(r["given"] + r["raised"]), vi_sort_key(r["name"])))


@bp.route("/pledges", methods=["GET", "POST"])
@require_permission("fund.view", "fund.pledge")
def pledges() -> ResponseReturnValue:
    campaign_id = request.values.get("campaign", 0, type=int)
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else sv.campaign_for(local_today()) or \
        db.session.scalar(select(Campaign).order_by(Campaign.start.desc()))
    form = PledgeForm()
    form.unit_id.choices = _unit_choices(blank=_("Choose a unit"))
    status = 200
    if request.method == "POST":
        if not current_user.can("fund.record"):
            abort(403)
        if campaign is None:
            abort(404)
        if form.validate_on_submit() and form.unit_id.data:
            sv.save_pledge(campaign.id, form.unit_id.data, form.amount.data)
            db.session.commit()
            flash(_("Pledge saved."), "success")
            return redirect_or_hx(url_for("fund.pledges", campaign=campaign.id))
        if not form.unit_id.data:
            form.unit_id.errors.append(_("Choose a unit."))
        status = 400
    scope = unit_clause("fund.view", sv.Pledge.unit_id) if current_user.can("fund.view") else \
        unit_clause("fund.pledge", sv.Pledge.unit_id)
    rows = sv.pledge_rows(campaign, scope) if campaign else []
    return render("fund/pledges.html", fragment="pledge_list", rows=rows, campaign=campaign, form=form,
                  campaigns=_campaign_choices("—")[1:], status=status)


# --- settings: fund years, campaigns, categories ---

def _settings(status: int = 200, **forms: Any) -> ResponseReturnValue:
    context = {
        "year_form": YearForm(formdata=None, label=local_today().year), "campaign_form": CampaignForm(formdata=None),
        "category_form": CategoryForm(formdata=None), **forms,
    }
    return render("fund/settings.html", years=sv.years_summary(),
                  campaigns=list(db.session.scalars(select(Campaign).order_by(Campaign.start.desc()))),
                  categories=list(db.session.scalars(select(Category).order_by(Category.position, Category.id))),
                  status=status, **context)


@bp.route("/settings")
@require_permission("fund.record")
def settings() -> ResponseReturnValue:
    return _settings()


@bp.route("/settings/years", methods=["POST"])
@require_permission("fund.record")
def year_add() -> ResponseReturnValue:
    form = YearForm()
    if form.validate_on_submit():
        try:
            sv.create_year(form.label.data, form.carried_in.data or 0)
        except sv.FundError as exc:
            db.session.rollback()
            _fail(form, exc, "label")
        else:
            db.session.commit()
            flash(_("Fund year %(year)s added.", year=form.label.data), "success")
            return redirect_or_hx(url_for("fund.settings"))
    return _settings(400, year_form=form)


@bp.route("/settings/campaigns", methods=["POST"])
@bp.route("/settings/campaigns/<int:campaign_id>", methods=["POST"])
@require_permission("fund.record")
def campaign_save(campaign_id: int | None = None) -> ResponseReturnValue:
    campaign = db.get_or_404(Campaign, campaign_id) if campaign_id else None
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            sv.save_campaign(campaign, form.name.data, form.start.data, form.end.data, form.goal.data)
        except sv.FundError as exc:
            db.session.rollback()
            _fail(form, exc, "end")
        else:
            db.session.commit()
            flash(_("Campaign saved."), "success")
            return redirect_or_hx(url_for("fund.settings"))
    return _settings(400, campaign_form=form)


@bp.route("/settings/categories", methods=["POST"])
@bp.route("/settings/categories/<int:category_id>", methods=["POST"])
@require_permission("fund.record")
def category_save(category_id: int | None = None) -> ResponseReturnValue:
    category = db.get_or_404(Category, category_id) if category_id else None
    form = CategoryForm()
    if form.validate_on_submit():
        clash = db.session.scalar(select(Category.id).where(Category.name == form.name.data,
                                                            Category.id != (category_id or 0)))
        if clash:
            form.name.errors.append(_("This category already exists."))
        else:
            category = category or Category(position=100)
            category.name, category.kind, category.active = form.name.data, form.kind.data, form.active.data
            db.session.add(category)
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect_or_hx(url_for("fund.settings"))
    return _settings(400, category_form=form)


# --- public disclosure (no login) ---

def _public_context() -> dict[str, Any]:
    year = _year()
    context: dict[str, Any] = {"year": year, "years": sv.years_summary(), "mode": get_plugin_config(
        "FUND_PUBLIC_BENEFICIARY", "initials_village"), "show": sv.public_beneficiary}
    if year:
        campaigns = list(db.session.scalars(select(Campaign).where(Campaign.fund_year_id == year.id)
                                            .order_by(Campaign.start)))
        context.update(report=sv.period_report(year.start, year.end), campaigns=campaigns,
                       totals=sv.campaign_totals([c.id for c in campaigns]), table=sv.by_commune_category(year))
    return context


@bp.route("/public")
@public
def public_page() -> ResponseReturnValue:
    context = _public_context()
    year = context["year"]
    if year:
        size = _size()
        donors = sv.day_window(year, request.args.get("donors", 1, type=int) or 1, size, "R")
        payments = sv.day_window(year, request.args.get("payments", 1, type=int) or 1, size, "C")
        context.update(
            donors=sv.window_rows(sv.public_donors(year), Contribution.date, donors, size, Contribution.id.desc()),
            donor_page=donors.page, donor_pages=donors.pages,
            payments=sv.window_rows(sv.public_payments(year), Disbursement.paid_on, payments, size, Disbursement.id.desc()),
            payment_page=payments.page, payment_pages=payments.pages,
        )
    return render("fund/public.html", **context)


@bp.route("/public/print")
@public
def public_print() -> ResponseReturnValue:
    context = _public_context()
    if context["year"]:
        limit = int(get_plugin_config("FUND_PRINT_ROWS", 500))
        stmt = sv.public_payments(context["year"]).order_by(Disbursement.paid_on.desc(), Disbursement.id.desc())
        context["payments"] = list(db.session.execute(stmt.limit(limit)).mappings())
    return render("fund/public_print.html", today=local_today(), **context)
