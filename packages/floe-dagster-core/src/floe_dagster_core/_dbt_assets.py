"""``@dbt_assets`` over the product's dbt manifest: one definition per compute target.

Every dbt model runs on its transform's compute target; models the product does not list run on
the default one. Each compute target's models are selected compactly so that no command line
grows with the number of models:

- one compute target: ``--select fqn:*`` (the whole project);
- several: the default target takes ``fqn:*`` minus the overridden models, each other target its
  own models by name. A list longer than ``LIST_LIMIT`` names is passed by floe itself, in one
  space-separated value while it fits one argument and one ``--select`` flag per name above that
  (``_dbt_args``: Linux refuses an argument over 128 KiB), with dagster-dbt turning dbt's events
  into Dagster events as usual.

Resolving a long list of names is slow in dbt's selector (each name scans every node), so for
long lists the assets are chosen on a copy of the manifest in which each node carries a marker
tag of its compute target (``tag:floe_compute__<target>``); the dbt project is never changed.

A subset run (some assets of a definition) uses the selection dagster-dbt builds itself, one
argument per model (and a selector file above a threshold in dagster-dbt 0.28+).
"""

# No `from __future__ import annotations`: Dagster reads the asset bodies' annotations
# (the context type) at definition time, so they must be objects, not strings.

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import dbt_assets

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
from floe_dagster_core._errors import validation_error
from floe_dagster_core._export import ExportFailures, ModelExporter, exported
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._node_facts import (
    DbtTestFacts,
    OnFirstUse,
    dbt_test_facts,
    model_facts,
)
from floe_dagster_core._observer_protocol import AssetObserver
from floe_dagster_core._parse_state import per_target_state
from floe_dagster_core._retry import retry_scope, target_path_for

#: Above this many names, floe passes a selection to dbt itself (see the module docstring).
LIST_LIMIT = 200
MARKER_PREFIX = "floe_compute__"


@dataclass(frozen=True)
class TargetSelection:
    """The dbt selection of one compute target's ``@dbt_assets``."""

    compute: str
    select: str
    exclude: str | None
    models: tuple[str, ...]
    long: bool = False  # over LIST_LIMIT names: floe passes it; decided when the assets are built

    def cli_args(self) -> list[str]:
        """The selection arguments of a full (not subset) run (see ``_dbt_args``)."""
        args = selection_args("--select", self.select.split())
        if self.exclude:
            args += selection_args("--exclude", self.exclude.split())
        return args


