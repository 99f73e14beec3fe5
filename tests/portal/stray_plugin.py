"""A plugin whose model table lacks the plugin's prefix (the loader must refuse it). Imported only by test_loader."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy.orm import Mapped, mapped_column

from portal.plugin import Plugin
from portal.toolkit import db


class StrayTable(db.Model):
    __tablename__ = "stray_table"
    id: Mapped[int] = mapped_column(primary_key=True)


plugin = Plugin(name="tables", title="tables", blueprint=Blueprint("tables", __name__))
