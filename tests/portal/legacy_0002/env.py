"""Alembic environment: the core's tables plus those of every installed plugin (enabled or not)."""
from __future__ import annotations

from alembic import context
from flask import current_app

from portal.loader import load_all_models

config = context.config
db = current_app.extensions["migrate"].db
load_all_models()
target_metadata = db.metadata


def run_migrations_offline() -> None:
    context.configure(url=db.engine.url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite needs table rebuilds for ALTER
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
