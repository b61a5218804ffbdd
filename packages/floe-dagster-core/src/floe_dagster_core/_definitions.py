"""``create_definitions``: CompiledArtifacts → ``dagster.Definitions``.

The artifacts are validated first (graph included). Then, when the product's dbt project is at
hand (``project_dir``, or the folder of the artifacts file; see ``_dbt_project`` for which profile
dbt runs with), assets come from ``@dbt_assets`` over its manifest, one definition per compute
target; otherwise one asset per transform. Either way the Definitions hold the assets, one job
materializing all of them (``<product>_job``), one ``DbtCliResource`` per compute target
(resource key ``dbt_<compute>``), and the schedules.
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
from floe_dagster_core._observers import AssetObserver
from floe_dagster_core._schedules import ScheduleSpec, build_schedule_definition

AssetPath = Literal["auto", "dbt_manifest", "per_transform"]


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

        built, chosen = build_dbt_assets(
            _manifest(manifest, project),
            graph,
            default_compute=default,
            observers=observers,
            exporters=exporters,
        )
        computes = [s.compute for s in chosen]
        extra: list[Any] = []
    else:
        from floe_dagster_core._target_assets import build_target_assets

        built = build_target_assets(
            graph, default_compute=default, observers=observers, exporters=exporters
        )
        computes = sorted({loaded.compute_of(t) for t in graph.order})
        extra = [dg.AssetSpec(dg.AssetKey(_specs.key_path(s))) for s in graph.sources]

    resources = {
        _specs.resource_key(c): project.resource(c) if project is not None else _missing_project(c)
        for c in computes
    }
    job = dg.define_asset_job(
        _specs.all_assets_job_name(loaded.metadata.product_name), dg.AssetSelection.all()
    )
    jobs: dict[str, Any] = {job.name: job}
    schedule_defs = []
    for spec in schedules:
        if spec.job_name not in jobs:
            jobs[spec.job_name] = dg.define_asset_job(spec.job_name, dg.AssetSelection.all())
        schedule_defs.append(build_schedule_definition(spec, jobs[spec.job_name]))
    return dg.Definitions(
        assets=[*built, *extra],
        jobs=list(jobs.values()),
        schedules=schedule_defs,
        sensors=list(sensors),
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
            "assets='dbt_manifest' needs the product's dbt project or manifest: pass "
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
                            f"no dbt project is configured for compute target {self.compute!r}, "
                            f"so `dbt {' '.join(args)}` cannot run. Set project_dir in the "
                            "orchestrator plugin config (plugins.orchestrator.config.project_dir)"
                            " or keep compiled_artifacts.json beside dbt_project.yml."
                        )
                    )

            cls._cls = MissingDbtProject
        return cls._cls
