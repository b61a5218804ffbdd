"""``floe-dagster prepare``: parse the product's dbt project once per dbt target, before runs."""

from __future__ import annotations

import sys
from contextlib import redirect_stdout
from pathlib import Path

import click

from floe_orchestrator_dagster._cli_exit import fail, first_problem


@click.command("prepare")
@click.argument(
    "artifacts",
    type=click.Path(path_type=Path),
    default=Path("compiled_artifacts.json"),
)
def prepare(artifacts: Path) -> None:
    """Parse the dbt project of ARTIFACTS once per dbt target, so no run parses all of it.

    ARTIFACTS is the product's compiled_artifacts.json or its folder (default:
    ./compiled_artifacts.json). Run it where the project is built into an image or deployed.
    dbt's own output goes to stderr; stdout gets one line per dbt target.
    """
    from pydantic import ValidationError

    from floe_dagster_core import ArtifactsNotFoundError, DbtProjectError
    from floe_orchestrator_dagster._errors import ProductLoadError
    from floe_orchestrator_dagster._prepare import prepare_product

    try:
        with redirect_stdout(sys.stderr):  # dbt's own output: stdout keeps one line per target
            prepared = prepare_product(artifacts)
    except (ArtifactsNotFoundError, DbtProjectError, ProductLoadError) as error:
        fail(str(error))
    except ValidationError as error:
        where, text = first_problem(error)
        at = f" at {where}" if where else ""
        fail(f"The artifacts in {artifacts} are invalid{at}: {text}. Compile the product again.")
    for target in prepared:
        click.echo(
            f"dbt target {target.target} (compute {', '.join(target.computes)}): parsed in "
            f"{target.seconds:.1f} s; runs start from {target.state}"
        )
