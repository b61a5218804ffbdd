"""Dagster Definitions and assets from CompiledArtifacts: the facade's side.

The facade reads the artifacts (a dict, or the path of ``compiled_artifacts.json``), finds the
product's dbt project (``project_dir`` in the plugin config, else the folder of the artifacts
file), collects the schedules and the lineage observers, and hands everything to
``floe_dagster_core.create_definitions``. floe-core's ``TransformConfig`` dataclasses are converted
to core's ``TransformModel`` at this edge. Dagster is imported only when a method is called.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_core.plugins.orchestrator import TransformConfig

    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._schedules import ScheduleBook


def create_definitions(
    config: DagsterPluginConfig, artifacts: Any, *, schedules: ScheduleBook, lineage: Any
) -> Any:
    """Build ``dagster.Definitions`` from CompiledArtifacts.

    Args:
        config: The plugin configuration (``project_dir`` is read here).
        artifacts: The CompiledArtifacts as a dict, or a ``str``/``Path`` to the JSON file.
        schedules: The plugin's schedule book; ``specs_for`` gives the schedules to add.
        lineage: The lineage gateway; ``observers_for`` gives the asset observers.

    Returns:
        The ``dagster.Definitions``: assets (``@dbt_assets`` per compute target when the dbt
        project is found, else one asset per transform), the ``<product>_job`` job, one
        ``DbtCliResource`` per compute target, and the schedules.

    Raises:
        pydantic.ValidationError: The artifacts are invalid (the message names the field).
        FileNotFoundError: ``artifacts`` is a path that does not exist.

    Examples:
        >>> from floe_orchestrator_dagster._config import DagsterPluginConfig
        >>> from floe_orchestrator_dagster._schedules import ScheduleBook
        >>> from floe_orchestrator_dagster._lineage import LineageGateway
        >>> config = DagsterPluginConfig()
        >>> defs = create_definitions(
        ...     config,
        ...     {"version": "0.16.0", "metadata": {"product_name": "shop"},
        ...      "transforms": {"models": [{"name": "stg_a"}]}},
        ...     schedules=ScheduleBook(),
        ...     lineage=LineageGateway(config.lineage),
        ... )
        >>> defs.get_job_def("shop_job").name
        'shop_job'
    """
    from floe_dagster_core import create_definitions as build

    artifacts_path, raw = _read(artifacts)
    project_dir = config.project_dir or (artifacts_path.parent if artifacts_path else None)
    specs = schedules.specs_for(config, raw, artifacts_path)
    observers = lineage.observers_for(raw, project_dir)
    return build(
        raw,
        project_dir=project_dir,
        schedules=specs,
        observers=observers,
        compute_targets=config.compute_targets,
    )


def create_assets(config: DagsterPluginConfig, transforms: list[TransformConfig]) -> list[Any]:
    """Build one Dagster asset per transform (floe-core ``TransformConfig`` objects or dicts).

    Raises:
        pydantic.ValidationError: Duplicate names, cycles, bad identifiers or materializations.

    Examples:
        >>> from floe_core.plugins.orchestrator import TransformConfig
        >>> from floe_orchestrator_dagster._config import DagsterPluginConfig
        >>> assets = create_assets(DagsterPluginConfig(), [TransformConfig(name="stg_a")])
        >>> assets[0].key.to_user_string()
        'stg_a'
    """
    from floe_dagster_core import TransformModel, create_assets_from_transforms

    models = [
        TransformModel.model_validate(t)
        if isinstance(t, Mapping)
        else TransformModel.model_validate(t, from_attributes=True)
        for t in transforms
    ]
    return create_assets_from_transforms(models)


def _read(artifacts: Any) -> tuple[Path | None, dict[str, Any]]:
    """The artifacts file (if given as a path) and the artifacts as a dict.

    Core's ``load_artifacts`` reports a missing file, invalid JSON, invalid fields or a wrong
    type, with its usual messages.
    """
    if isinstance(artifacts, Mapping):
        return None, dict(artifacts)
    from floe_dagster_core import load_artifacts

    loaded = load_artifacts(artifacts)
    if isinstance(artifacts, (str, PathLike)):
        path = Path(artifacts).resolve()
        return path, dict(json.loads(path.read_text(encoding="utf-8")))
    return None, loaded.model_dump(mode="json")
