"""Run ``main.py`` with every SQLite connection limited to OPERSHTAB_DRILL_PAGE_LIMIT pages (a disk that is full)."""

import os
import runpy
import sys

from sqlalchemy import event
from sqlalchemy.engine import Engine

LIMIT = int(os.environ["OPERSHTAB_DRILL_PAGE_LIMIT"])


@event.listens_for(Engine, "connect")
def _limit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute(f"PRAGMA max_page_count={LIMIT}")


sys.argv = [str(os.path.join(os.path.dirname(__file__), "..", "main.py")), *sys.argv[1:]]
runpy.run_path(sys.argv[0], run_name="__main__")
