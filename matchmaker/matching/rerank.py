"""Structured signals of a posting as compact arrays: what the re-ranking rules read.

One row of small integers/floats per posting lets the compiled rules (``kernel.reason_bits``, the
one place each reason is decided) run over thousands of candidates, and lets the arrays live in .npy
files that several processes map read-only.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from matchmaker import domain

# The pool's own vocabulary (domain.py, pure Python), in its order: a mode is a bit of a uint8 and a
# region is stored as 1, 2, 3 (0 = unknown) in saved indexes, so codes are only ever appended.
MODES = tuple(domain.TRANSFER_MODES)
REGIONS = tuple(domain.REGIONS)
SUPPLY = tuple(REGIONS.index(r) + 1 for r in ("beijing", "tianjin"))  # the regions results come from
HEBEI = REGIONS.index("hebei") + 1  # the region they go to
if len(MODES) > 8:
    raise ValueError("transfer modes are the bits of one uint8: widen COLUMNS['modes'] first")
NO_DATE = np.iinfo(np.int32).min
_EPOCH = date(1970, 1, 1).toordinal()
# name -> (dtype, value when absent)
COLUMNS = {
    "field": (np.int32, -1),
    "trl": (np.int16, 0),  # achievement trl, need min_trl
    "modes": (np.uint8, 0),
    "pmin": (np.float32, np.nan),
    "pmax": (np.float32, np.nan),
    "region": (np.int8, 0),
    "deadline": (np.int32, NO_DATE),
}


def _num(v):
    try:
        return None if v is None or v == "" else float(v)
    except (TypeError, ValueError):
        return None


def encode(doc: dict, field_id, kind: str | None = None) -> dict:
    """The structured row of one doc (``field_id`` maps a field string to its integer code)."""
    kind = kind or doc.get("kind")
    trl = doc.get("min_trl" if kind == "need" else "trl")
    modes = 0
    for m in doc.get("transfer_modes") or ():
        if m in MODES:
            modes |= 1 << MODES.index(m)
    dl = doc.get("deadline")
    try:
        days = (date.fromisoformat(str(dl)[:10]).toordinal() - _EPOCH) if dl else NO_DATE
    except ValueError:
        days = NO_DATE
    pmin, pmax = _num(doc.get("price_min")), _num(doc.get("price_max"))
    region = doc.get("region")
    return {
        "field": field_id(doc.get("field")),
        "trl": int(_num(trl) or 0),
        "modes": modes,
        "pmin": np.nan if pmin is None else pmin,
        "pmax": np.nan if pmax is None else pmax,
        "region": REGIONS.index(region) + 1 if region in REGIONS else 0,
        "deadline": days,
    }


def decode(row: dict, kind: str, fields: list[str]) -> dict:
    """Back to the doc's own keys (for ``Matcher.get``)."""
    f = int(row["field"])
    d = int(row["deadline"])
    pmin, pmax = float(row["pmin"]), float(row["pmax"])
    return {
        "kind": kind,
        "field": fields[f] if f >= 0 else None,
        ("min_trl" if kind == "need" else "trl"): int(row["trl"]) or None,
        "transfer_modes": [m for i, m in enumerate(MODES) if int(row["modes"]) >> i & 1],
        "price_min": None if np.isnan(pmin) else pmin,
        "price_max": None if np.isnan(pmax) else pmax,
        "region": REGIONS[int(row["region"]) - 1] if int(row["region"]) else None,
        "deadline": None if d == NO_DATE else date.fromordinal(d + _EPOCH).isoformat(),
    }


class Table:
    """The structured rows of one kind: read-only base arrays plus a growing in-memory delta."""

    def __init__(self, base: dict[str, np.ndarray] | None = None):
        self.base = base if base is not None else {k: np.empty(0, t) for k, (t, _) in COLUMNS.items()}
        self.n_base = len(self.base["field"])
        self.delta: list[dict] = []
        self._delta_arr: dict | None = None
        self._kernel_arrays: tuple | None = None
        self._field_sorted: bool | None = None

    @property
    def field_sorted(self) -> bool:
        """Are the base rows grouped by field (ascending field code)? Fit and compaction make them so."""
        if self._field_sorted is None:
            f = self.base["field"]
            self._field_sorted = bool(len(f) < 2 or (f[1:] >= f[:-1]).all())
        return self._field_sorted

    def kernel_arrays(self) -> tuple:
        """The base columns in COLUMNS order as read-only plain arrays, for ``kernel.top_base``."""
        if self._kernel_arrays is None:
            from .kernel import readonly

            self._kernel_arrays = tuple(readonly(self.base[k]) for k in COLUMNS)
        return self._kernel_arrays

    @staticmethod
    def build(rows: list[dict]) -> dict[str, np.ndarray]:
        return {k: np.array([r[k] for r in rows], t) if rows else np.empty(0, t) for k, (t, _) in COLUMNS.items()}

    def append(self, row: dict) -> None:
        self.delta.append(row)
        self._delta_arr = None

    def row(self, i: int) -> dict:
        if i < self.n_base:
            return {k: self.base[k][i] for k in COLUMNS}
        return self.delta[i - self.n_base]

    def take(self, name: str, rows: np.ndarray) -> np.ndarray:
        if not self.delta:
            return self.base[name][rows]
        if self._delta_arr is None:
            self._delta_arr = self.build(self.delta)
        out = np.empty(len(rows), COLUMNS[name][0])
        inb = rows < self.n_base
        out[inb] = self.base[name][rows[inb]]
        out[~inb] = self._delta_arr[name][rows[~inb] - self.n_base]
        return out

    def columns(self, rows: np.ndarray) -> tuple:
        """The structured columns of ``rows`` (base or added), in COLUMNS order: ``kernel.rerank``'s input."""
        return tuple(self.take(k, rows) for k in COLUMNS)

    def reorder(self, old_rows: np.ndarray) -> Table:
        """A new table whose row i is the old row ``old_rows[i]`` (after compaction)."""
        return Table({k: self.take(k, old_rows) for k in COLUMNS})
