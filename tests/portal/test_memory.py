"""The app's long-lived objects are frozen out of the garbage collector's walks, in a served app, not in tests."""
from __future__ import annotations

import gc

from portal import backup, create_app, memory


def test_a_served_app_is_frozen_once_built_and_again_once_warm(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(memory, "WARM_REQUESTS", 3)
    monkeypatch.setattr(backup, "_running_lock", None)  # this served app's running lock, closed at the end
    gc.unfreeze()
    try:
        app = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                          "PORTAL_PLUGINS": []})
        built = gc.get_freeze_count()
        assert built > 10_000  # the modules, mappers and the app itself
        client = app.test_client()
        for _ in range(2):
            client.get("/login")
        gc.unfreeze()
        client.get("/login")  # the third request: frozen again, caches included
        assert gc.get_freeze_count() > 10_000
        gc.unfreeze()
        client.get("/login")
        assert gc.get_freeze_count() == 0  # once only
    finally:
        gc.unfreeze()
        if backup._running_lock is not None:
            backup._running_lock.close()


def test_test_apps_and_a_switched_off_app_are_not_frozen(app, tmp_path, monkeypatch):
    gc.unfreeze()
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                "PORTAL_PLUGINS": [], "PORTAL_GC_FREEZE": False})
    assert gc.get_freeze_count() == 0 and app.testing
