from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from portal.toolkit import Audited, db


class Note(Audited, db.Model):
    __tablename__ = "sample_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
