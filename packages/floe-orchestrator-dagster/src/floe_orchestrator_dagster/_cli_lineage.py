"""``floe-dagster lineage replay``: deliver the OpenLineage events a receiver outage left spooled.

Where events go: ``--url`` (an OpenLineage HTTP endpoint, e.g. Marquez's base URL), else the
lineage backend of a product's ``compiled_artifacts.json`` (``--artifacts``), resolved as runs
resolve it. Which spool: ``--spool``, else the default spool of that destination (the one runs
spool to; ``$FLOE_DAGSTER_LINEAGE_SPOOL`` when set). Events are sent oldest first, each within its
time budget; the first that fails stops the replay and stays, with the rest, for the next one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from floe_orchestrator_dagster._cli_exit import EXIT_BAD_INPUT, EXIT_FAILED, fail


@click.group("lineage")
def lineage() -> None:
    """OpenLineage delivery: replay events spooled during a receiver outage."""


@lineage.command("replay")
@click.option(
    "--spool",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The spool file (default: the destination's default spool).",
)
@click.option("--url", default=None, help="Deliver to this OpenLineage HTTP endpoint.")
@click.option(
    "--artifacts",
    type=click.Path(path_type=Path),
    default=None,
    help="Deliver to the lineage backend of this compiled_artifacts.json (or its folder).",
)
@click.option("--timeout", type=float, default=None, help="Seconds each event may take.")
def replay(
    spool: Path | None, url: str | None, artifacts: Path | None, timeout: float | None
) -> None:
    """Deliver every spooled event in order and print a summary."""
    from floe_dagster_lineage import LineageError, replay_spool
    from floe_orchestrator_dagster._errors import FloeDagsterError

    if (url is None) == (artifacts is None):
        fail("Pass exactly one of --url or --artifacts to say where the events go.")
    try:
        transport = _transport(url, artifacts)
        summary = replay_spool(spool, transport=transport, deadline=timeout)
    except (LineageError, FloeDagsterError, ValueError, OSError) as error:
        fail(_sentence(error), EXIT_BAD_INPUT)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(EXIT_FAILED)


def _sentence(error: Exception) -> str:
    """What ``replay`` prints for ``error``: one styled sentence, never pydantic's dump."""
    from pydantic import ValidationError

    if isinstance(error, OSError) and error.strerror:
        where = f" {error.filename}" if error.filename else ""
        return f"Cannot use the file{where}: {error.strerror}. Check the path and its permissions."
    if isinstance(error, ValidationError):
        texts = [str(issue["msg"]).rstrip(".") for issue in error.errors()]
        return ". ".join(text[:1].upper() + text[1:] for text in texts) + "."
    return str(error)


def _transport(url: str | None, artifacts: Path | None) -> Any:
    from floe_dagster_lineage import transport_from_config

    if url is not None:
        return transport_from_config({"type": "http", "url": url})
    from floe_orchestrator_dagster._artifacts import read_artifacts
    from floe_orchestrator_dagster._definitions import config_from_artifacts
    from floe_orchestrator_dagster._lineage import LineageGateway

    loaded = read_artifacts(artifacts)
    gateway = LineageGateway(config_from_artifacts(loaded).lineage)
    gateway.bind(loaded)
    transport = gateway.emitter.transport
    if not gateway.emitter.enabled:
        raise ValueError(
            f"The artifacts of product {loaded.product_name} send lineage nowhere (no lineage "
            "backend, or lineage switched off), so there is nothing to replay to. Pass --url."
        )
    return transport
