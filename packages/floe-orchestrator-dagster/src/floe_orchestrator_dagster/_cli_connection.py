"""``floe-dagster validate-connection``: probe a Dagster webserver (US7).

Exit codes: 0 the webserver answers (warnings, if any, on stderr); 1 it does not, with the reason
and the fix on stderr; 2 the URL itself is malformed.
"""

from __future__ import annotations

import click

from floe_orchestrator_dagster._cli_exit import EXIT_BAD_INPUT, EXIT_FAILED, fail


@click.command("validate-connection")
@click.option(
    "--url",
    metavar="URL",
    default=None,
    help=(
        "Base URL of the Dagster webserver. Default: $FLOE_DAGSTER_URL, else http://localhost:3000."
    ),
)
def validate_connection(url: str | None) -> None:
    """Check that the Dagster webserver answers, within 10 seconds.

    The token, if the webserver needs one, is read from $FLOE_DAGSTER_AUTH_TOKEN.

    Exit codes: 0 it answers (warnings on stderr), 1 it does not (the reason and the
    fix on stderr), 2 the URL is malformed.
    """
    from floe_orchestrator_dagster._connection import ConnectionSettings
    from floe_orchestrator_dagster._connection import validate_connection as validate
    from floe_orchestrator_dagster._connection.settings import (
        DEFAULT_WEBSERVER_URL,
        display_url,
        url_problem,
    )

    settings = ConnectionSettings()
    resolved = settings.resolve(url)
    problem = url_problem(resolved.url)
    if problem is not None:
        fail(
            f"{display_url(resolved.url)!r} (from {resolved.source}) is not a webserver URL: "
            f"{problem}. Give the base URL of dagster-webserver, e.g. {DEFAULT_WEBSERVER_URL}.",
            EXIT_BAD_INPUT,
        )
    result = validate(settings, url=url)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not result.success:
        fail(result.message, EXIT_FAILED)
    click.echo(result.message)
