"""Write demo_rows.json.gz: run with the code of commit 8ef7f5f (see README.md) from the repository root:
    python tests/portal/legacy_0002/make_rows.py tests/portal/legacy_0002/demo_rows.json.gz
"""
import os, sys, tempfile, json, gzip, base64, datetime as dt, decimal
from pathlib import Path
from alembic import command
from alembic.config import Config
from portal import create_app
from portal.extensions import db
from sqlalchemy import MetaData, select, text
tmp = Path(tempfile.mkdtemp())
os.environ["PORTAL_INSTANCE_PATH"] = str(tmp/"inst")
os.environ["PORTAL_DEMO_PASSWORD"] = "demo-password-2024"
url = "sqlite:///"+str(tmp/"p.db")
app = create_app({"SECRET_KEY":"x"*32,"SQLALCHEMY_DATABASE_URI":url,"PORTAL_PLUGINS":["reports","inspections","awards","fund"]})
with app.app_context():
    cfg = Config(); cfg.set_main_option("script_location", "tests/portal/legacy_0002")
    command.upgrade(cfg, "head")
r = app.test_cli_runner().invoke(args=["portal","seed-demo"]); assert r.exit_code == 0, r.output
def enc(v):
    if isinstance(v, dt.datetime): return {"__dt__": v.isoformat()}
    if isinstance(v, dt.date): return {"__d__": v.isoformat()}
    if isinstance(v, decimal.Decimal): return {"__dec__": str(v)}
    if isinstance(v, (bytes, memoryview)): return {"__b64__": base64.b64encode(bytes(v)).decode()}
    return v
out = {}
with app.app_context(), db.engine.connect() as conn:
    md = MetaData(); md.reflect(conn)
    for t in md.sorted_tables:
        if t.name == "alembic_version": continue
        cols = [c.name for c in t.columns]
        pk = list(t.primary_key.columns) or list(t.columns)
        rows = conn.execute(select(t).order_by(*pk)).all()
        out[t.name] = {"columns": cols, "rows": [[enc(v) for v in r] for r in rows]}
data = json.dumps(out, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
print(len(data), sum(len(v["rows"]) for v in out.values()))
Path(sys.argv[1]).write_bytes(gzip.compress(data, 9, mtime=0))
print(Path(sys.argv[1]).stat().st_size)
print(sorted((len(v["rows"]), k) for k, v in out.items())[-5:])
