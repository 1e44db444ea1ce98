"""dashboard figures kept in tables; browse and figure indexes for a pool of 10^5

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:58:29.624959

need_coverage (each published need as the matcher ranked it: strong suggestions, best pairs, similar
needs), figure_counters (every number of the dashboard) and figure_state (when, from what, and the
job's lease). The browse index also carries organization and field, so the region and field filters
read no row; a (status, field, ...) index per kind; strong-suggestion notifications by event and time.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "figure_counters",
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("section", "key", "measure", name=op.f("pk_figure_counters")),
    )
    op.create_table(
        "figure_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("watermark", sa.DateTime(), nullable=True),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("lease_owner", sa.String(length=100), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_figure_state")),
    )
    op.create_table(
        "need_coverage",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=20), nullable=False),
        sa.Column("city", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("strong", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Double(), nullable=False),
        sa.Column("top", sa.JSON(), nullable=False),
        sa.Column("top_ids", sa.String(length=400), nullable=False),
        sa.Column("similar", sa.JSON(), nullable=False),
        sa.Column("similar_ids", sa.String(length=200), nullable=False),
        sa.Column("need_updated_at", sa.DateTime(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=op.f("fk_need_coverage_need_id_needs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_need_coverage_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("need_id", name=op.f("pk_need_coverage")),
    )
    with op.batch_alter_table("need_coverage", schema=None) as batch_op:
        batch_op.create_index("ix_need_coverage_best", ["status", "best_score"], unique=False)
        batch_op.create_index("ix_need_coverage_dirty", ["dirty"], unique=False)
        batch_op.create_index("ix_need_coverage_field", ["field"], unique=False)
        batch_op.create_index("ix_need_coverage_unmet", ["region", "status", "strong", "field", "city"], unique=False)

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievements_status_published"))
        batch_op.create_index(
            "ix_achievements_status_published",
            ["status", "published_at", "id", "organization_id", "field"],
            unique=False,
        )
        batch_op.create_index("ix_achievements_status_field", ["status", "field", "published_at", "id"], unique=False)

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_status_published"))
        batch_op.create_index(
            "ix_needs_status_published", ["status", "published_at", "id", "organization_id", "field"], unique=False
        )
        batch_op.create_index("ix_needs_status_field", ["status", "field", "published_at", "id"], unique=False)

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_event_created", ["event", "created_at", "dedupe_key"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_event_created")

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index("ix_needs_status_field")
        batch_op.drop_index("ix_needs_status_published")
        batch_op.create_index(batch_op.f("ix_needs_status_published"), ["status", "published_at", "id"], unique=False)

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_index("ix_achievements_status_field")
        batch_op.drop_index("ix_achievements_status_published")
        batch_op.create_index(
            batch_op.f("ix_achievements_status_published"), ["status", "published_at", "id"], unique=False
        )

    with op.batch_alter_table("need_coverage", schema=None) as batch_op:
        batch_op.drop_index("ix_need_coverage_unmet")
        batch_op.drop_index("ix_need_coverage_field")
        batch_op.drop_index("ix_need_coverage_dirty")
        batch_op.drop_index("ix_need_coverage_best")

    op.drop_table("need_coverage")
    op.drop_table("figure_state")
    op.drop_table("figure_counters")
