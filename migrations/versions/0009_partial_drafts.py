"""drafts: a draft needs only a title, so a posting's maturity may be unset until it is submitted

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:00:00

``achievements.trl`` and ``needs.min_trl`` become nullable (the service refuses to submit a posting
without them). Downgrading sets a missing maturity to 1, the lowest level.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.alter_column("trl", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.alter_column("min_trl", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("UPDATE achievements SET trl = 1 WHERE trl IS NULL")
    op.execute("UPDATE needs SET min_trl = 1 WHERE min_trl IS NULL")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.alter_column("min_trl", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.alter_column("trl", existing_type=sa.Integer(), nullable=False)
