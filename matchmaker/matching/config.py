"""Every weight of the matcher in one dataclass, so the app, the benchmark and the tests agree."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

REASONS = ("same_field", "trl_ok", "mode_match", "price_overlap", "price_negotiable", "to_hebei", "deadline_ok")


@dataclass(frozen=True)
class MatchConfig:
    """Text weighting (BM25-style TF-IDF) and the structured boosts that re-rank the text score.

    The text score lies in [0, 1]: the words and the character-bigram channels each score
    sum(idf * saturated tf) / sum(idf) over the query's terms, then are blended by ``bigram_weight``.
    The total is text * (1 + sum of the boosts that hold): structure re-orders texts that match,
    it cannot make a pair that shares only a stray word look strong. Each boost yields its reason code.
    """

    # Field weighting: a term in the title counts as `title_weight` occurrences in the body, etc.
    title_weight: float = 2.0
    keywords_weight: float = 2.0
    summary_weight: float = 1.5  # achievement "summary", need "problem": the poster's one-line core
    body_weight: float = 1.0  # description, advantages, applications, key_points, goals
    # BM25 tf saturation and length normalisation.
    k1: float = 1.2
    b: float = 0.75
    bigram_weight: float = 1.0  # character-bigram channel relative to the words channel
    bigram_bits: int | None = None  # None: sized to the corpus at fit, 2**16 (small) .. 2**22 (20k+)
    # sklearn's max_df for the bigram channel: bigrams in more than this share of postings are
    # ignored (low idf, longest posting lists); applied once a kind has max_df_min_docs postings.
    max_df: float = 0.05
    max_df_min_docs: int = 1000
    # Field-specific idf: a query with a field (a need's 所属领域) weighs its terms by their idf among
    # the postings of that field, i.e. by what tells that field's postings apart (患者 is rare overall,
    # common in medicine), with the global idf as a prior worth `field_idf_prior` postings, so a
    # small field stays near the global weights. 0 turns it off. Dev: MRR@10 0.918 -> 0.923, problem
    # needs 0.888 -> 0.896, up on each of six half splits; nDCG@10 -0.001.
    field_idf_prior: float = 100.0
    # Structured re-ranking: relative boosts, total = text * (1 + sum of those that hold).
    # same_field is large (x8) yet still a boost: a candidate from another field with 8x the text
    # score outranks it. Tuned on the dev benchmark (nDCG@10 no worse than the additive 0.3 was).
    same_field: float = 7.0
    trl_ok: float = 0.05
    mode_match: float = 0.05
    price_overlap: float = 0.05
    price_negotiable: float = 0.03
    to_hebei: float = 0.05
    deadline_ok: float = 0.03
    today: date | None = None  # None: today in Beijing when a query runs (matchmaker.clock; tests pin it)

    def boost(self, reason: str) -> float:
        """The weight of one reason code."""
        return float(getattr(self, reason))

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["today"] = self.today.isoformat() if self.today else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> MatchConfig:
        d = {k: v for k, v in d.items() if k in {f.name for f in dataclasses.fields(cls)}}
        if d.get("today"):
            d["today"] = date.fromisoformat(d["today"])
        return cls(**d)
