"""Import postings from CSV/XLSX files and export the pool's lists; one transaction per file.

Import rules (the admin page and ``flask pool import`` share them):
- every row is checked by the web form of its kind, plus: an ``external_id`` (unique in the file),
  and a posting organization that exists, is not suspended and is of the right kind
  (universities, institutes and agencies post achievements; firms post needs);
- a file with any bad row commits nothing, unless ``valid_only``: then exactly the good rows land;
- rows are upserted on ``external_id``: an unchanged row is left alone (importing a file twice
  changes nothing), a changed row is updated, a new one inserted;
- new or changed postings become "published" with ``publish`` (the admin page always publishes),
  else "pending" (they then go through the review queue like any edit); postings of the importing
  admin's own organization stay "pending" (no self-approval, as in the review queue);
- a committed import adds one audit row: action "import", reason = the file name, after = counts.
Imports do not notify anyone: a bulk load is not news to the posting organizations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.forms import CONTROL_CHARS
from matchmaker.models import Organization, User
from matchmaker.models.base import utcnow
from matchmaker.services import audit
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.postings import FIELDS, MODELS
from matchmaker.transfer import columns, lists, sheets

MAX_BYTES = 20 * 1024 * 1024  # the web upload is further capped by MAX_CONTENT_LENGTH


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it (the header is row 1); 0 for the file as a whole
    column: str  # the header text, e.g. "标题 title"; "" when the problem is not one column's
    message: str


@dataclass
class ImportReport:
    filename: str
    kind: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    held_for_review: int = 0  # of the admin's own organization or of an unverified one: left pending
    status: str = ""
    dry_run: bool = False
    valid_only: bool = False
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "held_for_review": self.held_for_review,
        }


@dataclass
class _Row:
    number: int
    external_id: str
    org_code: str
    data: dict
    org: Organization | None = None


@dataclass
class _Batch:
    """The audit row's target: the kind of posting a file held (no single row)."""

    kind: str
    id: None = None


def import_file(
    actor: User,
    filename: str,
    data: bytes,
    *,
    kind: str | None = None,
    org_credit_code: str | None = None,
    valid_only: bool = False,
    dry_run: bool = False,
    publish: bool = False,
    commit: bool = True,
) -> ImportReport:
    """Check ``data`` (a CSV or XLSX file) row by row and, if allowed, upsert it in one transaction.

    ``commit=False`` leaves that transaction open for a caller that writes more in it (the demo seed).
    """
    if not permissions.is_admin(actor):
        raise Forbidden(_("Only administrators import postings."))
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is too large."))
    name = CONTROL_CHARS.sub("", PurePath(filename or "").name)[:200]
    report = ImportReport(filename=name, dry_run=dry_run, valid_only=valid_only)
    fmt = sheets.file_format(name, data)
    default_org = _default_org(org_credit_code)
    table = [(n, cells) for n, cells in sheets.read_rows(fmt, data) if not cells[0].strip().startswith("#")]
    if not table:
        report.errors.append(RowError(0, "", _("The file has no header row.")))
        return report
    header_row, header_cells = table[0]
    header = columns.parse_header(header_cells, kind)
    report.kind = header.kind
    report.errors += [RowError(header_row, cell, message) for cell, message in header.errors]
    if header.errors:
        return report
    kind = header.kind
    report.status = "published" if publish else "pending"
    rows = _check_rows(kind, table[1:], header.names, default_org, report)
    report.rows = len(table) - 1
    if not report.rows:
        report.errors.append(RowError(0, "", _("The file has no data rows.")))
        return report
    writes = _plan(kind, rows, report, publish, actor)
    report.errors.sort(key=lambda e: e.row)
    bad_rows = {e.row for e in report.errors}
    report.invalid = len(bad_rows)
    if dry_run or (bad_rows and not valid_only):
        db.session.rollback()
        return report
    _upsert(kind, writes)
    audit.record(
        actor, "import", _Batch(kind), None, {**report.counts, "status": report.status, "valid_only": valid_only}, name
    )
    if commit:
        db.session.commit()
    report.committed = True
    return report


def _default_org(code: str | None) -> Organization | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    org = _org_by_code(code)
    if org is None:
        raise DomainError(_("No organization has the credit code %(code)s.", code=code))
    return org


def _org_by_code(code: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.credit_code == code))


def _org_problem(kind: str, org: Organization) -> str | None:
    if org.suspended:
        return _("The organization %(name)s is suspended.", name=org.name)
    if kind == "achievement" and not org.is_supply:
        return _("%(name)s is not a university, institute or agency: only those post achievements.", name=org.name)
    if kind == "need" and not org.is_demand:
        return _("%(name)s is not a firm: only firms post needs.", name=org.name)
    return None


