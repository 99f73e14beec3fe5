"""inspections_0002 (a finding may have no item) keeps every finding and its follow-up rows: on SQLite the column
change copies and drops the table, and the drop would cascade to the follow-ups."""
from __future__ import annotations

from sqlalchemy import text

from portal import create_app
from portal.extensions import db


def _run(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)


def test_upgrade_keeps_findings_and_their_follow_up(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "PORTAL_PLUGINS": ["inspections"],
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "m.db")})
    _run(app, "portal", "init")
    _run(app, "portal", "db", "downgrade", "--plugin", "inspections", "inspections_0001")
    with app.app_context():
        from portal.models import Unit, User

        unit = Unit(code="xa-ban-bo", name="Xã Bản Bo", kind="commune")
        db.session.add(unit)
        db.session.flush()
        db.session.add(User(username="u", full_name="U", password_hash="x", unit_id=unit.id))
        db.session.commit()
        assert unit.id == 1
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO inspections_template (id, code, version, title, frozen, created_at) "
                              "VALUES (1, 't', 1, 'T', 1, '2025-01-01')"))
            conn.execute(text("INSERT INTO inspections_section (id, template_id, position, title) VALUES (1, 1, 1, 'P')"))
            conn.execute(text("INSERT INTO inspections_item (id, template_id, section_id, key, position, text, "
                              "answer_type, weight, note_required_on_fail, photo_required) "
                              "VALUES (1, 1, 1, 'k', 1, 'Mục', 'pass_fail', 1, 0, 0)"))
            conn.execute(text("INSERT INTO inspections_inspection (id, template_id, unit_id, year, planned_date, "
                              "state, leader_id) VALUES (1, 1, 1, 2025, '2025-05-20', 'completed', 1)"))
            conn.execute(text("INSERT INTO inspections_finding (id, inspection_id, item_id, description, "
                              "recommendation, responsible_unit_id, due_date, state) "
                              "VALUES (1, 1, 1, 'Mục', 'Sửa', 1, '2025-06-20', 'reported')"))
            conn.execute(text("INSERT INTO inspections_finding_update (id, finding_id, user_id, kind, text, at) "
                              "VALUES (1, 1, 1, 'done', 'Đã sửa', '2025-06-01')"))
    _run(app, "portal", "db", "upgrade", "--plugin", "inspections")
    with app.app_context(), db.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM inspections_finding_update")).scalar_one() == 1
        assert conn.execute(text("SELECT state FROM inspections_finding WHERE id = 1")).scalar_one() == "reported"
        conn.execute(text("INSERT INTO inspections_finding (id, inspection_id, item_id, description, recommendation, "
                          "responsible_unit_id, due_date, state) VALUES (2, 1, NULL, 'Viết tay', '', 1, "
                          "'2025-06-20', 'open')"))
        assert conn.execute(text("SELECT count(*) FROM inspections_finding")).scalar_one() == 2
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
