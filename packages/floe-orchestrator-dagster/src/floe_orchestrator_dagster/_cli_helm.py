"""``floe-dagster helm-values``: Helm values for the floe-dagster chart.

Prints the values for one workload size as YAML (or writes them with ``-o``), ready for
``helm install -f``. A manifest.yaml, when given, supplies the plugin's ``deploy:`` settings;
``--size`` overrides its workload size. Bad input exits 2 with one line on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from floe_orchestrator_dagster._cli_exit import fail, first_problem

if TYPE_CHECKING:
    from floe_orchestrator_dagster._deploy_settings import DeploySettings


@click.command("helm-values")
@click.option(
    "--size",
    "size",
    default=None,
    metavar="SIZE",
    help="Workload size: small, medium or large [default: the manifest's, else medium].",
)
@click.option(
    "--manifest",
    "manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A floe manifest.yaml whose plugins.orchestrator.config.deploy to use.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the values to this file instead of stdout.",
)
def helm_values(size: str | None, manifest: Path | None, output: Path | None) -> None:
    """Print Helm values for the floe-dagster chart (YAML)."""
    import yaml

    from floe_dagster_deploy import WORKLOAD_SIZES
    from floe_orchestrator_dagster._deploy import helm_values as build
    from floe_orchestrator_dagster._deploy_settings import DeploySettings

    if size is not None and size not in WORKLOAD_SIZES:
        fail(
            f"Unknown workload size {size!r} for --size. Valid options: "
            f"{', '.join(WORKLOAD_SIZES)}."
        )
    settings = _settings_from_manifest(manifest) if manifest else DeploySettings()
    if size is not None:
        settings = settings.model_copy(update={"workload_size": size})
    try:
        values = build(settings)
    except ValueError as exc:
        where, problem = first_problem(exc)
        fail(
            f"The Helm values cannot be built: {f'{where}: ' if where else ''}{problem}. Fix the "
            "deploy settings (plugins.orchestrator.config.deploy in manifest.yaml)."
        )
    text = yaml.safe_dump(values, sort_keys=False)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"Cannot write {output}: {exc.strerror}. Choose a writable path for -o.")
    click.echo(f"wrote Helm values ({settings.workload_size}) to {output}", err=True)


def _settings_from_manifest(path: Path) -> DeploySettings:
    """The ``deploy:`` settings of the orchestrator config in a floe manifest.yaml."""
    import yaml
    from pydantic import ValidationError

    from floe_orchestrator_dagster._deploy_settings import DeploySettings

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror}. Pass an existing manifest.yaml.")
    except yaml.YAMLError as exc:
        fail(f"The manifest {path} is not valid YAML ({str(exc).splitlines()[0]}). Fix the file.")
    plugins = document.get("plugins") if isinstance(document, dict) else None
    orchestrator = plugins.get("orchestrator") if isinstance(plugins, dict) else None
    config = orchestrator.get("config") if isinstance(orchestrator, dict) else None
    deploy = config.get("deploy") if isinstance(config, dict) else None
    try:
        return DeploySettings.model_validate(deploy or {})
    except ValidationError as exc:
        where, problem = first_problem(exc)
        field = ".".join(["plugins.orchestrator.config.deploy", *([where] if where else [])])
        fail(f"The manifest {path} has an invalid {field}: {problem}. Fix it in the manifest.")