def model_nodes(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The manifest's model nodes by model name."""
    return {
        node["name"]: node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
    }


def check_transforms_in_manifest(
    graph: TransformGraph, models: Mapping[str, Any], location: str
) -> None:
    """Refuse transforms the dbt project does not define (a ValidationError naming them)."""
    missing = [(i, t.name) for i, t in enumerate(graph.by_name.values()) if t.name not in models]
    if missing:
        index, name = missing[0]
        names = ", ".join(repr(n) for _, n in missing[:10])
        raise validation_error(
            "CompiledArtifacts",
            "model_not_in_manifest",
            f"Transform {name!r} is not a model of the dbt project (missing: {names}). Add the "
            "model to the dbt project, or remove the transform from floe.yaml; if the model "
            "exists, delete target/manifest.json so that `dbt parse` runs again.",
            (*location.split("."), index, "name"),
            name,
        )


def selections(
    models: Mapping[str, Any], compute_of: Mapping[str, str], default_compute: str
) -> list[TargetSelection]:
    """One compact selection per compute target (see the module docstring)."""
    by_target: dict[str, list[str]] = {}
    for name in models:
        by_target.setdefault(compute_of.get(name, default_compute), []).append(name)
    if list(by_target) in ([], [default_compute]):
        return [TargetSelection(default_compute, "fqn:*", None, tuple(models))]
    result = []
    overridden = sorted(n for n in models if compute_of.get(n, default_compute) != default_compute)
    if default_compute in by_target:
        result.append(
            TargetSelection(
                default_compute,
                "fqn:*",
                " ".join(overridden),
                tuple(by_target[default_compute]),
                long=len(overridden) > LIST_LIMIT,
            )
        )
    for compute, names in sorted(by_target.items()):
        if compute != default_compute:
            result.append(
                TargetSelection(
                    compute,
                    " ".join(sorted(names)),
                    None,
                    tuple(names),
                    long=len(names) > LIST_LIMIT,
                )
            )
    return result


def build_dbt_assets(
    manifest: Mapping[str, Any],
    graph: TransformGraph,
    *,
    default_compute: str,
    observers: Sequence[AssetObserver],
    exporters: Sequence[ModelExporter] = (),
    location: str = "transforms.models",
    retry_policy: Any = None,
) -> tuple[list[Any], list[TargetSelection]]:
    """``@dbt_assets`` for ``manifest``, one per compute target, and their selections.

    ``retry_policy`` (a ``dagster.RetryPolicy``) retries a failed step; a retry builds only
    what earlier attempts did not materialize (``_retry``).
    """
    from floe_dagster_core._translator import FloeDbtTranslator

    models = model_nodes(manifest)
    check_transforms_in_manifest(graph, models, location)
    compute_of = {t.name: t.compute or default_compute for t in graph.order}
    translator = FloeDbtTranslator(graph.by_name, compute_of, default_compute)
    chosen = selections(models, compute_of, default_compute)
    facts = OnFirstUse(partial(model_facts, manifest, models, graph.by_name, translator))
    tests = OnFirstUse(partial(dbt_test_facts, manifest))
    if any(selection.long for selection in chosen):
        manifest = _marked(manifest, compute_of, default_compute)
    assets = [
        _target_assets(
            manifest,
            selection,
            translator,
            facts,
            tests,
            tuple(observers),
            tuple(exporters),
            retry_policy,
        )
        for selection in chosen
    ]
    return assets, chosen


def marker_tag(compute: str) -> str:
    """The tag marking a node of ``compute`` in floe's in-memory copy of the manifest."""
    return MARKER_PREFIX + compute


def _marked(
    manifest: Mapping[str, Any], compute_of: Mapping[str, str], default_compute: str
) -> dict[str, Any]:
    """A copy of ``manifest`` whose models, seeds, snapshots and tests carry a marker tag."""
    nodes = manifest.get("nodes", {})

    def target(node: Mapping[str, Any]) -> str:
        if node.get("resource_type") == "model":
            return compute_of.get(node["name"], default_compute)
        if node.get("resource_type") == "test":
            # A test runs where the model it tests runs.
            for parent in (node.get("depends_on") or {}).get("nodes", []):
                up = nodes.get(parent)
                if up is not None and up.get("resource_type") == "model":
                    return compute_of.get(up["name"], default_compute)
        return default_compute

    marked = {}
    for uid, node in nodes.items():
        tag = marker_tag(target(node))
        config = dict(node.get("config") or {})
        config["tags"] = [*(config.get("tags") or []), tag]
        marked[uid] = {**node, "tags": [*(node.get("tags") or []), tag], "config": config}
    return {**manifest, "nodes": marked}


def _target_assets(
    manifest: Mapping[str, Any],
    selection: TargetSelection,
    translator: Any,
    facts: Mapping[str, ModelFacts],
    tests: Mapping[str, DbtTestFacts],
    observers: tuple[AssetObserver, ...],
    exporters: tuple[ModelExporter, ...],
    retry_policy: Any = None,
) -> Any:
    resource_key = _specs.resource_key(selection.compute)

    @dbt_assets(
        manifest=manifest,
        select=f"tag:{marker_tag(selection.compute)}" if selection.long else selection.select,
        exclude=None if selection.long else selection.exclude,
        name=f"dbt_{resource_key[4:]}",
        dagster_dbt_translator=translator,
        required_resource_keys={resource_key},
        retry_policy=retry_policy,
    )
    def _build(context: AssetExecutionContext) -> Any:
        dbt = getattr(context.resources, resource_key)
        full = _is_full_run(context)
        models = (
            selection.models if full else tuple(key.path[-1] for key in context.selected_asset_keys)
        )
        scope = retry_scope(context)
        if scope.narrowed:
            context.log.info(scope.note())
            if not scope.rest:
                return
            models = scope.rest
        step = step_info(context, selection.compute, models, scope.kept)
        target_path = target_path_for(context)
        with step_scope(observers, step, context) as outcome, per_target_state(dbt, target_path):
            dispatch = ObserverDispatch(observers, lookup_for(context, facts), tests)
            own = scope.narrowed or (selection.long and full)
            if own:
                # floe passes the selection itself: the retry's remaining nodes, or a long list
                invocation = dbt.cli(
                    ["build", *selection_args("--select", scope.rest)]
                    if scope.narrowed
                    else ["build", *selection.cli_args()],
                    raise_on_error=False,
                    manifest=manifest,
                    dagster_dbt_translator=translator,
                    target_path=target_path,
                )
            else:
                invocation = dbt.cli(
                    ["build"], context=context, raise_on_error=False, target_path=target_path
                )
            dispatch.target_path = invocation.target_path
            if observers or exporters:
                watch(invocation, dispatch)
            events = _dagster_events(context, invocation, manifest, translator, own)
            failures = ExportFailures()
            if exporters:
                events = exported(events, exporters, dispatch.built, _model_of(context), failures)
            yield from events
            raise_step_failure(
                outcome,
                f"the {selection.compute} models",
                selection.compute,
                dispatch,
                invocation,
                failures,
            )

    return _build


def _dagster_events(
    context: AssetExecutionContext, invocation: Any, manifest: Any, translator: Any, own: bool
) -> Any:
    """The Dagster events of the step's dbt invocation.

    ``own``: floe passed the selection itself (a long list, or what a retry builds again), so
    the raw events are converted here, with the (marked) manifest; otherwise dagster-dbt's own
    ``stream()`` does it.
    """
    if not own:
        yield from invocation.stream()
        return
    for event in invocation.stream_raw_events():
        yield from event.to_default_asset_events(
            manifest=manifest,
            dagster_dbt_translator=translator,
            context=context,
            target_path=invocation.target_path,
        )


def _model_of(context: AssetExecutionContext) -> Any:
    """Maps a Dagster event to the model it materializes (None for checks and observations)."""

    def model_of(event: Any) -> str | None:
        if isinstance(event, dg.Output):
            return str(context.asset_key_for_output(event.output_name).path[-1])
        if isinstance(event, dg.AssetMaterialization):
            return str(event.asset_key.path[-1])
        return None

    return model_of


def _is_full_run(context: AssetExecutionContext) -> bool:
    """Whether the step runs every asset and check of its definition (not a subset)."""
    assets_def = context.assets_def
    return set(context.selected_asset_keys) == set(assets_def.keys) and set(
        context.selected_asset_check_keys
    ) == set(assets_def.check_keys)
