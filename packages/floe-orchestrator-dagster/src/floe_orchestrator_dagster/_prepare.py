"""Preparing a product's dbt project ahead of its runs (``floe-dagster prepare``).

A run on a dbt target parses only what changed since that target's kept partial-parse state
(core's ``_parse_state``); a target with no state yet parses the whole project on its first run
(about 43 s at 5,000 models). ``prepare_product`` parses once per dbt target the product's
compute targets run on, the same way a run resolves them (the compiled profile, the platform's
``compute_targets``), and writes ``target/manifest.json`` when it is missing. Run it where the
project is built into an image or deployed, like dagster-dbt's ``prepare``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from floe_orchestrator_dagster._errors import ProductLoadError

if TYPE_CHECKING:
    from floe_dagster_core import PreparedTarget
    from floe_orchestrator_dagster._config import DagsterPluginConfig


def prepare_product(
    artifacts: str | Path | Any, config: DagsterPluginConfig | None = None
) -> list[PreparedTarget]:
    """Parse the product's dbt project once per dbt target; keep each target's state.

    Args:
        artifacts: ``compiled_artifacts.json`` (or its folder), or the artifacts themselves.
        config: The plugin configuration over the manifest's, as for ``create_definitions``.

    Returns:
        One ``PreparedTarget`` per dbt target: its compute targets, state file and parse time.

    Raises:
        floe_dagster_core.ArtifactsNotFoundError: No artifacts file where it was looked for.
        ProductLoadError: The artifacts lead to no dbt project folder.
        floe_dagster_core.DbtProjectError: ``dbt parse`` failed on a target.
        pydantic.ValidationError: The artifacts or the plugin configuration are invalid.
    """
    from floe_dagster_core import models_by_compute, prepare_parse_states
    from floe_dagster_core._dbt_project import load_manifest
    from floe_orchestrator_dagster._artifacts import read_artifacts
    from floe_orchestrator_dagster._definitions import dbt_project, effective_config

    loaded = read_artifacts(artifacts)
    project = dbt_project(effective_config(config, loaded), loaded)
    if project is None:
        raise ProductLoadError(
            f"No dbt project was found for product {loaded.product_name!r} (no dbt_project.yml "
            "beside the artifacts, and no project_dir set). Set project_dir in the plugin "
            "config, or prepare the artifacts of the folder holding dbt_project.yml."
        )
    load_manifest(project)
    view = loaded.view
    computes = {view.default_compute, *models_by_compute(view)}
    return prepare_parse_states(project, sorted(c for c in computes if c))
