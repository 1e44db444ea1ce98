"""Command-line tools: ``flask seed demo``, ``flask users create-admin``, ``flask matching …``.

Each group is complete once this module is imported (``flask pool`` includes the import/export
commands of ``transfer.cli`` and ``flask pool stats``); ``create_app`` adds the groups to the app.
"""

from __future__ import annotations

from contextlib import contextmanager

import click
from flask.cli import AppGroup, with_appcontext

from matchmaker.services.errors import DomainError
from matchmaker.transfer import cli as transfer_cli

seed_cli = AppGroup("seed", help="Load data into the database.")
users_cli = AppGroup("users", help="Manage accounts.")
matching_cli = AppGroup("matching", help="The match index and suggestions.")
pool_cli = AppGroup("pool", help="Curate the pool: expire, purge, import, export, figures.")
stats_cli = AppGroup("stats", help="The dashboard's figures.")


@contextmanager
def _progress(label: str):
    """A progress bar whose total the work announces: yields ``progress(done, total)``."""
    with click.progressbar(length=1, label=label, show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield progress


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has data.")
def seed_demo(if_empty: bool) -> None:
    """Load the project's own fictional demo data (demo accounts use the password demo-2026-pool)."""
    from matchmaker.services import seed

    if not seed.is_empty():
        if if_empty:
            click.echo("Database already has data: demo data not loaded.")
            return
        raise click.ClickException("The database is not empty; demo data is only loaded into an empty one.")
    counts = seed.load_demo()
    click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--organization", default="京津冀技术转移服务中心", show_default=True)
@click.password_option()
def create_admin(email: str, name: str, organization: str, password: str) -> None:
    """Create an administrator (prompts for the password; there is no default account)."""
    from matchmaker.services import accounts

    try:
        user = accounts.create_admin(email, name, password, organization)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Administrator {user.email} created.")


@matching_cli.command("rebuild")
def matching_rebuild() -> None:
    """Refit the match index from every published posting and make it current."""
    import time

    from matchmaker.services import match_index

    started = time.perf_counter()
    with _progress("Fitting the match index") as progress:
        try:
            version = match_index.build_index(progress=progress, workers=None)
        except OSError as error:  # disk full, permissions: the previous index stays current
            raise click.ClickException(f"Rebuild failed, the previous index stays in use: {error}") from error
    click.echo(f"Index {version} built in {time.perf_counter() - started:.1f} s.")


@matching_cli.command("suggest")
@click.argument("kind", type=click.Choice(["need", "achievement"]))
@click.argument("posting_id", type=int)
@click.option("-k", default=10, show_default=True, help="How many suggestions.")
def matching_suggest(kind: str, posting_id: int, k: int) -> None:
    """Print the suggested counterparts of one posting (by the app's own matcher)."""
    from matchmaker.extensions import db
    from matchmaker.services import matching
    from matchmaker.services.postings import MODELS

    posting = db.session.get(MODELS[kind], posting_id)
    if posting is None:
        raise click.ClickException(f"No {kind} with id {posting_id}.")
    click.echo(f"{kind} {posting_id}: {posting.title} [{posting.status}]")
    suggestions = matching.suggestions_for(posting, k=k)
    if not suggestions:
        click.echo("No suggestions.")
    for rank, s in enumerate(suggestions, 1):
        click.echo(f"{rank:>2}. {s.score:.3f} {s.strength:<6} #{s.posting.id} {s.posting.title}")
        click.echo(f"    reasons: {', '.join(s.reasons) or '-'}; shared terms: {'、'.join(s.shared_terms) or '-'}")


@pool_cli.command("expire")
def pool_expire() -> None:
    """Warn owners of postings about to expire and archive those warned earlier (idempotent; cron-safe)."""
    from matchmaker.services import lifecycle

    report = lifecycle.expire()
    click.echo(f"Owners warned: {report.noticed}; postings archived: {report.archived}.")


@pool_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be purged and change nothing.")
def pool_purge(dry_run: bool) -> None:
    """Delete postings rejected or archived RETENTION_MONTHS ago (unless a deal needs them) and anonymise
    accounts without a login for ACCOUNT_RETENTION_MONTHS; the audit log is kept (idempotent; cron-safe)."""
    from matchmaker.services import retention

    report = retention.purge(dry_run=dry_run)
    click.echo(
        ("Dry run, nothing changed. " if dry_run else "")
        + f"Postings purged: {report.postings} (interests: {report.interests}, "
        f"notifications: {report.notifications}); kept for a deal: {report.kept_for_deals}; "
        f"accounts anonymised: {report.accounts}; expired registrations deleted: {report.signups}."
    )


@stats_cli.command("refresh")
@click.option("--workers", type=int, default=None, help="Processes that rank the needs (default: one per core).")
def stats_refresh(workers: int | None) -> None:
    """Recompute every dashboard figure in full from the pool and the match index (idempotent)."""
    import time

    from matchmaker.services import figures

    started = time.perf_counter()
    with _progress("Ranking the needs") as progress:
        try:
            data = figures.refresh(progress=progress, workers=workers)
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
    ss = data["self_sufficiency"]
    click.echo(
        f"Figures computed in {time.perf_counter() - started:.1f} s: {ss.get('hebei_needs', 0)} Hebei needs, "
        f"{ss.get('with_strong_suggestion', 0)} with a strong suggestion, {len(data['unmet_demand'])} unmet "
        f"cells, {len(data['common_needs'])} groups of common needs."
    )


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Write a consistent copy of the database to PATH (SQLite file, or pg_dump custom format)."""
    from matchmaker.services import backup

    try:
        backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database content with the backup at PATH (stop the app first)."""
    from matchmaker.services import backup

    if not yes:
        click.confirm("This replaces every row of the database. Continue?", abort=True)
    try:
        backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {path}.")


for _command in (*transfer_cli.COMMANDS, stats_cli):  # `flask pool import|export|template`, `flask pool stats …`
    pool_cli.add_command(_command)
