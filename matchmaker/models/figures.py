"""The dashboard's figures, kept in tables: per-need coverage, counters, and where each job stands.

Nothing here is the source of truth: every row can be recomputed from the postings, the match index
and the interests (``flask pool stats refresh``). They exist so the dashboard reads a few rows
instead of asking the matcher about every need of the pool on each request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.extensions import db


class NeedCoverage(db.Model):
    """One published (or fulfilled) need as the matcher ranked it when its row was last computed.

    ``top``: its best suggestions as ``matching.suggestions_for`` orders them, ``[[achievement id,
    score, text score, supply side?], ...]``; ``strong``: how many of them are strong and from Beijing
    or Tianjin; ``similar``: its nearest needs ``[[need id, similarity], ...]`` (common needs).
    ``dirty``: a change (of the need, of an achievement it could rank, of the index) awaits a recompute.
    """

    __tablename__ = "need_coverage"
    __table_args__ = (
        Index("ix_need_coverage_dirty", "dirty"),
        Index("ix_need_coverage_field", "field"),
        Index("ix_need_coverage_unmet", "region", "status", "strong", "field", "city"),
        Index("ix_need_coverage_best", "status", "best_score"),
    )

    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    strong: Mapped[int] = mapped_column(default=0)
    best_score: Mapped[float] = mapped_column(default=0.0)
    top: Mapped[list] = mapped_column(JSON, default=list)
    top_ids: Mapped[str] = mapped_column(String(400), default="")  # "|12|40|": which needs rank achievement 12
    similar: Mapped[list] = mapped_column(JSON, default=list)
    similar_ids: Mapped[str] = mapped_column(String(200), default="")  # "|7|9|": which needs list need 7
    need_updated_at: Mapped[datetime | None]
    dirty: Mapped[bool] = mapped_column(default=True)
    computed_at: Mapped[datetime | None]


class FigureCounter(db.Model):
    """One number of the dashboard, as its CSV has it: (section, key, measure) → value.

    ``detail`` carries what the page shows beside a few of them (the titles of an unmet cell, the
    needs and achievements of a group of common needs), always a bounded sample.
    """

    __tablename__ = "figure_counters"

    section: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    measure: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(default=0.0)
    detail: Mapped[dict | None] = mapped_column(JSON)


class FigureState(db.Model):
    """Where one group of figures stands: computed when, from what, and who is computing it now.

    ``source``: a fingerprint of the tables the group was counted from (a change means a recount);
    for the coverage job also ``watermark`` (postings seen up to), ``cursor`` (audit log rows seen
    up to) and ``version`` (the match index the rows were ranked by). ``lease_*``: one process at a
    time runs the job, whichever server it is on.
    """

    __tablename__ = "figure_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(Text, default="")
    watermark: Mapped[datetime | None]
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[str] = mapped_column(String(100), default="")
    lease_owner: Mapped[str] = mapped_column(String(100), default="")
    lease_until: Mapped[datetime | None]
    computed_at: Mapped[datetime | None]
