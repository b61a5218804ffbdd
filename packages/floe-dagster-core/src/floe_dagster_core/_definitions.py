"""``create_definitions``: CompiledArtifacts → ``dagster.Definitions``.

The artifacts are validated first (graph included). Then, when the product's dbt project is at
hand (``project_dir``, or the folder of the artifacts file), assets come from ``@dbt_assets`` over
its manifest, one definition per compute target; otherwise one asset per transform. Either way the
Definitions hold the assets, one job materializing all of them (``<product>_job``), one
``DbtCliResource`` per compute target (resource key ``dbt_<compute>``), and the schedules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from floe_dagster_core import _specs
from floe_dagster_core._artifacts import CompiledArtifacts, load_artifacts
from floe_dagster_core._dbt_project import (
    DbtProjectFacts,
    dbt_resource,
    dbt_target,
    find_project,
    load_manifest,
    resolve_profiles,
)
from floe_dagster_core._observers import AssetObserver
from floe_dagster_core._schedules import ScheduleSpec, build_schedule_definition

AssetPath = Literal["auto", "dbt_manifest", "per_transform"]


def create_definitions(
    artifacts: CompiledArtifacts | Mapping[str, Any] | str | PathLike[str],
    *,
    project_dir: str | PathLike[str] | None = None,
    schedules: Sequence[ScheduleSpec] = (),
    observers: Sequence[AssetObserver] = (),
    manifest: Mapping[str, Any] | str | PathLike[str] | None = None,
    compute_targets: Mapping[str, str] | None = None,
    assets: AssetPath = "auto",
) -> Any:
    """Build ``dagster.Definitions`` from floe CompiledArtifacts.

    Args:
        artifacts: The artifacts as a dict, a ``CompiledArtifacts``, or the path of
            ``compiled_artifacts.json``.
        project_dir: The product's dbt project; defaults to the artifacts file's folder.
        schedules: Schedules to add, each built with ``build_schedule_definition`` on the job
            it names (the all-assets job ``<product>_job``, or a new all-assets job).
        observers: Told when each dbt model starts, succeeds or fails.
        manifest: A dbt ``manifest.json`` (dict or path) to use instead of the project's.
        compute_targets: dbt target per compute target, when they differ from the default rule
            (default compute → the profile's default target; other compute ``X`` → target ``X``).
        assets: ``"auto"`` uses ``@dbt_assets`` when a manifest or project is available, else
            one asset per transform; ``"dbt_manifest"`` or ``"per_transform"`` force a path.

    Returns:
        The ``dagster.Definitions``; empty when the product has no transforms.

    Raises:
        pydantic.ValidationError: Invalid artifacts, duplicate or cyclic transforms, or
            transforms the dbt project does not define.

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
    if project_dir is None and isinstance(artifacts, (str, PathLike)):
        project_dir = Path(artifacts).parent
    graph = loaded.graph
    if not graph.order:
        return dg.Definitions()

    project = find_project(project_dir)
    facts = resolve_profiles(project, loaded.dbt_profiles) if project is not None else None
    use_manifest = assets == "dbt_manifest" or (
        assets == "auto" and (manifest is not None or facts is not None)
    )
    default = loaded.default_compute
    if use_manifest:
        from floe_dagster_core._dbt_assets import build_dbt_assets

        manifest_dict = _manifest(manifest, facts)
        built, chosen = build_dbt_assets(
            manifest_dict, graph, default_compute=default, observers=observers
        )
        computes = [s.compute for s in chosen]
        extra: list[Any] = []
    else:
        from floe_dagster_core._target_assets import build_target_assets

        built = build_target_assets(graph, default_compute=default, observers=observers)
        computes = sorted({loaded.compute_of(t) for t in graph.order})
        extra = [dg.AssetSpec(dg.AssetKey(_specs.key_path(s))) for s in graph.sources]

    targets = dict(compute_targets or {})
    resources = {
        _specs.resource_key(c): (
            dbt_resource(facts, dbt_target(c, default, targets))
            if facts is not None
            else _missing_project(c)
        )
        for c in computes
    }
    job = dg.define_asset_job(
        _specs.job_name(loaded.metadata.product_name), dg.AssetSelection.all()
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
        resources=resources,
    )


def _manifest(
    manifest: Mapping[str, Any] | str | PathLike[str] | None, facts: DbtProjectFacts | None
) -> Mapping[str, Any]:
    import json

    if isinstance(manifest, (str, PathLike)):
        loaded: Mapping[str, Any] = json.loads(Path(manifest).read_text())
        return loaded
    if manifest is not None:
        return manifest
    if facts is None:
        raise ValueError(
            "assets='dbt_manifest' needs the product's dbt project or manifest: pass "
            "project_dir (the folder holding dbt_project.yml) or manifest="
        )
    return load_manifest(facts)


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
