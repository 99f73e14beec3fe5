"""Vietnamese-first i18n: locale selection, gettext per catalog, Babel-backed filters, diacritic folding, vi sorting."""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import support
from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import format_date as _babel_date
from flask_babel import format_decimal as _babel_decimal
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup
from jinja2.runtime import Context

from portal.clock import local_stamp, to_local
from portal.vietnamese import amount_in_words, fold, vi_sort_key, vi_sort_text  # noqa: F401  (re-exported)

__all__ = [
    "gettext",
    "lazy_gettext",
    "ngettext",
    "pgettext",
    "npgettext",
    "lazy_pgettext",
    "fold",
    "vi_sort_key",
    "format_money",
    "format_number",
    "number_format",
    "format_date",
    "format_datetime",
    "format_doc_date",
    "amount_in_words",
    "select_locale",
    "init_app",
]


def select_locale() -> str:
    """Return the user's saved language, else the language chosen this session, else the default (vi).

    The browser's Accept-Language is deliberately ignored: many phones in the communes run in English
    while their users work in Vietnamese.
    """
    langs = current_app.config["PORTAL_LANGUAGES"]
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated and current_user.locale in langs:
            return current_user.locale
        chosen = session.get("lang")
        if chosen in langs:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# --- formatting (all through Babel, in the current locale) ---

def _formats() -> dict[str, Any]:
    """The current locale's digit grouping and decimal marks and money pattern, looked up once per request.

    Long tables format thousands of amounts and dates; each Babel call resolves the locale and the catalog again
    through several context lookups, which was the largest cost of the fund's print table. Kept with the request's
    catalogs, so force_locale (e-mails in another language) gets its own.
    """
    state = _request_catalogs()
    cache = state.formats if state is not None else None
    if cache is None:
        from babel import Locale
        from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

        locale = get_locale() or "vi"
        group, point = get_group_symbol(locale), get_decimal_symbol(locale)
        cache = {"group": group, "decimal": point, "marks": str.maketrans({",": group, ".": point}),
                 "minus": get_minus_sign_symbol(locale), "money": gettext("%(amount)s VND"),
                 "pattern": Locale.parse(locale).decimal_formats[None].pattern}  # "#,##0.###" in vi and en
        if state is not None:
            state.formats = cache
    return cache


def _grouped(value: int, group: str | None = None) -> str:
    return ("-" if value < 0 else "") + f"{abs(value):,}".replace(",", group or _formats()["group"])


_MILLI = Decimal("0.001")


def _fixed(value: Decimal, digits: int, f: dict[str, Any]) -> str:
    # the locale's marks put into Python's own grouping: the same text as Babel's "#,##0.0" pattern
    # (a property test holds them equal) at a tenth of its cost, for tables of percentages
    text = f"{abs(value):,.{digits}f}".translate(f["marks"])
    return (f["minus"] + text) if value < 0 else text


def _plain(value: Decimal) -> str:
    """What Babel's default pattern "#,##0.###" gives: at most three decimals, rounded half even, no trailing 0."""
    text = format(abs(value).normalize().quantize(_MILLI), ",f").rstrip("0").rstrip(".")
    return ("-" + text if value.is_signed() else text).translate(_formats()["marks"])


def format_number(value: int | float | Decimal | None, digits: int | None = None) -> str:
    """Format a number with the locale's separators: 1.234.567 and 8,7 in Vietnamese."""
    if value is None:
        return ""
    if digits is None and isinstance(value, int) and not isinstance(value, bool) and has_app_context():
        return _grouped(value, _formats()["group"])
    if digits is not None:
        value = round(Decimal(value), digits)
        if has_app_context():
            return _fixed(value, digits, _formats())
        fmt = "#,##0." + "0" * digits if digits else "#,##0"
        return _babel_decimal(value, format=fmt)
    if isinstance(value, (Decimal, float)) and has_app_context():
        number = Decimal(str(value)) if isinstance(value, float) else value  # as Babel reads a float
        if number.is_finite() and _formats()["pattern"] == "#,##0.###":
            return _plain(number)
    return _babel_decimal(value)


def number_format(digits: int) -> Callable[[int | float | Decimal], str]:
    """``format_number(x, digits)`` for a whole column: the locale's marks looked up once, not per cell (a trend
    table formats hundreds of values)."""
    if not has_app_context():
        return lambda value: format_number(value, digits)
    marks = _formats()
    return lambda value: _fixed(round(Decimal(value), digits), digits, marks)


