"""interests: either side may withdraw its consent to share its contact (PIPL art. 15)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:40:00

Two nullable timestamps: when the need's side or the achievement's side withdrew. NULL (every
existing row) means the contact is shared from acceptance on, as before.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("need_contact_withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("achievement_contact_withdrawn_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.drop_column("achievement_contact_withdrawn_at")
        batch_op.drop_column("need_contact_withdrawn_at")
