"""The asset checks core adds beyond dbt's tests, gathered for ``create_definitions``.

floe's quality checks (``_quality_checks``, with the product-score sensors) and dbt source
freshness (``_freshness``, with its own job, schedule or sensor when not run with the product).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from floe_dagster_core._freshness import SourceFreshness
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._model_checks import ModelChecker


@dataclass
class ProductChecks:
    """Asset checks and what evaluates them, for the Definitions.

    Attributes:
        checks: Every asset checks definition.
        in_jobs: Those the product's jobs select explicitly (checks of source assets, which
            ``AssetSelection.all()`` leaves out).
        jobs: Jobs of their own (freshness on a schedule or sensor).
        schedules: Their schedules.
        sensors: The sensors (product score, freshness).
    """

    checks: list[Any] = field(default_factory=list)
    in_jobs: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)
    schedules: list[Any] = field(default_factory=list)
    sensors: list[Any] = field(default_factory=list)

    def product_selection(self) -> Any:
        """What the product's jobs run: every asset, their checks, and ``in_jobs``."""
        import dagster as dg

        selection = dg.AssetSelection.all()
        if not self.in_jobs:
            return selection
        return selection | dg.AssetSelection.checks(*self.in_jobs)


def build_checks(
    graph: TransformGraph,
    *,
    default_compute: str,
    computes: Sequence[str],
    job_name: str,
    manifest: Mapping[str, Any] | None,
    checker: ModelChecker | None,
    source_freshness: SourceFreshness | None,
    observers: Sequence[Any] = (),
) -> ProductChecks:
    """floe's quality checks and dbt's source freshness checks of the product.

    Args:
        graph: The product's transforms.
        default_compute: The product's default compute target.
        computes: The compute targets that have a dbt resource.
        job_name: The product's job name.
        manifest: The dbt manifest (None on the per-transform path: no freshness then).
        checker: floe's quality checks, if any.
        source_freshness: When source freshness is checked; None for never.
        observers: Told of each model's quality results (``checked``).
    """
    found = ProductChecks()
    if checker is not None:
        from floe_dagster_core._quality_checks import build_quality_checks, build_score_sensors

        quality = build_quality_checks(
            checker,
            graph,
            default_compute=default_compute,
            manifest=manifest,
            observers=observers,
        )
        if quality:
            found.checks += quality
            found.sensors += build_score_sensors(checker, job_name)
    if manifest is not None and source_freshness is not None and computes:
        from floe_dagster_core._freshness import build_freshness

        compute = default_compute if default_compute in computes else computes[0]
        freshness = build_freshness(manifest, source_freshness, compute=compute, job_name=job_name)
        found.checks += freshness.checks
        if freshness.in_product_job:
            found.in_jobs += freshness.checks
        found.jobs += freshness.jobs
        found.schedules += freshness.schedules
        found.sensors += freshness.sensors
    return found
