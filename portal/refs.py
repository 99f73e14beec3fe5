"""Opaque references between plugins, and the links plugins offer on each other's record pages.

A record is named across plugins by ``"<plugin>:<kind>:<id>"`` (e.g. ``"inspections:finding:12"``): a plugin that
keeps such a string never holds a foreign key into another plugin's table and needs no ``requires``. Only the
owning plugin knows what it means, through its ``Plugin.resolve_ref(kind, id) -> RefInfo | None``; a reference to
a disabled plugin or a deleted record resolves to None (show it as "no longer available").

A record page calls ``{{ cross_links("inspections", "finding", finding.id) }}`` once: every enabled plugin's
``Plugin.record_links(ref, user)`` may offer actions ("Đề xuất làm điển hình") and related records.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from portal.plugin import Link, RefInfo

_REF = re.compile(r"^([a-z][a-z0-9_]*):([a-z][a-z0-9_]*):([1-9][0-9]{0,17})$")
MAX_REF_LENGTH = 80


def make_ref(plugin: str, kind: str, ident: int) -> str:
    """``make_ref("awards", "nomination", 5) == "awards:nomination:5"``."""
    ref = f"{plugin}:{kind}:{int(ident)}"
    if not _REF.match(ref) or len(ref) > MAX_REF_LENGTH:
        raise ValueError(f"not a valid reference: {ref!r}")
    return ref


def parse_ref(ref: str | None) -> tuple[str, str, int] | None:
    """(plugin, kind, id) of a well-formed reference, else None (never raises on user input)."""
    m = _REF.match((ref or "").strip()) if ref and len(ref) <= MAX_REF_LENGTH else None
    return (m.group(1), m.group(2), int(m.group(3))) if m else None


def ref_resolver(**kinds: tuple[type, Callable[[Any], RefInfo]]) -> Callable[[str, int], RefInfo | None]:
    """A ``Plugin.resolve_ref`` from ``kind=(Model, describe)`` pairs: the row is loaded by id and described;
    an unknown kind or a missing row gives None.

        resolve_ref = ref_resolver(finding=(Finding, lambda f: RefInfo(f.description, url_for(...), f.unit_id)))
    """

    def resolve(kind: str, ident: int) -> RefInfo | None:
        from portal.extensions import db

        if kind not in kinds:
            return None
        model, describe = kinds[kind]
        row = db.session.get(model, ident)
        return describe(row) if row is not None else None

    return resolve


def _plugins() -> dict[str, Any]:
    return current_app.extensions["portal"].plugins


def resolve_ref(ref: str | None) -> RefInfo | None:
    """Ask the owning plugin what ``ref`` names; None when malformed, the plugin is not enabled or the record is
    gone."""
    parts = parse_ref(ref)
    if parts is None:
        return None
    owner = _plugins().get(parts[0])
    if owner is None or owner.resolve_ref is None:
        return None
    return owner.resolve_ref(parts[1], parts[2])


def record_links(ref: str, user: Any = None) -> list[Link]:
    """Every enabled plugin's links for the record ``ref`` (actions first, then related records)."""
    user = user if user is not None else current_user
    out: list[Link] = []
    for plugin in _plugins().values():
        if plugin.record_links is not None:
            out.extend(plugin.record_links(ref, user) or ())
    return sorted(out, key=lambda link: not link.action)


def cross_links(plugin: str, kind: str, ident: int) -> Markup:
    """Jinja global: the other plugins' actions and related records for a record page (nothing when none)."""
    links = record_links(make_ref(plugin, kind, ident))
    if not links:
        return Markup("")
    return Markup(render_template("macros/cross_links.html", links=links))


def init_app(app: Any) -> None:
    app.jinja_env.globals["cross_links"] = cross_links
