"""audit log append-only in the database: UPDATE and DELETE on audit_log raise

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 13:40:00

The ORM guard (``models.curation``) stops the app; these triggers stop everything else that
talks SQL (a psql session, a script, a future bug). PostgreSQL: one plpgsql function and a row
trigger BEFORE UPDATE OR DELETE. SQLite: two ``RAISE(ABORT)`` triggers. Both are invisible to
autogenerate, so ``flask db check`` stays clean.

Consequences, all intended: a user who appears as an actor can no longer be deleted outright
(``ON DELETE SET NULL`` would update audit rows; accounts are anonymised instead, never deleted);
TRUNCATE (owner privilege, no row triggers) and DROP TABLE still work, which is how the test
suite empties the table on PostgreSQL and how ``pg_restore --clean`` replaces it. On SQLite a
batch migration that recreates ``audit_log`` drops its triggers: such a migration must create
them again.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MESSAGE = "audit_log is append-only"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""
SQLITE_TRIGGERS = {
    name: f"CREATE TRIGGER {name} BEFORE {event} ON audit_log BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for name, event in (("audit_log_no_update", "UPDATE"), ("audit_log_no_delete", "DELETE"))
}


def _dialect() -> str:
    return op.get_context().dialect.name


def upgrade():
    if _dialect() == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    elif _dialect() == "sqlite":
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def downgrade():
    if _dialect() == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    elif _dialect() == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
