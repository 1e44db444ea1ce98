"""Command-line tools: ``flask seed demo`` and ``flask users create-admin``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from matchmaker.services.errors import DomainError

seed_cli = AppGroup("seed", help="Load data into the database.")
users_cli = AppGroup("users", help="Manage accounts.")


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
        raise click.ClickException(str(error))
    click.echo(f"Administrator {user.email} created.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)
