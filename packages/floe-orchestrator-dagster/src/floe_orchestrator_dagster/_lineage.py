"""OpenLineage emission through floe's lineage backend: the facade's side.

``LineageGateway`` resolves where events go, once, on first need:

1. ``lineage.enabled: false`` in the plugin config, or the artifacts' ``observability.lineage:
   false`` -> nowhere (noop);
2. ``lineage.transport`` in the plugin config -> that OpenLineage transport;
3. the backend named by ``lineage.backend``, else the artifacts' ``plugins.lineage_backend.type``,
   is taken from floe-core's plugin registry (``floe.lineage_backends``), configured with
   ``lineage.backend_config`` or the artifacts' ``plugins.lineage_backend.config``, and its
   ``get_transport_config()`` becomes the transport (FR-018);
4. no backend -> noop (US6 scenario 3: the call succeeds silently).

``observers_for(artifacts)`` gives core's asset bodies an ``AssetObserver`` that turns each dbt
model's start, success and failure into START / COMPLETE / FAIL events, with the model's table as
output and its upstream tables as inputs, named after OpenLineage's conventions for the compute
target's warehouse. Delivery never raises; building a bad event (unknown event type, bad facet)
or naming a backend that is not installed does, with what to fix.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
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
        self._artifacts: Mapping[str, Any] = {}
        self._emitter: Any = None

    def bind(self, artifacts: Mapping[str, Any]) -> None:
        """Learn the artifacts (backend, dbt profiles, observability) before the first event."""
        if dict(artifacts) != dict(self._artifacts):
            self._artifacts = artifacts
            self._emitter = None

    @property
    def emitter(self) -> Any:
        """The ``floe_dagster_lineage.LineageEmitter``, resolved on first use."""
        if self._emitter is None:
            from floe_dagster_lineage import LineageEmitter

            self._emitter = LineageEmitter(
                self._transport(), namespace=self.settings.namespace, producer=PRODUCER
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
            job_namespace=job_namespace or self.settings.namespace,
            producer=producer or emitter.producer,
            run_id=run_id,
            inputs=inputs,
            outputs=outputs,
            run_facets=run_facets,
            job_facets=job_facets,
        )
        emitter.send(event)
        return UUID(event.run.runId)

    def observers_for(
        self, artifacts: Mapping[str, Any], project_dir: str | Path | None = None
    ) -> list[Any]:
        """``floe_dagster_core.AssetObserver`` objects that emit lineage for each asset run.

        Returns ``[]`` when lineage goes nowhere, so runs pay nothing for it.

        Args:
            artifacts: The CompiledArtifacts (a dict).
            project_dir: The product's dbt project. When it has a ``profiles.yml``, dbt runs on
                that file's outputs (as core does), so datasets are named after them, relative
                DuckDB paths made absolute against the project; else after the artifacts'
                ``dbt_profiles``.

        Examples:
            >>> LineageGateway(LineageSettings()).observers_for({})
            []
        """
        self.bind(artifacts)
        if not self.emitter.enabled:
            return []
        naming = _Naming(_profiles(artifacts, project_dir), self.settings, project_dir)
        return [LineageObserver(self.emitter, naming)]

    # -- resolution -----------------------------------------------------------------------------

    def _transport(self) -> Any:
        from floe_dagster_lineage import NoopTransport, transport_from_config

        observability = self._artifacts.get("observability") or {}
        if not self.settings.enabled or observability.get("lineage") is False:
            return NoopTransport()
        if self.settings.transport:
            return transport_from_config(self._with_timeout(self.settings.transport))
        selection = (self._artifacts.get("plugins") or {}).get("lineage_backend") or {}
        name = self.settings.backend or selection.get("type")
        if not name:
            return NoopTransport()
        config = self.settings.backend_config
        if config is None and selection.get("type") == name:
            config = selection.get("config")
        transport_config = _backend_transport_config(str(name), config)
        return transport_from_config(self._with_timeout(transport_config))

    def _with_timeout(self, config: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(config)
        if self.settings.timeout is not None and merged.get("type") == "http":
            merged["timeout"] = self.settings.timeout
        return merged


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


def _profiles(artifacts: Mapping[str, Any], project_dir: str | Path | None) -> Mapping[str, Any]:
    """The dbt profiles dbt runs with: the project's ``profiles.yml`` first, as core does."""
    if project_dir is not None and (Path(project_dir) / "profiles.yml").is_file():
        import yaml

        loaded = yaml.safe_load((Path(project_dir) / "profiles.yml").read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            return {k: v for k, v in loaded.items() if isinstance(v, dict) and "outputs" in v}
    profiles: Mapping[str, Any] = artifacts.get("dbt_profiles") or {}
    return profiles


class _Naming:
    """Datasets of floe models, after OpenLineage's naming conventions for their warehouse."""

    def __init__(
        self,
        profiles: Mapping[str, Any],
        settings: LineageSettings,
        project_dir: str | Path | None = None,
    ) -> None:
        self._profiles = profiles
        self._settings = settings
        self._project_dir = Path(project_dir).resolve() if project_dir is not None else None
        self._seen: dict[str, Any] = {}  # asset key -> its dataset, as the model named it

    def _output(self, compute: str) -> Mapping[str, Any]:
        for profile in self._profiles.values():
            outputs = (profile or {}).get("outputs") or {}
            target = (profile or {}).get("target")
            chosen = (
                outputs.get(compute) or outputs.get(target) or next(iter(outputs.values()), None)
            )
            if chosen:
                return self._absolute(dict(chosen))
        return {}

    def _absolute(self, output: dict[str, Any]) -> dict[str, Any]:
        """A relative DuckDB path made absolute against the project (where dbt runs)."""
        path = output.get("path")
        relative = bool(path) and path != ":memory:" and not Path(str(path)).is_absolute()
        if output.get("type") == "duckdb" and relative and self._project_dir is not None:
            output["path"] = str(self._project_dir / str(path))
        return output

    def _place(self, compute: str) -> tuple[str, str | None, str | None]:
        from floe_dagster_lineage import database_for_profile, namespace_for_profile

        output = self._output(compute)
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
