"""``floe-dagster validate-connection``: probe a Dagster webserver (issue: validate_connection)."""

from __future__ import annotations

import click


@click.command("validate-connection")
def validate_connection() -> None:
    """Probe the Dagster webserver."""
    raise click.ClickException("validate-connection is not implemented yet in this version")
