"""Fixtures of the exemplars tests: only "exemplars" is enabled (modules that need another plugin override
``enabled_plugins``); exemplars are made through the plugin's own services."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["exemplars"]


@pytest.fixture
def communes(make_unit: Callable[..., int]) -> dict[str, int]:
    return {"ban_bo": make_unit("Xã Bản Bo", code="xa-ban-bo"), "ho_thau": make_unit("Xã Hồ Thầu", code="xa-ho-thau"),
            "office": make_unit("Phòng Lao động - Thương binh và Xã hội", kind="agency", code="phong-ldtbxh")}


@pytest.fixture
def make_exemplar(app: Flask, communes: dict[str, int]) -> Callable[..., int]:
    """Propose an exemplar through the service (and verify it with ``state="verified"``); return its id."""
    from plugins.exemplars.services import cycle

    def make(title: str = "Trồng thảo quả dưới tán rừng", state: str = "proposed", **values: Any) -> int:
        values = {"kind": "model", "title": title, "unit_id": communes["ban_bo"], "sector": "livelihood",
                  "description": "Các hộ trồng thảo quả dưới tán rừng già, giữ rừng và có thu nhập.",
                  "story": "Từ 2019, 24 hộ người Dao ở Bản Bo trồng thảo quả.", "households": 24,
                  "households_out": 9, "source": "unit", "holder": "Tổ hợp tác thảo quả Sin Chải",
                  "contact": "Ông Tẩn A Sinh, 0912 345 678", **values}
        with app.app_context():
            ex = cycle.propose(values, None)
            if state != "proposed":
                import datetime as dt

                cycle.verify(ex.id, None, dt.date(2024, 5, 10), "Đã đến thăm mô hình")
            db.session.commit()
            return ex.id

    return make


def jpeg_bytes(size: tuple[int, int] = (2400, 1800)) -> bytes:
    """A real JPEG photo, larger than the showcase keeps (it gets downscaled)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (60, 140, 60)).save(out, "JPEG", quality=85)
    return out.getvalue()
