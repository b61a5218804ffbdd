"""The ``floe-dagster`` command line.

Exit codes (``_cli_exit``): 0 success, 1 a check that ran and failed (e.g. an unreachable
webserver), 2 bad input (a missing or invalid manifest, an unknown orchestrator). Errors are one
line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from floe_orchestrator_dagster._cli_exit import EXIT_FAILED, fail
from floe_orchestrator_dagster._errors import FloeDagsterError

if TYPE_CHECKING:
    from floe_core.plugin_errors import PluginConfigurationError


def _quiet_floe_logs() -> None:
    """floe-core logs through structlog, which prints to stdout by default: keep stdout ours."""
    import logging

    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="floe-orchestrator-dagster", prog_name="floe-dagster")
def main() -> None:
    """floe-dagster: the Dagster orchestrator plugin for the floe data platform."""
    _quiet_floe_logs()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def plugins(as_json: bool) -> None:
    """List the installed floe orchestrator plugins."""
    from floe_core.version_compat import FLOE_PLUGIN_API_VERSION

    from floe_orchestrator_dagster._registry import list_orchestrators

    found = list_orchestrators()
    if as_json:
        rows = [asdict(o) for o in found]
        click.echo(json.dumps({"platform_api_version": FLOE_PLUGIN_API_VERSION, "plugins": rows}))
        return
    header = ("NAME", "VERSION", "FLOE API", "COMPATIBLE")
    table = [header] + [
        (o.name, o.version, o.floe_api_version, "yes" if o.compatible else "no") for o in found
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"\nfloe platform plugin API: {FLOE_PLUGIN_API_VERSION}")
    if not found:
        fail(
            "No orchestrator plugin is installed. Install one, e.g. floe-orchestrator-dagster.",
            EXIT_FAILED,
        )


@main.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=str))
def check(manifest: str) -> None:
    """Resolve the orchestrator that MANIFEST (a floe manifest.yaml) selects."""
    from floe_core.plugin_errors import PluginConfigurationError, PluginError

    from floe_orchestrator_dagster._registry import load_orchestrator

    try:
        plugin = load_orchestrator(manifest)
    except FloeDagsterError as exc:
        fail(str(exc))
    except PluginConfigurationError as exc:
        fail(_invalid_config(manifest, exc))
    except PluginError as exc:
        fail(
            f"The orchestrator that {manifest} selects cannot be loaded ({exc}). Install a "
            "release of it that supports the installed floe-core."
        )
    click.echo(
        f"{manifest}: orchestrator {plugin.name} {plugin.version} "
        f"(floe API {plugin.floe_api_version}) resolved"
    )


def _invalid_config(manifest: str, exc: PluginConfigurationError) -> str:
    """floe-core's ``PluginConfigurationError`` as one sentence: each field and its problem."""
    problems = "; ".join(
        f"{item.get('field') or '(root)'}: "
        f"{str(item.get('message')).removeprefix('Value error, ').rstrip('.')}"
        for item in exc.errors
    )
    return (
        f"The plugins.orchestrator.config in {manifest} is invalid for the orchestrator plugin "
        f"{exc.name!r}: {problems or 'floe-core gave no details'}. Fix it in the manifest."
    )


def _register_commands() -> None:
    """Commands that live in their own modules, one per capability."""
    from floe_orchestrator_dagster._cli_connection import validate_connection
    from floe_orchestrator_dagster._cli_demo import demo
    from floe_orchestrator_dagster._cli_helm import helm_values
    from floe_orchestrator_dagster._cli_lineage import lineage
    from floe_orchestrator_dagster._cli_prepare import prepare

    main.add_command(demo)
    main.add_command(helm_values)
    main.add_command(lineage)
    main.add_command(prepare)
    main.add_command(validate_connection)


_register_commands()
