"""``floe-dagster demo``: run the demo product end to end and print a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from floe_orchestrator_dagster._cli_exit import EXIT_FAILED, fail


@click.command("demo")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("floe-dagster-demo"),
    show_default=True,
    help=(
        "Work folder for the demo product. What a previous demo created there is replaced; "
        "a folder holding anything else, or a symbolic link, is refused."
    ),
)
def demo(folder: Path) -> None:
    """Compile the demo product, materialize it on DuckDB and summarise (no service needed)."""
    from floe_orchestrator_dagster._demo import next_ticks, run_demo
    from floe_orchestrator_dagster._errors import DemoError

    out = sys.stdout  # bound now: progress stays on screen while dbt's output is redirected

    def echo(line: str) -> None:
        click.echo(line, file=out)

    try:
        report = run_demo(folder, echo)
    except DemoError as exc:
        fail(str(exc), EXIT_FAILED)

    click.echo(f"\nProduct {report.product}: {len(report.assets)} assets materialized")
    click.echo(f"  {'asset':<28} {'compute':<18} {'rows':>6}")
    for name, outcome in sorted(report.assets.items()):
        rows = report.rows.get(name, 0)
        click.echo(f"  {name:<28} {outcome.compute:<18} {rows:>6}")
    for name, cron, timezone, running in report.schedules:
        state = "running" if running else "stopped"
        click.echo(f"\nSchedule {name}: '{cron}' in {timezone} ({state}); next ticks:")
        for local, utc in next_ticks(cron, timezone):
            click.echo(f"  {local:<24} = {utc}")
    events = ", ".join(f"{n} {t}" for t, n in sorted(report.lineage_events.items())) or "none"
    click.echo(f"\nLineage events: {events}")
    click.echo(f"  in {report.folder / 'lineage' / 'events.jsonl'}")
    click.echo("\nOpen the same product in the Dagster UI:")
    click.echo(f"  dagster dev -f {report.folder / 'definitions.py'}")
