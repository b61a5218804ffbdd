"""``floe-dagster helm-values``: Helm values for the floe-dagster chart (issue: deploy)."""

from __future__ import annotations

import click


@click.command("helm-values")
def helm_values() -> None:
    """Print Helm values for the floe-dagster chart."""
    raise click.ClickException("helm-values is not implemented yet in this version")