def format_money(amount: int | None) -> str:
    """Format integer đồng: "15.000.000 đồng"."""
    if amount is None:
        return ""
    if has_app_context():
        formats = _formats()
        return formats["money"] % {"amount": _grouped(int(amount), formats["group"])}
    return gettext("%(amount)s VND", amount=_babel_decimal(int(amount), format="#,##0"))


def format_percent(numerator: int, denominator: int, digits: int = 1) -> str:
    """Format a ratio as a percentage with the locale's decimal mark: 88,9 %."""
    if not denominator:
        return "—"
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return format_number(value, digits) + " %"


def format_date(value: dt.date | dt.datetime | None) -> str:
    """Format a date as dd/MM/yyyy."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value)  # a stored UTC timestamp shows its local day
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # digits only: the same in every locale


def format_datetime(value: dt.datetime | None) -> str:
    """Format a stored UTC datetime in local time: dd/MM/yyyy HH:mm."""
    if value is None:
        return ""
    local = to_local(value)
    # digits only, the same in every locale: formatted here, as Babel's per-call locale and zone lookups cost a
    # long table (an audit page, a ledger) several milliseconds
    return f"{local.day:02d}/{local.month:02d}/{local.year:04d} {local.hour:02d}:{local.minute:02d}"


def format_doc_date(value: dt.date | None, place: str | None = None) -> str:
    """The document date line of Nghị định 30/2020: "Tam Đường, ngày 05 tháng 11 năm 2024".

    Days below 10 and the months January and February take a leading zero.
    """
    if value is None:
        return ""
    place = place if place is not None else current_app.config["PORTAL_PLACE"]
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return gettext(
        "%(place)s, day %(day)s month %(month)s year %(year)s", place=place, day=day, month=month, year=value.year
    )


def missing_catalogs(plugin: Any, languages: list[str] | tuple[str, ...]) -> list[str]:
    """Languages for which an enabled plugin has no compiled catalog (its pages would show English msgids).

    English needs no catalog when none is shipped: the message ids are English.
    """
    from pathlib import Path

    missing = []
    for lang in languages:
        if plugin.translations is None:
            if lang != "en":
                missing.append(lang)
            continue
        mo = Path(plugin.translations) / lang / "LC_MESSAGES" / "messages.mo"
        if not mo.is_file() and (lang != "en" or mo.with_suffix(".po").is_file()):
            missing.append(lang)
    return missing


def warn_missing_catalogs(app: Flask, plugins: list[Any]) -> None:
    """Log, at start-up, each enabled plugin whose catalog is not compiled."""
    for plugin in plugins:
        missing = missing_catalogs(plugin, app.config["PORTAL_LANGUAGES"])
        if missing:
            app.logger.warning(
                "plugin %r: no compiled catalog for %s in %s; its pages show untranslated text. Run "
                "`flask --app portal i18n compile` (checkout) or reinstall the plugin (wheels ship compiled catalogs).",
                plugin.name, ", ".join(missing), plugin.translations)


def current_locale() -> str:
    return str(get_locale() or "vi")



# --- one catalog per plugin ---
#
# Each plugin translates with its own catalog, backed by the core's for the msgids it lacks, and the core with its
# own only: two plugins (or a plugin and the core) may translate the same msgid differently ("Approved" is a vote's
# "Đạt" in awards and a payment's "Đã duyệt" in fund), and a plugin installed from outside must not retranslate the
# core. The catalog follows the code that asks: the calling module in Python, the template being run in Jinja.

CORE = ""  # the core's domain; a plugin's domain is its name


class Domains:
    """An app's catalogs: which domain each module and template belongs to (cached by name) and each domain's
    catalog, loaded once per locale. Kept in ``app.extensions["portal_i18n"]``."""

    def __init__(self, core_dir: Path | str, plugins: Iterable[Any]) -> None:
        self.dirs: dict[str, list[str]] = {CORE: [str(core_dir)]}
        packages: list[tuple[str, str]] = []
        for plugin in plugins:
            self.dirs[plugin.name] = [str(core_dir)] + ([str(plugin.translations)] if plugin.translations else [])
            packages += [(pkg, plugin.name) for pkg in _packages(plugin)]
        self.packages = sorted(packages, key=lambda item: -len(item[0]))  # the longest prefix wins
        self.modules: dict[str, str] = {}
        self.templates: dict[str | None, str] = {}
        self.catalogs: dict[tuple[str, str], support.Translations] = {}

    def of_module(self, module: str) -> str:
        """The domain of a Python module: the plugin whose package holds it, else the core."""
        found = self.modules.get(module)
        if found is None:
            found = next((name for pkg, name in self.packages if module == pkg or module.startswith(pkg + ".")), CORE)
            self.modules[module] = found
        return found

    def of_template(self, template: str | None) -> str:
        """The domain of a template: ``<plugin>/...`` is the plugin's (its blueprint's folder), the rest the core's."""
        found = self.templates.get(template)
        if found is None:
            head = (template or "").split("/", 1)[0]
            found = self.templates[template] = head if head in self.dirs and "/" in (template or "") else CORE
        return found

    def catalog(self, locale: str, domain: str) -> support.Translations:
        """The core's catalog with the plugin's merged over it: one lookup per message, the core's as fallback."""
        key = (locale, domain)
        found = self.catalogs.get(key)
        if found is None:
            found = support.Translations()
            for dirname in self.dirs.get(domain, self.dirs[CORE]):
                loaded = support.Translations.load(dirname, [locale], "messages")
                found.merge(loaded)
                if hasattr(loaded, "plural"):  # merge() copies the messages only
                    found.plural = loaded.plural
            self.catalogs[key] = found
        return found


