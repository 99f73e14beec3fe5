"""Names every template reaches the same way: ``labels.<plugin>.NAME`` and ``perms.<plugin>.<verb>``."""
from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from flask import Flask


class UnknownName(LookupError):
    """A template asked for a label or permission that is not declared (a LookupError, so Jinja does not hide it
    as undefined: a misspelt name fails the page's test instead of rendering empty)."""


class Names:
    """Read-only attribute namespace over a mapping."""

    def __init__(self, owner: str, values: Mapping[str, Any]) -> None:
        self._owner = owner
        self._values = dict(values)
        self.__dict__.update(self._values)  # found as plain attributes: __getattr__ runs only for a miss

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnknownName(f"{self._owner}.{name} is not declared")

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise UnknownName(f"{self._owner}.{name} is not declared") from None

    def __contains__(self, name: str) -> bool:
        return name in self._values


def _public(source: ModuleType | Mapping[str, Any] | None) -> dict[str, Any]:
    if source is None:
        return {}
    if isinstance(source, ModuleType):
        return {k: v for k, v in vars(source).items() if k.isupper() and not k.startswith("_")}
    return dict(source)


def init_app(app: Flask, plugins: list[Any]) -> None:
    labels = {p.name: Names(f"labels.{p.name}", _public(p.labels)) for p in plugins}
    perms = {
        p.name: Names(f"perms.{p.name}", {perm.code.split(".", 1)[1]: perm.code for perm in p.permissions})
        for p in plugins
    }
    app.jinja_env.globals["labels"] = Names("labels", labels)
    app.jinja_env.globals["perms"] = Names("perms", perms)