def _check_rows(kind, table, names, default_org, report) -> list[_Row]:
    """The rows that pass every check; each problem of the others goes into the report."""
    heads = columns.BY_NAME[kind]
    orgs: dict[str, Organization | None] = {}
    seen: dict[str, int] = {}
    good = []
    for number, cells in table:
        values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(names) if name}
        data, problems = columns.check_row(kind, values)
        ext_id = values.get("external_id", "").strip()
        if ext_id in seen:
            problems.append(
                ("external_id", _("The same external_id is already used on row %(row)d.", row=seen[ext_id]))
            )
        elif ext_id:
            seen[ext_id] = number
        code = values.get("org_credit_code", "").strip().upper()
        org = default_org
        if code:
            if not domain.is_valid_credit_code(code):
                problems.append(("org_credit_code", _("Not a valid unified social credit code.")))
                org = None
            else:
                if code not in orgs:
                    orgs[code] = _org_by_code(code)
                org = orgs[code]
                if org is None:
                    problems.append(("org_credit_code", _("No organization has the credit code %(code)s.", code=code)))
        elif default_org is None:
            problems.append(("org_credit_code", _("Give the posting organization's credit code.")))
        if org is not None and (problem := _org_problem(kind, org)):
            problems.append(("org_credit_code", problem))
        report.errors += [RowError(number, heads[col].header, message) for col, message in problems]
        if not problems:
            good.append(_Row(number, ext_id, code, data, org))
    return good


def _stored(kind: str, data: dict) -> dict:
    """Form data → column values (modes become the "|a|b|" text the model keeps)."""
    values = {name: data[name] for name in FIELDS[kind] if name != "modes"}
    values["modes_text"] = "|" + "|".join(data["modes"]) + "|" if data["modes"] else ""
    return values


def _plan(kind: str, rows: list[_Row], report: ImportReport, publish: bool, actor: User) -> list[dict]:
    """Compare with what is stored; count; return the column values of the rows to write."""
    model = MODELS[kind]
    ids = [r.external_id for r in rows]
    existing = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        existing.update(
            {p.external_id: p for p in db.session.scalars(select(model).where(model.external_id.in_(chunk)))}
        )
    now = utcnow()
    heads = columns.BY_NAME[kind]
    writes = []
    for row in rows:
        values = _stored(kind, row.data)
        values.update(external_id=row.external_id, organization_id=row.org.id)
        old = existing.get(row.external_id)
        if old is not None and old.organization_id != row.org.id:
            message = _(
                "This external_id belongs to a posting of another organization (%(name)s).", name=old.organization.name
            )
            report.errors.append(RowError(row.number, heads["external_id"].header, message))
            continue
        changed = old is None or any(getattr(old, k) != v for k, v in values.items())
        own = row.org.id == actor.organization_id
        # As in the review queue: never the admin's own organization, nor one not verified yet.
        held = own or not row.org.verified
        status = "published" if publish and not held else ("pending" if changed else old.status)
        if old is not None and not changed and status == old.status:
            report.unchanged += 1
            continue
        report.held_for_review += held and publish
        if old is None:
            report.created += 1
        else:
            report.updated += 1
        was_published = old is not None and old.status == "published"
        values.update(
            status=status,
            review_note="",
            updated_at=now,
            submitted_at=now if status == "pending" else (old.submitted_at if old else now),
            published_at=(old.published_at if was_published else now)
            if status == "published"
            else getattr(old, "published_at", None),
            created_at=old.created_at if old else now,
            created_by_id=old.created_by_id if old else actor.id,
        )
        writes.append(values)
    return writes


def _upsert(kind: str, writes: list[dict]) -> None:
    """INSERT … ON CONFLICT (external_id) DO UPDATE, in the session's transaction (both dialects)."""
    if not writes:
        return
    table = MODELS[kind].__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    keep = {"external_id", "created_at", "created_by_id"}
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.external_id],
        set_={name: stmt.excluded[name] for name in writes[0] if name not in keep},
    )
    db.session.execute(stmt, writes)


# -- export and the template ---------------------------------------------------------------------


def export_file(what: str, fmt: str, base_url: str = "") -> bytes:
    """A list (see ``matchmaker.transfer.lists``) as CSV (UTF-8 with BOM) or XLSX; contacts never included."""
    header, body = lists.HEADERS[what], lists.rows(what, base_url)
    if fmt == "csv":
        return sheets.write_csv(header, body)
    return sheets.write_xlsx([(lists.TITLES[what], header, body)], lists.WIDTHS)


def template_file(kind: str, fmt: str) -> bytes:
    """The import template: header "中文名 machine_name", a notes row (skipped on import), and for
    XLSX a 填写说明 sheet with every column's rule and the allowed codes with their Chinese labels."""
    header = [c.header for c in columns.COLUMNS[kind]]
    notes = lists.template_notes(kind)
    if fmt == "csv":
        return sheets.write_csv(header, [], notes)
    title = "成果" if kind == "achievement" else "需求"
    guide = ("填写说明", ["列名", "机器列名", "必填", "说明"], lists.template_guide(kind))
    return sheets.write_xlsx([(title, header, [notes]), guide], {i: 24 for i in range(1, len(header) + 1)})