def _packages(plugin: Any) -> set[str]:
    """Packages holding a plugin's code: those of its blueprint and its models module (a checkout's
    ``plugins.awards`` or an outside distribution's top package)."""
    names = {plugin.blueprint.import_name}
    if plugin.models is not None:
        names.add(plugin.models.__name__)
    if isinstance(plugin.labels, type(sys)):
        names.add(plugin.labels.__name__)
    packages = set()
    for name in names:
        module = sys.modules.get(name)
        packages.add(name if module is None or hasattr(module, "__path__") or "." not in name
                     else name.rpartition(".")[0])
    return {p for p in packages if not any(p.startswith(q + ".") for q in packages)}


def init_domains(app: Flask, core_dir: Path | str, plugins: Iterable[Any]) -> None:
    """Give the app one catalog per plugin (call once the plugins are loaded)."""
    app.extensions["portal_i18n"] = Domains(core_dir, plugins)


class _RequestCatalogs:
    """This request's catalogs (one locale), found by module, template or domain name with one dict lookup."""

    __slots__ = ("domains", "locale", "by_domain", "modules", "templates", "formats")

    def __init__(self, domains: Domains | None, locale: str) -> None:
        self.domains, self.locale = domains, locale
        self.formats: dict[str, str] | None = None
        self.by_domain: dict[str, Any] = {}
        self.modules: dict[str, Any] = {}
        self.templates: dict[str | None, Any] = {}

    def of_domain(self, domain: str) -> Any:
        found = self.by_domain.get(domain)
        if found is None:
            # an app not built by create_app has flask_babel's catalog only
            found = get_translations() if self.domains is None else self.domains.catalog(self.locale, domain)
            self.by_domain[domain] = found
        return found

    def of_module(self, module: str) -> Any:
        found = self.modules.get(module)
        if found is None:
            found = self.modules[module] = self.of_domain(CORE if self.domains is None else self.domains.of_module(module))
        return found

    def of_template(self, template: str | None) -> Any:
        found = self.templates.get(template)
        if found is None:
            domain = CORE if self.domains is None else self.domains.of_template(template)
            found = self.templates[template] = self.of_domain(domain)
        return found


def _request_catalogs() -> _RequestCatalogs | None:
    """This request's catalogs, made once: flask_babel's own lookup resolves the request namespace, the locale and
    its name on every ``_()``, a tenth of a long page's time. Kept where flask_babel keeps per-request state, under
    the name its ``force_locale`` and ``refresh`` reset (a new locale, new catalogs). None outside an app context."""
    try:
        ctx = g._flask_babel
    except AttributeError:  # first call of the request: flask_babel makes its namespace
        get_locale()
        ctx = g._flask_babel
    except RuntimeError:  # no app context
        return None
    found = getattr(ctx, "babel_translations", None)
    if found is None:
        locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        found = ctx.babel_translations = _RequestCatalogs(current_app.extensions.get("portal_i18n"), locale)
    return found


_NULL = support.NullTranslations()


def catalog_for(domain: str) -> Any:
    """The current locale's catalog of ``domain`` (CORE or a plugin's name)."""
    state = _request_catalogs()
    return _NULL if state is None else state.of_domain(domain)


def catalog_of_module(module: str) -> Any:
    """The current locale's catalog for code of ``module`` (its plugin's, else the core's)."""
    state = _request_catalogs()
    if state is None:
        return _NULL
    found = state.modules.get(module)
    return state.of_module(module) if found is None else found


def _caller() -> Any:
    return catalog_of_module(sys._getframe(2).f_globals.get("__name__", ""))


