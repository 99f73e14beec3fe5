"""Alembic environment: the core's tables plus those of every installed plugin (enabled or not)."""
from __future__ import annotations

from alembic import context
from flask import current_app

from portal.loader import load_all_models
from portal.schema import CORE_TABLE_PREFIXES, installed_plugins

config = context.config
db = current_app.extensions["migrate"].db
load_all_models()
target_metadata = db.metadata
# Only the core's and the installed plugins' tables are compared: anything else in the metadata (a module
# imported by a test, a script's helper table) is not the migrations' business.
PREFIXES = CORE_TABLE_PREFIXES + tuple(f"{name}_" for name in installed_plugins(current_app))


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return (table.name if table is not None else name or "").startswith(PREFIXES)


def run_migrations_offline() -> None:
    context.configure(url=db.engine.url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite needs table rebuilds for ALTER
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
