"""`flask pool import FILE`, `flask pool export` and `flask pool template` (``matchmaker.cli`` puts
them in the ``pool`` group).

Outside a request, messages come out in the default language (Chinese) and links are paths
(``services.links``). Imports from the CLI leave postings "pending" (the review queue) unless
``--publish``; the actor is an admin named by ``--actor-email``.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from matchmaker import domain
from matchmaker.extensions import db
from matchmaker.i18n import current_lang
from matchmaker.models import User
from matchmaker.services.errors import DomainError


def _admin(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_admin:
        raise click.ClickException(f"{email} is not an administrator's e-mail.")
    return user


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor-email", required=True, help="The administrator the import is recorded under.")
@click.option("--kind", type=click.Choice(["achievement", "need"]), help="Default: detected from the header.")
@click.option("--org-credit-code", help="Posting organization for rows without an org_credit_code cell.")
@click.option("--valid-only", is_flag=True, help="Import the valid rows of a file that has bad rows.")
@click.option("--dry-run", is_flag=True, help="Check and count, change nothing.")
@click.option("--publish", is_flag=True, help="Publish new and changed postings (default: pending review).")
def import_command(
    file: Path,
    actor_email: str,
    kind: str | None,
    org_credit_code: str | None,
    valid_only: bool,
    dry_run: bool,
    publish: bool,
) -> None:
    """Import achievements or needs from a CSV or XLSX file in the template's shape (upsert on external_id)."""
    from matchmaker.services import transfer

    actor = _admin(actor_email)
    if file.stat().st_size > transfer.MAX_BYTES:
        raise click.ClickException(f"{file.name} is larger than {transfer.MAX_BYTES // 2**20} MiB.")
    try:
        report = transfer.import_file(
            actor,
            file.name,
            file.read_bytes(),
            kind=kind,
            org_credit_code=org_credit_code,
            valid_only=valid_only,
            dry_run=dry_run,
            publish=publish,
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    for error in report.errors:
        where = _("row %(row)d", row=error.row) if error.row else _("file")
        click.echo(f"{where}\t{error.column}\t{error.message}", err=True)
    summary = _(
        "%(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(invalid)d with errors.",
        **report.counts,
    )
    if report.committed:
        status = domain.label(domain.ACHIEVEMENT_STATUSES, report.status, current_lang())
        outcome = _("Imported (status of new or changed postings: %(status)s).", status=status)
    elif report.dry_run and not report.errors:
        outcome = _("Dry run: nothing was changed.")
    else:
        outcome = _("Nothing was imported.")
    click.echo(f"{report.filename}: {summary} {outcome}")
    if not report.committed and report.errors:
        raise SystemExit(1)


@click.command("export")
@with_appcontext
@click.option("--what", type=click.Choice(["achievements", "needs", "interests", "deals"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--base-url", default="", help="Prefix for the posting links, e.g. https://pool.example.cn")
def export_command(what: str, fmt: str, output: Path, base_url: str) -> None:
    """Write published achievements or needs, or all interests or deals, as a Chinese list (no contact details)."""
    from matchmaker.services import transfer

    output.write_bytes(transfer.export_file(what, fmt, base_url or current_app.config.get("PUBLIC_BASE_URL", "")))
    click.echo(f"{what} → {output}")


@click.command("template")
@with_appcontext
@click.option("--kind", type=click.Choice(["achievement", "need"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def template_command(kind: str, fmt: str, output: Path) -> None:
    """Write the import template for achievements or needs."""
    from matchmaker.services import transfer

    output.write_bytes(transfer.template_file(kind, fmt))
    click.echo(f"{kind} template → {output}")


COMMANDS = (import_command, export_command, template_command)