# Python: the catalog of the caller's module (its ``__name__``).

def gettext(string: str, **variables: Any) -> str:
    """Translate ``string`` with the catalog of the calling plugin (the core's for core code)."""
    s = _caller().ugettext(string)
    return s % variables if variables else s


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", format_number(num))  # "201.000 entries", as every number shown
    return _caller().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables: Any) -> str:
    s = _caller().upgettext(context, string)
    return s % variables if variables else s


def npgettext(context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", format_number(num))
    return _caller().unpgettext(context, singular, plural, num) % variables


def _gettext_in(module: str, string: str, /, **variables: Any) -> str:
    s = catalog_of_module(module).ugettext(string)
    return s % variables if variables else s


def _pgettext_in(module: str, context: str, string: str, /, **variables: Any) -> str:
    s = catalog_of_module(module).upgettext(context, string)
    return s % variables if variables else s


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """``gettext`` at render time, with the catalog of the module that defines the string (labels, form fields)."""
    return LazyString(_gettext_in, sys._getframe(1).f_globals.get("__name__", ""), string, **variables)


def lazy_pgettext(context: str, string: str, **variables: Any) -> LazyString:
    return LazyString(_pgettext_in, sys._getframe(1).f_globals.get("__name__", ""), context, string, **variables)


# Jinja: the catalog of the template whose code runs. ``context.name`` is the template rendered, also while its
# parent's code runs ({% extends %} shares the context), so the running code's own template is found first: Jinja
# compiles each template to a module whose globals hold ``name`` and no ``__name__``. The callables are Jinja's
# "newstyle" ones (autoescape, always %-formatted), written out so a template's ``_()`` is one call away.

def _template_catalog(context: Context) -> Any:
    state = _request_catalogs()
    if state is None:
        return _NULL
    frame = sys._getframe(2)  # above this helper and the callable: Context.call, then the template's code
    name = context.name
    for _ in range(4):
        if frame is None:
            break
        found = frame.f_globals
        if "__name__" not in found:
            name = found.get("name") or name
            break
        frame = frame.f_back
    catalog = state.templates.get(name)
    return state.of_template(name) if catalog is None else catalog


@pass_context
def _jinja_gettext(__context: Context, __string: str, **variables: Any) -> str:
    rv = _template_catalog(__context).ugettext(__string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    if not variables and "%" not in rv:
        return rv  # the common label: nothing to fill in ("%%" still goes through the formatting below)
    return rv % variables  # type: ignore[no-any-return]


@pass_context
def _jinja_ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
    variables.setdefault("num", format_number(__num))
    rv = _template_catalog(__context).ungettext(__singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables  # type: ignore[no-any-return]


@pass_context
def _jinja_pgettext(__context: Context, __msgctxt: str, __string: str, **variables: Any) -> str:
    variables.setdefault("context", __msgctxt)
    rv = _template_catalog(__context).upgettext(__msgctxt, __string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables  # type: ignore[no-any-return]


@pass_context
def _jinja_npgettext(__context: Context, __msgctxt: str, __singular: str, __plural: str, __num: int,
                     **variables: Any) -> str:
    variables.setdefault("context", __msgctxt)
    variables.setdefault("num", format_number(__num))
    rv = _template_catalog(__context).unpgettext(__msgctxt, __singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Register Jinja filters and the language helpers."""
    # After Babel().init_app (which adds jinja2.ext.i18n), replacing its callables and the extension's `_` alias.
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        _=_jinja_gettext, gettext=_jinja_gettext, ngettext=_jinja_ngettext, pgettext=_jinja_pgettext,
        npgettext=_jinja_npgettext,
    )
    app.jinja_env.filters.update(
        money=format_money,
        number=format_number,
        percent=format_percent,
        date=format_date,
        datetime=format_datetime,
        docdate=format_doc_date,
        words=amount_in_words,
        localtime=to_local,
        stamp=local_stamp,
    )
    app.jinja_env.globals.update(current_locale=current_locale)


def coerce_money(raw: Any) -> int:
    """Parse integer đồng typed as "15.000.000", "15 000 000" or "15000000"; raise ValueError otherwise."""
    if isinstance(raw, int):
        return raw
    text = str(raw or "").strip().replace("\u00a0", " ")
    for suffix in ("đồng", "đ", "₫", "vnd", "VND"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    if not text:
        raise ValueError("empty")
    groups = text.replace(" ", ".").split(".")
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ValueError("bad grouping")
    digits = "".join(groups)
    if not digits.isdigit():
        raise ValueError("not a whole number")
    return int(digits)
