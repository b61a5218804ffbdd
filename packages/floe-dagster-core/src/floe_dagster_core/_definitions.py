"""``create_definitions``: CompiledArtifacts → ``dagster.Definitions``.

The artifacts are validated first (graph included). Then, when the product's dbt project is at
hand (``project_dir``, or the folder of the artifacts file; see ``_dbt_project`` for which profile
dbt runs with), assets come from ``@dbt_assets`` over its manifest, one definition per compute
target; otherwise one asset per transform. Either way the Definitions hold the assets, one job
materializing all of them (``<product>_job``), one ``DbtCliResource`` per compute target
(resource key ``dbt_<compute>``), and the schedules. Beyond dagster-dbt: a ``retry_policy``
retries a failed dbt step from the failed model (``_retry``), a ``checker`` adds floe's quality
checks as asset checks with the product's score after each run (``_quality_checks``), and the
dbt sources' freshness becomes asset checks (``_freshness``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from floe_dagster_core import _specs
from floe_dagster_core._artifacts import CompiledArtifacts, load_artifacts, models_by_compute
from floe_dagster_core._dbt_project import (
    DbtProject,
    load_manifest,
    project_dir_for,
    resolve_dbt_project,
)
from floe_dagster_core._export import ModelExporter
from floe_dagster_core._freshness import SourceFreshness
from floe_dagster_core._gc_pause import collector_paused
from floe_dagster_core._model_checks import ModelChecker
from floe_dagster_core._observer_protocol import AssetObserver
from floe_dagster_core._schedules import ScheduleSpec, build_schedule_definition

AssetPath = Literal["auto", "dbt_manifest", "per_transform"]
#: Source freshness by default: evaluated before each run of the product's job.
BEFORE_EACH_RUN = SourceFreshness()


@collector_paused()
def create_definitions(
    artifacts: CompiledArtifacts | Mapping[str, Any] | str | PathLike[str] | Any,
    *,
    project: DbtProject | None = None,
    project_dir: str | PathLike[str] | None = None,
    schedules: Sequence[ScheduleSpec] = (),
    observers: Sequence[AssetObserver] = (),
    exporters: Sequence[ModelExporter] = (),
    sensors: Sequence[Any] = (),
    manifest: Mapping[str, Any] | str | PathLike[str] | None = None,
    compute_targets: Mapping[str, str | Mapping[str, Any]] | None = None,
    profile_name_rule: Callable[[str], str] | None = None,
    assets: AssetPath = "auto",
    retry_policy: Any = None,
    checker: ModelChecker | None = None,
    source_freshness: SourceFreshness | None = BEFORE_EACH_RUN,
) -> Any:
    """Build ``dagster.Definitions`` from floe CompiledArtifacts.

    Args:
        artifacts: The artifacts as a dict, a ``CompiledArtifacts``, the path of
            ``compiled_artifacts.json``, or an object with the same attributes (floe-core's
            validated ``CompiledArtifacts``).
        project: The resolved dbt project (``resolve_dbt_project``); resolved here from
            ``project_dir`` when not given.
        project_dir: The product's dbt project; defaults to the artifacts file's folder.
        schedules: Schedules to add, each built with ``build_schedule_definition`` on the job
            it names (the all-assets job ``<product>_job``, or a new all-assets job).
        observers: Told when each dbt model starts, succeeds or fails.
        exporters: Told of each model dbt built, after dbt exited; a failed export fails the
            model's asset (``ModelExporter``).
        sensors: Dagster sensors to add (e.g. the lineage run-status sensors).
        manifest: A dbt ``manifest.json`` (dict or path) to use instead of the project's.
        compute_targets: Platform-defined dbt targets: compute -> target name, or compute -> a
            whole dbt output (see ``resolve_dbt_project``).
        profile_name_rule: floe's rule from product name to dbt profile name (see
            ``resolve_dbt_project``).
        assets: ``"auto"`` uses ``@dbt_assets`` when a manifest or project is available, else
            one asset per transform; ``"dbt_manifest"`` or ``"per_transform"`` force a path.
        retry_policy: A ``dagster.RetryPolicy`` for the dbt steps; a retry (and a re-execution
            from failure) builds only the models earlier attempts did not materialize.
        checker: floe's quality checks (``ModelChecker``): asset checks run after the models,
            and the product's quality score recorded after each run.
        source_freshness: When the dbt sources' freshness checks run (``SourceFreshness``);
            None adds none. Only with a dbt manifest (sources are dbt's).

    Returns:
        The ``dagster.Definitions``; empty when the product has no transforms.

    Raises:
        pydantic.ValidationError: Invalid artifacts, duplicate or cyclic transforms,
            transforms the dbt project does not define, or compute targets nobody defines.

    Examples:
        >>> defs = create_definitions({
        ...     "version": "0.16.0",
        ...     "metadata": {"product_name": "shop"},
        ...     "transforms": {"models": [{"name": "stg_a", "depends_on": ["raw_a"]}]},
        ... })
        >>> defs.get_job_def("shop_job").name
        'shop_job'
    """
    import dagster as dg

    loaded = load_artifacts(artifacts)
    graph = loaded.graph
    if not graph.order:
        return dg.Definitions()
    default = loaded.default_compute
    if project is None:
        artifacts_path = artifacts if isinstance(artifacts, (str, PathLike)) else None
        folder = project_dir_for(project_dir, artifacts_path)
        if folder is not None:
            project = resolve_dbt_project(
                folder,
                dbt_profiles=loaded.dbt_profiles,
                models_by_compute=models_by_compute(loaded),
                default_compute=default,
                compute_targets=compute_targets,
                profile_name_rule=profile_name_rule,
            )
    use_manifest = assets == "dbt_manifest" or (
        assets == "auto" and (manifest is not None or project is not None)
    )
    if use_manifest:
        from floe_dagster_core._dbt_assets import build_dbt_assets

        dbt_manifest = _manifest(manifest, project)
        built, chosen = build_dbt_assets(
            dbt_manifest,
            graph,
            default_compute=default,
            observers=observers,
            exporters=exporters,
            retry_policy=retry_policy,
        )
        computes = [s.compute for s in chosen]
        extra: list[Any] = []
    else:
        from floe_dagster_core._assets_by_compute import build_assets_by_compute

        dbt_manifest = None
        built = build_assets_by_compute(
            graph,
            default_compute=default,
            observers=observers,
            exporters=exporters,
            retry_policy=retry_policy,
        )
        computes = sorted({loaded.compute_of(t) for t in graph.order})
        extra = [dg.AssetSpec(dg.AssetKey(_specs.key_path(s))) for s in graph.sources]

    resources = {
        _specs.resource_key(c): project.resource(c) if project is not None else _missing_project(c)
        for c in computes
    }
    job_name = _specs.job_name(loaded.metadata.product_name)
    from floe_dagster_core._checks import build_checks

    checks = build_checks(
        graph,
        default_compute=default,
        computes=computes,
        job_name=job_name,
        manifest=dbt_manifest,
        checker=checker,
        source_freshness=source_freshness,
        observers=observers,
    )
    job = dg.define_asset_job(job_name, checks.product_selection())
    jobs: dict[str, Any] = {job.name: job}
    schedule_defs = []
    for spec in schedules:
        if spec.job_name not in jobs:
            jobs[spec.job_name] = dg.define_asset_job(spec.job_name, checks.product_selection())
        schedule_defs.append(build_schedule_definition(spec, jobs[spec.job_name]))
    return dg.Definitions(
        assets=[*built, *extra],
        asset_checks=checks.checks,
        jobs=[*jobs.values(), *checks.jobs],
        schedules=[*schedule_defs, *checks.schedules],
        sensors=[*checks.sensors, *sensors],
        resources=resources,
    )


def _manifest(
    manifest: Mapping[str, Any] | str | PathLike[str] | None, project: DbtProject | None
) -> Mapping[str, Any]:
    import json

    if isinstance(manifest, (str, PathLike)):
        loaded: Mapping[str, Any] = json.loads(Path(manifest).read_bytes())
        return loaded
    if manifest is not None:
        return manifest
    if project is None:
        raise ValueError(
            "`assets='dbt_manifest'` needs the product's dbt project or manifest: pass "
            "project_dir (the folder holding dbt_project.yml) or manifest=."
        )
    return load_manifest(project)


def _missing_project(compute: str) -> Any:
    """A stand-in resource for a compute target when no dbt project is known: it explains."""
    return _MissingProject.build()(compute=compute)


class _MissingProject:
    _cls: Any = None

    @classmethod
    def build(cls) -> Any:
        if cls._cls is None:
            import dagster as dg

            class MissingDbtProject(dg.ConfigurableResource):  # type: ignore[type-arg]
                """Raises a helpful Failure when an asset tries to run dbt without a project."""

                compute: str

                def cli(self, args: Sequence[str], **_: Any) -> Any:
                    raise dg.Failure(
                        description=(
                            f"No dbt project is configured for compute target {self.compute!r}, "
                            f"so `dbt {' '.join(args)}` cannot run. Set project_dir in the "
                            "orchestrator plugin config (plugins.orchestrator.config.project_dir)"
                            " or keep compiled_artifacts.json beside dbt_project.yml."
                        )
                    )

            cls._cls = MissingDbtProject
        return cls._cls
