"""PostgreSQL only: statement-level triggers that NOTIFY other seats of message/incident changes.

A frozen copy of the SQL (app/sync/notify.py may evolve; migrations must not).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION opershtab_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n integer; top integer; ids json;
BEGIN
  SELECT count(*), max(id) INTO n, top FROM changed_rows;
  IF n = 0 THEN RETURN NULL; END IF;
  IF n <= 200 THEN SELECT json_agg(id ORDER BY id) INTO ids FROM changed_rows;
  ELSE ids := '[]'::json; END IF;
  PERFORM pg_notify('opershtab_changes', json_build_object('kind', lower(TG_OP), 'table', TG_TABLE_NAME,
                                                   'ids', ids, 'count', n, 'max_id', top)::text);
  RETURN NULL;
END $$
"""
TRIGGERS = [(op_name, table) for table in ("messages", "incidents") for op_name in ("insert", "update")]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for op_name, table in TRIGGERS:
        op.execute(
            f"CREATE OR REPLACE TRIGGER opershtab_notify_{op_name}_{table} AFTER {op_name.upper()} ON {table} "
            f"REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION opershtab_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for op_name, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS opershtab_notify_{op_name}_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS opershtab_notify_change()")
