"""Help: a short guide per role (what to do, in order, with screenshots of our own pages) at /help/ and /help/<role>.

The guides are data here (texts through the catalog, so they follow the user's language); the screenshots are
made from the same data by ``scripts/help_screenshots.py`` against the demo, so a step and its picture never drift.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.i18n import lazy_gettext as _l
from portal.rendering import render
from portal.security import require_login

bp = Blueprint("help", __name__, url_prefix="/help")


@dataclass(frozen=True)
class Step:
    text: Any
    #: screenshot file under static/help/ (made by the script), the page it shows, and optionally a link on that
    #: page to follow first (CSS selector) for pages whose URL holds an id
    shot: str | None = None
    path: str | None = None
    follow: str | None = None


@dataclass(frozen=True)
class Guide:
    role: str  # role code (portal.roles.ROLE_NAMES)
    title: Any
    summary: Any
    demo_user: str  # the demo account the screenshots are taken as
    plugins: tuple[str, ...] = ()  # blueprints whose pages link here ("Help" beside the title)
    steps: tuple[Step, ...] = field(default_factory=tuple)


GUIDES: tuple[Guide, ...] = (
    Guide("unit_reporter", _l("Unit reporter"), _l("You file your unit's reports and follow what the district asks."),
          "ubnd_binhlu", ("reports", "dashboard"), (
              Step(_l("Log in with the account the district gave you. The dashboard lists the reports your unit owes "
                      "and their deadlines."), "reporter-dashboard.png", "/"),
              Step(_l("Open a report from \"Reports to file\". Each field is saved as soon as you leave it; a field "
                      "marked \"not saved\" is sent again when the connection returns."), "reporter-report.png",
                   "/reports/", "main a[href*='/reports/p/']"),
              Step(_l("When every required field is filled, press \"Submit report\". The standing office reviews it: "
                      "if it is returned, its comment is shown beside the field to correct.")),
              Step(_l("Numbers are typed as 1.234.567 and dates as dd/mm/yyyy (or ddmmyyyy on a phone keypad).")),
          )),
    Guide("standing_office", _l("Standing office"), _l("You define the report forms and periods, review the reports "
                                                       "and organise inspections."),
          "vhxh_binhlu", ("reports", "review"), (
              Step(_l("Under Reports, \"Forms\" holds the report forms and \"Periods\" the report periods with their "
                      "deadline and the units that must report."), "office-periods.png", "/reports/periods"),
              Step(_l("The matrix shows which units have submitted, on time or late; open a report to accept it or "
                      "return it with a comment."), "office-matrix.png", "/reports/matrix"),
              Step(_l("The roll-up adds the units' figures as each field says and exports them to Excel."),
                   "office-rollup.png", "/reports/rollup"),
              Step(_l("Under Reviews, draft the movement's review document from the reports and print it.")),
          )),
    Guide("inspector", _l("Inspector"), _l("You carry out checklist inspections in the communes."),
          "kiemtra", ("inspections",), (
              Step(_l("Under Inspections you see the inspections of your team and their dates."),
                   "inspector-list.png", "/inspections/"),
              Step(_l("Open an inspection and answer each item: passed, failed or not applicable. Answers are saved "
                      "one by one, also without a connection."), "inspector-checklist.png", "/inspections/",
                   "#inspection-list tbody a"),
              Step(_l("A failed item becomes a finding with a due date; the commune reports when it is fixed."),
                   "inspector-findings.png", "/inspections/findings/"),
          )),
    Guide("council_secretariat", _l("Council secretariat"), _l("You prepare award rounds, nominations, council "
                                                               "sessions and their minutes."),
          "noivu", ("awards",), (
              Step(_l("Under Awards, open a round or create one; units register and send their nominations."),
                   "secretariat-awards.png", "/awards/"),
              Step(_l("Review each nomination, then open a voting session for the council members.")),
              Step(_l("After the vote, the minutes and the decision are drafted from the results; print and sign "
                      "them."), "secretariat-decisions.png", "/awards/decisions/"),
          )),
    Guide("council_member", _l("Council member"), _l("You read the dossiers and vote by secret ballot."),
          "hoidong", ("awards",), (
              Step(_l("The dashboard tells you when a vote is open. Open it from Awards."), "member-awards.png",
                   "/awards/"),
              Step(_l("Read each dossier, choose \"Agree\" or \"Disagree\" and send the ballot. The receipt code "
                      "lets you check later that your ballot was counted, without showing how you voted.")),
          )),
    Guide("fund_board", _l("Fund board"), _l("You record contributions and disbursements of the \"For the poor\" fund "
                                             "and publish them."),
          "mttq", ("fund",), (
              Step(_l("Under Fund, \"Record a contribution\" records a contribution and prints its receipt."),
                   "fund-receipt.png", "/fund/contributions/new"),
              Step(_l("A disbursement is proposed by one member and approved by another, then paid; each step asks "
                      "for confirmation."), "fund-disbursements.png", "/fund/disbursements"),
              Step(_l("The public page shows what came in and went out, per commune."), "fund-public.png",
                   "/fund/public"),
          )),
    Guide("leadership", _l("Leadership"), _l("You follow the movement: dashboards, indicators and summaries."),
          "lanhdao", ("dashboard",), (
              Step(_l("The dashboard shows the movement's tiles: reports, inspections, awards and the fund."),
                   "leadership-dashboard.png", "/"),
              Step(_l("Indicators compare the units year by year."), "leadership-indicators.png",
                   "/reports/indicators"),
          )),
    Guide("admin", _l("Administrator"), _l("You manage the users, their roles and the unit directory."),
          "admin", ("admin", "directory"), (
              Step(_l("Under Administration, create a user, give them roles and, for a unit reporter, their unit."),
                   "admin-users.png", "/admin/users/"),
              Step(_l("Under Units, keep the directory: rename, end or merge a unit with its successor; past reports "
                      "keep the old name."), "admin-units.png", "/units/"),
              Step(_l("The audit log shows who changed what and when."), "admin-audit.png", "/admin/audit/"),
          )),
)
BY_ROLE = {g.role: g for g in GUIDES}


CORE_BLUEPRINTS = {"dashboard", "admin", "directory", "review"}


def _enabled(guide: Guide) -> bool:
    """A guide about plugins none of which is enabled (e.g. no awards plugin) is not offered."""
    plugins = set(guide.plugins) - CORE_BLUEPRINTS
    return not plugins or bool(plugins & set(current_app.extensions["portal"].plugins))


def help_topic() -> str | None:
    """The guide for the page shown now: one of the user's own roles that covers this blueprint, else any."""
    if not current_user.is_authenticated or request.blueprint in (None, "help"):
        return None
    covering = [g for g in GUIDES if request.blueprint in g.plugins and _enabled(g)]
    has_role = getattr(current_user, "has_role", lambda code: False)
    chosen = next((g for g in covering if has_role(g.role)), None)
    if chosen is None and request.blueprint == "dashboard":  # the dashboard: the user's own guide, whatever it is
        chosen = next((g for g in GUIDES if has_role(g.role) and _enabled(g)), None)
    chosen = chosen or (covering[0] if covering else None)
    return chosen.role if chosen else None


def help_title(role: str) -> Any:
    return BY_ROLE[role].title


@bp.route("/")
@require_login
def index() -> ResponseReturnValue:
    return render("help/index.html", guides=[g for g in GUIDES if _enabled(g)])


@bp.route("/<role>")
@require_login
def topic(role: str) -> ResponseReturnValue:
    guide = BY_ROLE.get(role)
    if guide is None or not _enabled(guide):
        abort(404)
    return render("help/topic.html", guide=guide, guides=[g for g in GUIDES if _enabled(g)])


def init_app(app: Any) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(help_topic=help_topic, help_title=help_title)
