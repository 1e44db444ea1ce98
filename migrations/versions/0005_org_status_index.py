"""counts per organization: (organization_id, status) index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 13:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.create_index("ix_achievements_org_status", ["organization_id", "status"], unique=False)

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index("ix_needs_org_status", ["organization_id", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index("ix_needs_org_status")

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_index("ix_achievements_org_status")
