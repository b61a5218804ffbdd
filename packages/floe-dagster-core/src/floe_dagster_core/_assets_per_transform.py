"""One Dagster asset per transform, for products whose dbt manifest is not at hand.

Each asset runs ``dbt build --select <model>`` through the ``DbtCliResource`` bound to its compute
target (resource key ``dbt_<compute>``), so a per-model compute override runs that model on its
own dbt target.
"""

# No `from __future__ import annotations`: Dagster reads the asset bodies' annotations
# (the context type) at definition time, so they must be objects, not strings.

from collections.abc import Sequence
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from floe_dagster_core import _specs
from floe_dagster_core._artifacts import validate_transforms
from floe_dagster_core._dbt_events import (
    ModelFacts,
    ObserverDispatch,
    failure_message,
    lookup_for,
    step_info,
    step_scope,
    watch,
)
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._observer_protocol import AssetObserver
from floe_dagster_core._parse_state import per_target_state
from floe_dagster_core._retry import target_path_for
from floe_dagster_core._transform import TransformModel


def create_assets_from_transforms(
    transforms: Sequence[Any],
    *,
    default_compute: str = "duckdb",
    observers: Sequence[AssetObserver] = (),
) -> list[Any]:
    """Build one Dagster asset per transform.

    Each asset depends on its transform's ``depends_on`` (names that are no transform are
    source assets), carries the transform's tags as Dagster tags, floe metadata (compute target,
    schema, materialization, path, quality tier), kinds ``dbt`` and the compute target, and a
    group per schema or layer. Materializing it runs ``dbt build --select <model>`` with the
    ``DbtCliResource`` under resource key ``dbt_<compute>``.

    Args:
        transforms: Transforms as ``TransformModel``, dicts, or objects with the same attributes
            (floe-core's ``TransformConfig``).
        default_compute: The compute target of transforms that name none.
        observers: Told when each model starts and ends.

    Returns:
        The ``AssetsDefinition`` objects, upstreams first.

    Raises:
        pydantic.ValidationError: Duplicate names, cycles, bad identifiers or materializations.

    Examples:
        >>> assets = create_assets_from_transforms(
        ...     [{"name": "stg_customers", "depends_on": ["raw_customers"]}]
        ... )
        >>> assets[0].key.to_user_string()
        'stg_customers'
    """
    graph = validate_transforms(transforms, default_compute).graph
    return build_assets_per_transform(graph, default_compute=default_compute, observers=observers)


def build_assets_per_transform(
    graph: TransformGraph, *, default_compute: str, observers: Sequence[AssetObserver]
) -> list[Any]:
    """The assets of a validated graph (see ``create_assets_from_transforms``)."""
    return [
        _transform_asset(t, t.compute or default_compute, tuple(observers)) for t in graph.order
    ]


def _transform_asset(
    transform: TransformModel, compute: str, observers: tuple[AssetObserver, ...]
) -> Any:
    key = dg.AssetKey(_specs.key_path(transform.name))
    upstream = [dg.AssetKey(_specs.key_path(up)) for up in transform.depends_on]
    resource_key = _specs.resource_key(compute)
    metadata = _specs.transform_metadata(transform, compute)

    facts = ModelFacts(
        asset_key=key.to_user_string(),
        model=transform.name,
        upstream=tuple(u.to_user_string() for u in upstream),
        compute=compute,
        metadata=metadata,
    )

    @dg.asset(
        key=key,
        deps=upstream,
        group_name=_specs.group_name(transform.schema_name, transform.path, transform.name),
        tags=_specs.dagster_tags(transform.tags),
        kinds=_specs.kinds(compute),
        metadata=metadata,
        description=f"dbt model {transform.name} on compute target {compute}.",
        required_resource_keys={resource_key},
    )
    def _materialize(context: AssetExecutionContext) -> Any:  # MaterializeResult; Dagster 1.10's
        # type check refuses the generic MaterializeResult[Any] as a return annotation.
        dbt = getattr(context.resources, resource_key)
        step = step_info(context, compute, [transform.name])
        target_path = target_path_for(context)
        with step_scope(observers, step, context) as outcome, per_target_state(dbt, target_path):
            dispatch = ObserverDispatch(observers, lookup_for(context, {transform.name: facts}))
            invocation = dbt.cli(
                ["build", "--select", transform.name], raise_on_error=False, target_path=target_path
            )
            watch(invocation, dispatch)
            for _ in invocation.stream_raw_events():
                pass
            if not invocation.is_successful():
                outcome[0] = False
                raise dg.Failure(
                    description=failure_message(
                        f"model {transform.name!r}", compute, dispatch, invocation
                    )
                )
        return dg.MaterializeResult(
            metadata={"floe/dbt_command": f"dbt build --select {transform.name}"}
        )

    return _materialize
