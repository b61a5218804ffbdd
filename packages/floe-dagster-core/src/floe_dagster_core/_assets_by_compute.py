"""Per-transform assets grouped by compute target: what ``create_definitions`` builds without a
dbt manifest.

Every transform is its own asset (same key, tags, kinds, group and metadata as
``create_assets_from_transforms``), but the assets of one compute target share one subsettable
``multi_asset``: a step runs ``dbt build --select <the selected models>`` once, the names in one
space-separated value (``_dbt_args``), on that target. Materializing one asset runs ``dbt build
--select <model>``. One op per target instead of one per transform keeps large products quick to
load in the webserver.
"""

# No `from __future__ import annotations`: Dagster reads the asset body's annotations (the
# context type) at definition time, so they must be objects, not strings.

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from floe_dagster_core import _specs
from floe_dagster_core._dbt_args import selection_args
from floe_dagster_core._dbt_events import (
    ModelFacts,
    ObserverDispatch,
    lookup_for,
    raise_step_failure,
    step_info,
    step_scope,
    watch,
)
from floe_dagster_core._export import ExportFailures, ModelExporter, exported
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._observer_protocol import AssetObserver
from floe_dagster_core._parse_state import per_target_state
from floe_dagster_core._retry import retry_scope, target_path_for
from floe_dagster_core._transform import TransformModel


def build_assets_by_compute(
    graph: TransformGraph,
    *,
    default_compute: str,
    observers: Sequence[AssetObserver],
    exporters: Sequence[ModelExporter] = (),
    retry_policy: Any = None,
) -> list[Any]:
    """One subsettable ``multi_asset`` per compute target, one asset per transform.

    ``retry_policy`` (a ``dagster.RetryPolicy``) retries a failed step; a retry builds only
    what earlier attempts did not materialize (``_retry``).
    """
    by_compute: dict[str, list[TransformModel]] = {}
    for transform in graph.order:
        by_compute.setdefault(transform.compute or default_compute, []).append(transform)
    return [
        _target_asset(compute, transforms, tuple(observers), tuple(exporters), retry_policy)
        for compute, transforms in by_compute.items()
    ]


def _target_asset(
    compute: str,
    transforms: list[TransformModel],
    observers: tuple[AssetObserver, ...],
    exporters: tuple[ModelExporter, ...],
    retry_policy: Any = None,
) -> Any:
    resource_key = _specs.resource_key(compute)
    specs = []
    facts: dict[str, ModelFacts] = {}
    for t in transforms:
        key = dg.AssetKey(_specs.key_path(t.name))
        upstream = [dg.AssetKey(_specs.key_path(up)) for up in t.depends_on]
        metadata = _specs.transform_metadata(t, compute)
        specs.append(
            dg.AssetSpec(
                key,
                deps=upstream,
                group_name=_specs.group_name(t.schema_name, t.path, t.name),
                tags=_specs.dagster_tags(t.tags),
                kinds=_specs.kinds(compute),
                metadata=metadata,
                description=f"dbt model {t.name} on compute target {compute}.",
                skippable=True,
            )
        )
        facts[t.name] = ModelFacts(
            asset_key=key.to_user_string(),
            model=t.name,
            upstream=tuple(u.to_user_string() for u in upstream),
            compute=compute,
            metadata=metadata,
        )
    order = [t.name for t in transforms]  # upstreams first

    @dg.multi_asset(
        specs=specs,
        name=f"floe_{resource_key}",
        can_subset=True,
        required_resource_keys={resource_key},
        retry_policy=retry_policy,
    )
    def _run(context: AssetExecutionContext) -> Iterator[Any]:
        selected = set(context.selected_asset_keys)
        scope = retry_scope(context)
        if scope.narrowed:
            context.log.info(scope.note())
            selected = {key for key in selected if key not in scope.standing.keys}
        names = [n for n in order if dg.AssetKey(_specs.key_path(n)) in selected]
        if not names:
            return
        dbt = getattr(context.resources, resource_key)
        step = step_info(context, compute, names, scope.kept)
        target_path = target_path_for(context)
        with step_scope(observers, step, context) as outcome, per_target_state(dbt, target_path):
            dispatch = ObserverDispatch(observers, lookup_for(context, facts))
            invocation = dbt.cli(
                ["build", *selection_args("--select", names)],
                raise_on_error=False,
                target_path=target_path,
            )
            watch(invocation, dispatch)
            events: Iterator[Any] = _materializations(invocation, facts, compute)
            failures = ExportFailures()
            if exporters:
                events = exported(events, exporters, dispatch.built, _model_of, failures)
            yield from events
            what = f"model {names[0]!r}" if len(names) == 1 else f"the {compute} models"
            raise_step_failure(outcome, what, compute, dispatch, invocation, failures)

    return _run


def _materializations(
    invocation: Any, facts: Mapping[str, ModelFacts], compute: str
) -> Iterator[Any]:
    """A ``MaterializeResult`` for each selected model dbt built."""
    for event in invocation.stream_raw_events():
        node = (event.raw_event.get("data") or {}).get("node_info") or {}
        name = str(node.get("node_name") or "")
        if (
            event.raw_event.get("info", {}).get("name") == "LogModelResult"
            and node.get("node_status") == "success"
            and name in facts
        ):
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(_specs.key_path(name)),
                metadata={"floe/dbt_target": compute},
            )


def _model_of(event: Any) -> str | None:
    if isinstance(event, dg.MaterializeResult) and event.asset_key is not None:
        return str(event.asset_key.path[-1])
    return None
