"""Dagster Definitions and assets from CompiledArtifacts: the facade's side.

The facade reads and validates the artifacts once with floe-core's own model
(``_artifacts.read_artifacts``) and refuses plugin kinds it does not run. It takes the plugin
configuration from the manifest's ``plugins.orchestrator.config`` carried in the artifacts, each
top-level key that floe or the caller configured on the plugin taking precedence. It resolves the
dbt project through floe-dagster-core (the compiled profiles win; floe-core's naming rule finds
the profile), collects the schedules, the lineage and telemetry observers, the retry policy
(``retry:``), floe's quality checks through the quality plugin (``_quality``) and when source
freshness is checked (``freshness:``), and hands everything to
``floe_dagster_core.create_definitions``. floe-core's ``TransformConfig`` dataclasses are
converted to core's ``TransformModel`` at this edge. Dagster is imported only when a method is
called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_core.plugins.orchestrator import TransformConfig

    from floe_orchestrator_dagster._artifacts import ProductArtifacts
    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._schedules import ScheduleBook


def create_definitions(
    config: DagsterPluginConfig | None,
    artifacts: Any,
    *,
    schedules: ScheduleBook,
    lineage: Any,
    observers: Sequence[Any] = (),
) -> Any:
    """Build ``dagster.Definitions`` from CompiledArtifacts.

    Args:
        config: The plugin configuration floe or the caller set, or None; its keys take
            precedence over the manifest's ``plugins.orchestrator.config`` in the artifacts.
        artifacts: The CompiledArtifacts: a dict, a ``str``/``Path`` to the JSON file,
            floe-core's ``CompiledArtifacts``, or a ``ProductArtifacts`` read already.
        schedules: The plugin's schedule book; ``specs_for`` gives the schedules to add.
        lineage: The lineage gateway; ``observers_for`` gives the asset observers.
        observers: More observers (e.g. the demo's progress lines).

    Returns:
        The ``dagster.Definitions``: assets (``@dbt_assets`` per compute target when the dbt
        project is found, else one asset per transform), the ``<product>_job`` job, one
        ``DbtCliResource`` per compute target, and the schedules.

    Raises:
        pydantic.ValidationError: The artifacts or the plugin configuration are invalid (the
            message names each field and the fix).
        floe_dagster_core.ArtifactsNotFoundError: ``artifacts`` is a path with no file.
        floe_orchestrator_dagster.LakehouseError: The catalog or storage plugin of the
            Iceberg export is not installed, or misconfigured.

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> from floe_orchestrator_dagster._schedules import ScheduleBook
        >>> from floe_orchestrator_dagster._lineage import LineageGateway
        >>> from floe_orchestrator_dagster._lineage_settings import LineageSettings
        >>> defs = create_definitions(
        ...     None,
        ...     compiled_artifacts({"name": "stg_a"}, product="shop"),
        ...     schedules=ScheduleBook(),
        ...     lineage=LineageGateway(LineageSettings()),
        ... )
        >>> defs.get_job_def("shop_job").name
        'shop_job'
    """
    from floe_dagster_core import create_definitions as build
    from floe_orchestrator_dagster._artifacts import read_artifacts, refuse_unsupported_plugins
    from floe_orchestrator_dagster._lakehouse import lakehouse_exporters
    from floe_orchestrator_dagster._telemetry import telemetry_observers

    loaded = read_artifacts(artifacts)
    refuse_unsupported_plugins(loaded)
    if not loaded.view.graph.order:
        import dagster as dg

        return dg.Definitions()
    config = effective_config(config, loaded)
    if lineage.settings != config.lineage:  # the manifest's lineage settings, from the artifacts
        from floe_orchestrator_dagster._lineage import LineageGateway

        lineage = LineageGateway(config.lineage)
    project = dbt_project(config, loaded)
    # with a catalog and a storage plugin, each built model is written to Iceberg; the exporter
    # also hears when each dbt step ends (a StepObserver), to close the DuckDB files it read
    exporters = lakehouse_exporters(loaded, project)
    from floe_orchestrator_dagster._quality import quality_checker

    return build(
        loaded.view,
        project=project,
        schedules=_schedule_specs(schedules, config, loaded),
        observers=[
            *lineage.observers_for(loaded, project),
            *telemetry_observers(loaded),
            *observers,
            *exporters,
        ],
        sensors=lineage.sensors_for(loaded),
        exporters=exporters,
        retry_policy=config.retry.policy(),
        checker=quality_checker(loaded, project),
        source_freshness=config.freshness.source_freshness(),
    )


def _schedule_specs(
    schedules: ScheduleBook, config: DagsterPluginConfig, artifacts: ProductArtifacts
) -> list[Any]:
    """The schedules to build; an invalid product schedule is a ``ValidationError`` here.

    ``specs_for`` says what is wrong and where in a ``ValueError``; ``create_definitions``
    reports every problem of its input as one ``pydantic.ValidationError`` (a ``ValueError``).
    """
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    try:
        return schedules.specs_for(config, artifacts)
    except ValidationError:
        raise
    except ValueError as error:
        raise ValidationError.from_exception_data(
            "DagsterPluginConfig",
            [
                {
                    "type": PydanticCustomError(
                        "floe_invalid_schedule", "{message}", {"message": str(error)}
                    ),
                    "loc": ("schedule",),
                    "input": None,
                }
            ],
        ) from None


def effective_config(
    configured: DagsterPluginConfig | None, artifacts: ProductArtifacts
) -> DagsterPluginConfig:
    """The manifest's orchestrator config from the artifacts, under the keys set on the plugin.

    Each top-level key the plugin was configured with (``configured.model_fields_set``) replaces
    the artifacts' value of that key; the rest comes from ``plugins.orchestrator.config``.

    Raises:
        pydantic.ValidationError: The artifacts' config has an unknown or invalid key; the
            message names ``plugins.orchestrator.config.<key>``.
    """
    from floe_orchestrator_dagster._config import DagsterPluginConfig

    compiled = config_from_artifacts(artifacts)
    if configured is None or not configured.model_fields_set:
        return compiled
    merged = compiled.model_dump(exclude_unset=True)
    merged.update(configured.model_dump(include=configured.model_fields_set))
    return DagsterPluginConfig.model_validate(merged)


def config_from_artifacts(artifacts: ProductArtifacts) -> DagsterPluginConfig:
    """The manifest's orchestrator config, as compiled into the artifacts, validated.

    Raises:
        pydantic.ValidationError: The config has an unknown or invalid key; the message names
            ``plugins.orchestrator.config.<key>``.
    """
    from pydantic import ValidationError

    from floe_orchestrator_dagster._config import DagsterPluginConfig

    try:
        return DagsterPluginConfig.model_validate(artifacts.orchestrator_config or {})
    except ValidationError as error:
        from pydantic_core import InitErrorDetails, PydanticCustomError

        details: list[InitErrorDetails] = [
            {
                "type": PydanticCustomError(
                    "floe_invalid_plugin_config",
                    "{message}",
                    {
                        "message": (
                            f"Field plugins.orchestrator.config."
                            f"{'.'.join(str(p) for p in issue['loc'])} is invalid: "
                            f"{issue['msg'][:1].lower()}{issue['msg'][1:].rstrip('.')}. Fix the "
                            "Dagster plugin's config in manifest.yaml and recompile the product."
                        )
                    },
                ),
                "loc": ("plugins", "orchestrator", "config", *issue["loc"]),
                "input": None,
            }
            for issue in error.errors()
        ]
        raise ValidationError.from_exception_data("DagsterPluginConfig", details) from None


def dbt_project(config: DagsterPluginConfig, artifacts: ProductArtifacts) -> Any:
    """core's ``DbtProject`` of the product (None when no dbt project is found).

    The folder is ``project_dir`` of the config, else the artifacts file's folder (core's rule);
    the profile and targets follow core's rules with floe-core's naming rule and the
    platform-defined ``compute_targets``.
    """
    from floe_dagster_core import models_by_compute, project_dir_for, resolve_dbt_project
    from floe_orchestrator_dagster._compute_targets import dbt_targets
    from floe_orchestrator_dagster._floe_naming import dbt_project_name_rule

    folder = project_dir_for(config.project_dir, artifacts.path)
    if folder is None:
        return None
    view = artifacts.view
    return resolve_dbt_project(
        folder,
        dbt_profiles=view.dbt_profiles,
        models_by_compute=models_by_compute(view),
        default_compute=view.default_compute,
        compute_targets=dbt_targets(config.compute_targets),
        profile_name_rule=dbt_project_name_rule(),
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
