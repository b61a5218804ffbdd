"""OpenLineage emission through floe's lineage backend: the facade's side.

``LineageGateway`` resolves where events go, once, on first need:

1. ``lineage.enabled: false`` in the plugin config, or the artifacts' ``observability.lineage:
   false`` -> nowhere (noop);
2. ``lineage.transport`` in the plugin config -> that OpenLineage transport;
3. the backend named by ``lineage.backend``, else the artifacts' ``plugins.lineage_backend.type``,
   is taken from floe-core's plugin registry (``floe.lineage_backends``), configured with
   ``lineage.backend_config`` or the artifacts' ``plugins.lineage_backend.config``, and its
   ``get_transport_config()`` becomes the transport (FR-018);
4. else the artifacts' ``observability.lineage_transport`` (``http`` to
   ``observability.lineage_endpoint``, ``console`` or ``noop``);
5. no backend -> noop (US6 scenario 3: the call succeeds silently).

The job namespace is ``lineage.namespace`` in the plugin config, else the artifacts'
``observability.lineage_namespace`` (the product's namespace), else ``floe``.

``observers_for(artifacts, project)`` gives core's asset bodies an ``AssetObserver`` that turns
each dbt model's start, success and failure into START / COMPLETE / FAIL events, with the model's
table as output and its upstream tables as inputs, named after OpenLineage's conventions for the
warehouse of the dbt profile that actually runs (core's ``DbtProject``). Delivery never raises.
While definitions load, a lineage configuration error (a backend that is not installed, a bad
backend config) is one warning naming the setting, and lineage is off for that process: lineage
never breaks a code location. Building a bad event through ``emit`` (an unknown event type, a bad
facet) raises, with what to fix.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from floe_orchestrator_dagster._errors import LineageBackendError
from floe_orchestrator_dagster._lineage_settings import LineageSettings

logger = logging.getLogger("floe_dagster_lineage")

PRODUCER = (
    "https://github.com/floe-dagster/floe-dagster/tree/main/packages/floe-orchestrator-dagster"
)
# per-asset OpenLineage run ids, stable for one (Dagster run, asset) pair
_RUN_NAMESPACE = uuid.UUID("0b9a3b5e-8f0e-4f7e-a3a4-7c1d2e6f9a51")


class LineageGateway:
    """Turns floe-core lineage calls and asset runs into OpenLineage events for the backend.

    Args:
        settings: The ``lineage:`` section of the plugin config.

    Examples:
        >>> gateway = LineageGateway(LineageSettings())
        >>> gateway.emit("START", "dbt_run_customers")  # no backend: a silent no-op
        UUID('...')
    """

    def __init__(self, settings: LineageSettings) -> None:
        self.settings = settings
        self._artifacts: Any = None  # the ProductArtifacts last bound, or None
        self._emitter: Any = None

    def bind(self, artifacts: Any) -> None:
        """Learn the artifacts (backend, observability) before the first event.

        ``artifacts`` is anything ``read_artifacts`` takes (a ``ProductArtifacts`` as is).
        """
        from floe_orchestrator_dagster._artifacts import read_artifacts

        artifacts = read_artifacts(artifacts)
        if artifacts is not self._artifacts:
            self._artifacts = artifacts
            self._emitter = None

    @property
    def namespace(self) -> str:
        """The job namespace (see the module docstring)."""
        if self.settings.namespace:
            return self.settings.namespace
        observability = self._artifacts.model.observability if self._artifacts else None
        return str(observability.lineage_namespace) if observability is not None else "floe"

    @property
    def emitter(self) -> Any:
        """The ``floe_dagster_lineage.LineageEmitter``, resolved on first use."""
        if self._emitter is None:
            from floe_dagster_lineage import LineageEmitter

            self._emitter = LineageEmitter(
                self._transport(), namespace=self.namespace, producer=PRODUCER
            )
        return self._emitter

    def emit(
        self,
        event_type: Any,
        job_name: str,
        *,
        job_namespace: str | None = None,
        run_id: UUID | None = None,
        inputs: list[Any] | None = None,
        outputs: list[Any] | None = None,
        run_facets: dict[str, Any] | None = None,
        job_facets: dict[str, Any] | None = None,
        producer: str | None = None,
    ) -> UUID:
        """Emit one run event (floe-core's ``emit_lineage_event``); returns its run id.

        ``event_type`` is a floe ``RunState`` or its name ("START", "COMPLETE", "FAIL"...);
        datasets are floe ``LineageDataset`` objects, ``floe_dagster_lineage.Dataset`` or dicts;
        facets may be plain dicts (completed with ``_producer`` and ``_schemaURL``).

        Examples:
            >>> LineageGateway(LineageSettings()).emit("COMPLETE", "job", run_id=None)
            UUID('...')
        """
        from floe_dagster_lineage import build_run_event

        emitter = self.emitter
        event = build_run_event(
            event_type,
            job_name,
            job_namespace=job_namespace or emitter.namespace,
            producer=producer or emitter.producer,
            run_id=run_id,
            inputs=inputs,
            outputs=outputs,
            run_facets=run_facets,
            job_facets=job_facets,
        )
        emitter.send(event)
        return UUID(event.run.runId)

    def observers_for(self, artifacts: Any, project: Any = None) -> list[Any]:
        """``floe_dagster_core.AssetObserver`` objects that emit lineage for each asset run.

        Returns ``[]`` when lineage goes nowhere, so runs pay nothing for it; a lineage
        configuration error is one warning and ``[]`` (lineage never breaks a code location).

        Args:
            artifacts: The product's ``ProductArtifacts`` (or anything ``read_artifacts`` takes).
            project: core's ``DbtProject`` (the profile dbt runs with), or None.

        Examples:
            >>> from floe_dagster_core.testing import compiled_artifacts
            >>> from floe_orchestrator_dagster._artifacts import read_artifacts
            >>> gateway = LineageGateway(LineageSettings())
            >>> gateway.observers_for(read_artifacts(compiled_artifacts()))
            []
        """
        self.bind(artifacts)
        artifacts = self._artifacts
        try:
            enabled = self.emitter.enabled
        except Exception as error:  # noqa: BLE001 - lineage must never break a code location
            logger.warning(
                "Lineage is off for product %s in this process: %s",
                artifacts.product_name,
                error,
            )
            from floe_dagster_lineage import LineageEmitter, NoopTransport

            self._emitter = LineageEmitter(NoopTransport(), namespace=self.namespace)
            return []
        if not enabled:
            return []
        naming = _Naming(_outputs(artifacts, project), self.settings)
        return [LineageObserver(self.emitter, naming)]

    # -- resolution -----------------------------------------------------------------------------

    def _transport(self) -> Any:
        from floe_dagster_lineage import NoopTransport, transport_from_config

        model = self._artifacts.model if self._artifacts is not None else None
        observability = model.observability if model is not None else None
        if not self.settings.enabled or (observability is not None and not observability.lineage):
            return NoopTransport()
        if self.settings.transport:
            return transport_from_config(self._with_timeout(self.settings.transport))
        plugins = model.plugins if model is not None else None
        selection = plugins.lineage_backend if plugins is not None else None
        name = self.settings.backend or (selection.type if selection is not None else None)
        if name:
            config = self.settings.backend_config
            if config is None and selection is not None and selection.type == name:
                config = selection.config
            transport_config = _backend_transport_config(str(name), config)
            return transport_from_config(self._with_timeout(transport_config))
        declared = _declared_transport(observability)
        if declared is not None:
            return transport_from_config(self._with_timeout(declared))
        return NoopTransport()

    def _with_timeout(self, config: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(config)
        if self.settings.timeout is not None and merged.get("type") == "http":
            merged["timeout"] = self.settings.timeout
        return merged


def _declared_transport(observability: Any) -> dict[str, Any] | None:
    """The artifacts' ``observability.lineage_transport`` (and endpoint), as a transport config."""
    kind = getattr(observability, "lineage_transport", None)
    if kind == "http":
        endpoint = observability.lineage_endpoint
        if not endpoint:
            raise LineageBackendError(
                "observability.lineage_transport is 'http' but observability.lineage_endpoint is "
                "not set, so lineage has nowhere to go. Set lineage_endpoint in manifest.yaml, "
                "or configure a lineage backend (plugins.lineage_backend)."
            )
        return {"type": "http", "url": str(endpoint)}
    if kind in ("console", "noop"):
        return {"type": kind}
    return None


def _outputs(artifacts: Any, project: Any) -> Any:
    """The dbt output each compute target runs on: the project's, else the compiled profile's."""
    if project is not None:
        return project.output_of
    profiles = artifacts.model.dbt_profiles or {}

    def compiled(compute: str) -> Mapping[str, Any]:
        for profile in profiles.values():
            outputs = (profile or {}).get("outputs") or {}
            chosen = outputs.get(compute) or outputs.get((profile or {}).get("target"))
            if chosen:
                return dict(chosen)
        return {}

    return compiled


def _backend_transport_config(name: str, config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The backend plugin's ``get_transport_config()``, from floe-core's registry."""
    from floe_core.plugin_errors import PluginConfigurationError, PluginNotFoundError
    from floe_core.plugin_registry import PluginRegistry
    from floe_core.plugin_types import PluginType

    registry = PluginRegistry()
    registry.discover_all()
    try:
        plugin = registry.get(PluginType.LINEAGE_BACKEND, name)
    except PluginNotFoundError:
        installed = sorted(registry.list_all().get(PluginType.LINEAGE_BACKEND, []))
        options = ", ".join(installed) if installed else "none is installed"
        raise LineageBackendError(
            f"lineage backend {name!r} (lineage.backend or plugins.lineage_backend.type) is not "
            f"installed; installed lineage backends: {options}. Install it (e.g. "
            f"pip install floe-lineage-{name}) or choose an installed one."
        ) from None
    if config:
        try:
            registry.configure(PluginType.LINEAGE_BACKEND, name, dict(config))
        except PluginConfigurationError as error:
            raise LineageBackendError(
                f"the configuration of lineage backend {name!r} (lineage.backend_config or "
                f"plugins.lineage_backend.config) is invalid: {error}. Fix the fields named."
            ) from None
    transport: dict[str, Any] = plugin.get_transport_config()  # type: ignore[attr-defined]
    return transport


class _Naming:
    """Datasets of floe models, after OpenLineage's naming conventions for their warehouse."""

    def __init__(self, output_of: Any, settings: LineageSettings) -> None:
        self._output_of = output_of  # compute target -> the dbt output it runs on
        self._settings = settings
        self._seen: dict[str, Any] = {}  # asset key -> its dataset, as the model named it

    def _place(self, compute: str) -> tuple[str, str | None, str | None]:
        from floe_dagster_lineage import database_for_profile, namespace_for_profile

        output = self._output_of(compute)
        namespace = self._settings.dataset_namespace
        if namespace is None:
            namespace = namespace_for_profile(output) if output.get("type") else compute
        default_schema = output.get("schema") or (
            "main" if output.get("type") == "duckdb" else None
        )
        database = database_for_profile(output) if output.get("type") else None
        return namespace, database, default_schema

    def model(self, info: Any) -> Any:
        """The dataset a model writes."""
        from floe_dagster_lineage import Dataset, dataset_name, schema_facet

        namespace, database, default_schema = self._place(info.compute)
        metadata = info.metadata or {}
        schema = metadata.get("schema") or default_schema
        parts = [metadata.get("database") or database, schema, info.model]
        name = ".".join(str(part) for part in parts if part) if schema else None
        name = name or dataset_name(info.asset_key.split("/"), database=database, schema=schema)
        columns = metadata.get("columns")
        facets = {"schema": schema_facet(columns, producer=PRODUCER)} if columns else {}
        dataset = Dataset(namespace, name, facets)
        self._seen[info.asset_key] = Dataset(namespace, name)
        return dataset

    def upstream(self, info: Any) -> list[Any]:
        """The datasets a model reads (as their models named them when seen in this run)."""
        from floe_dagster_lineage import Dataset, dataset_name

        namespace, database, default_schema = self._place(info.compute)
        datasets = []
        for key in info.upstream:
            seen = self._seen.get(key)
            if seen is None:
                name = dataset_name(key.split("/"), database=database, schema=default_schema)
                seen = Dataset(namespace, name)
            datasets.append(seen)
        return datasets


class LineageObserver:
    """A ``floe_dagster_core.AssetObserver`` that emits START / COMPLETE / FAIL per dbt model.

    Each model run is one OpenLineage run (id derived from the Dagster run id and the asset
    key), a child of the Dagster run (``parent`` facet); the job is named after the asset key.
    It never raises: a failure is logged as one warning.
    """

    def __init__(self, emitter: Any, naming: _Naming) -> None:
        self._emitter = emitter
        self._naming = naming

    def started(self, info: Any) -> None:
        """The model started: START."""
        self._emit("START", info)

    def succeeded(self, info: Any) -> None:
        """The model succeeded: COMPLETE."""
        self._emit("COMPLETE", info)

    def failed(self, info: Any, error: str) -> None:
        """The model failed: FAIL with dbt's message in the ``errorMessage`` facet."""
        self._emit("FAIL", info, error=error or f"dbt model {info.model} failed")

    def _emit(self, event_type: str, info: Any, error: str | None = None) -> None:
        try:
            parent_id = _uuid(info.run_id)
            self._emitter.emit(
                event_type,
                info.asset_key.replace("/", "."),
                run_id=uuid.uuid5(_RUN_NAMESPACE, f"{info.run_id}/{info.asset_key}"),
                parent=(str(parent_id), info.job_name or "floe", self._emitter.namespace),
                inputs=self._naming.upstream(info),
                outputs=[self._naming.model(info)],
                error=error,
            )
        except Exception as failure:  # noqa: BLE001 - lineage must never fail a run
            logger.warning(
                "OpenLineage %s event of asset %s (Dagster run %s) was not emitted: %s: %s",
                event_type,
                info.asset_key,
                info.run_id,
                type(failure).__name__,
                failure,
            )


def _uuid(value: str) -> UUID:
    """A Dagster run id as a UUID (they are UUIDs; anything else gets a stable derived one)."""
    try:
        return UUID(str(value))
    except ValueError:
        return uuid.uuid5(_RUN_NAMESPACE, str(value))
