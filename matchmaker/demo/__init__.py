"""The project's own fictional demo data for ``flask seed demo``, read from the CSV files in ``data/``.

The postings are kept in the importer's own template (``matchmaker.transfer.columns``), so the
seed loads them the way an administrator's upload would; README.md beside this module says where
the data comes from and how each file is laid out. Dates are relative to the day the demo is
loaded, so its deadlines stay ahead and its history stays recent: ``today``, ``today+61``,
``today-31``, and with a Beijing time of day ``today-84 14:00``. Pure Python, no Flask: the
database work is ``matchmaker.services.seed``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from matchmaker import clock

DATA = Path(__file__).with_name("data")
FILES = {"achievement": "achievements.csv", "need": "needs.csv"}
DEMO_PREFIX = "demo_"  # a posting column of the demo's own, which the importer never sees
RELATIVE = re.compile(r"today(?:([+-]\d{1,5}))?(?: ([01]\d|2[0-3]):([0-5]\d))?")


def load_day() -> date:
    """Today in Beijing: the day every relative date of the demo counts from."""
    return clock.today()


def _relative(text: str) -> re.Match:
    match = RELATIVE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a demo date (today, today+N, today-N, optionally ' HH:MM'): {text!r}")
    return match


def day(text: str, today: date) -> date:
    """``today-31`` → the date 31 days before ``today``."""
    return today + timedelta(days=int(_relative(text)[1] or 0))


def moment(text: str, today: date) -> datetime:
    """``today-84 14:00`` (Beijing time) → the naive UTC datetime the database keeps."""
    match = _relative(text)
    local = datetime.combine(day(text, today), time(int(match[2] or 0), int(match[3] or 0)))
    return local - timedelta(hours=8)


def column_name(header: str) -> str:
    """ "标题 title" → "title": the machine name ends every header cell."""
    return header.split()[-1]


def read(name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` keyed by machine column name, as text."""
    with (DATA / name).open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = [column_name(cell) for cell in next(reader)]
        return [dict(zip(header, row, strict=True)) for row in reader]


def organizations() -> list[dict]:
    return [{**row, "verified": row["verified"] == "yes"} for row in read("organizations.csv")]


def users() -> list[dict[str, str]]:
    return read("users.csv")


def postings(kind: str) -> list[dict[str, str]]:
    """The demo's achievements or needs: the template's columns plus the ``demo_*`` ones."""
    return read(FILES[kind])


def import_file(kind: str, today: date) -> bytes:
    """The postings as the CSV file an administrator would upload: the template's columns only, dates
    resolved. A deadline already past is left out (the importer refuses one, as the web form does);
    the seed sets it afterwards, with the status and history the template has no column for."""
    with (DATA / FILES[kind]).open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    keep = [i for i, cell in enumerate(rows[0]) if not column_name(cell).startswith(DEMO_PREFIX)]
    dates = [i for i in keep if column_name(rows[0][i]) == "deadline"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([rows[0][i] for i in keep])
    for row in rows[1:]:
        for i in dates:
            if row[i]:
                resolved = day(row[i], today)
                row[i] = resolved.isoformat() if resolved >= today else ""
        writer.writerow([row[i] for i in keep])
    return out.getvalue().encode("utf-8")


def records(kind: str, today: date | None = None) -> list[dict]:
    """The postings as plain records in the models' vocabulary, for code that uses them without the app
    (the benchmarks): codes for the Chinese names, keyword and mode lists, numbers, ISO dates, the
    organization's ``org`` key, ``status`` and ``review_note``. Achievements name their modes
    ``transfer_modes``, as the matcher's documents do."""
    from matchmaker import domain

    today = today or load_day()
    org_keys = {row["credit_code"]: row["key"] for row in read("organizations.csv")}
    codes = {
        name: {zh: code for code, (zh, _en) in table.items()}
        for name, table in (("field", domain.FIELDS), ("modes", domain.TRANSFER_MODES), ("ip_type", domain.IP_TYPES))
    }
    out = []
    for row in postings(kind):
        record = {
            k: v
            for k, v in row.items()
            if k not in ("external_id", "org_credit_code") and not k.startswith(DEMO_PREFIX)
        }
        record.update(
            org=org_keys[row["org_credit_code"]],
            field=codes["field"][row["field"]],
            keywords=row["keywords"].split("、"),
            status=row["demo_status"],
            created=day(row["demo_created"], today).isoformat(),
            review_note=row["demo_review_note"],
        )
        modes = [codes["modes"][m] for m in row["modes"].split("、")]
        if kind == "achievement":
            del record["modes"]
            record.update(transfer_modes=modes, trl=int(row["trl"]), ip_type=codes["ip_type"][row["ip_type"]])
        else:
            record.update(
                modes=modes,
                min_trl=int(row["min_trl"]),
                deadline=day(row["deadline"], today).isoformat() if row["deadline"] else None,
            )
        for name in ("price_min", "price_max", "budget_min", "budget_max"):
            if name in record:
                record[name] = float(row[name]) if row[name] else None
        out.append(record)
    return out
