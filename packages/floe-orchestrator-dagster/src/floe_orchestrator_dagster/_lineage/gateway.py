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
import threading
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from floe_orchestrator_dagster._errors import LineageBackendError
from floe_orchestrator_dagster._lineage.facets import PRODUCER
from floe_orchestrator_dagster._lineage_settings import LineageSettings

_BACKEND_LOCK = threading.Lock()  # the shared registry's backend instances: configure, then read

logger = logging.getLogger("floe_dagster_lineage")


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
        self._observer: Any = None  # the LineageObserver of the bound product

    def bind(self, artifacts: Any) -> None:
        """Learn the artifacts (backend, observability) before the first event.

        ``artifacts`` is anything ``read_artifacts`` takes (a ``ProductArtifacts`` as is).
        """
        from floe_orchestrator_dagster._artifacts import read_artifacts

        artifacts = read_artifacts(artifacts)
        if artifacts is not self._artifacts:
            self._artifacts = artifacts
            self._emitter = None
            self._observer = None

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

            spool: Any = None  # the destination's default spool
            if self.settings.spool is not None:
                spool = False if self.settings.spool.lower() == "off" else self.settings.spool
            self._emitter = LineageEmitter(
                self._transport(), namespace=self.namespace, producer=PRODUCER, spool=spool
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
                "Lineage is off for product %s in this process. %s",
                artifacts.product_name,
                error,
            )
            from floe_dagster_lineage import LineageEmitter, NoopTransport

            self._emitter = LineageEmitter(NoopTransport(), namespace=self.namespace)
            return []
        if not enabled:
            return []
        from floe_orchestrator_dagster._lineage.naming import DatasetNaming
        from floe_orchestrator_dagster._lineage.observer import LineageObserver

        naming = DatasetNaming(_outputs(artifacts, project), self.settings)
        self._observer = LineageObserver(self.emitter, naming, artifacts.product_name)
        return [self._observer]

    def sensors_for(self, artifacts: Any) -> list[Any]:
        """The run-status sensors that close each product run (none when lineage is off)."""
        self.bind(artifacts)
        if self._observer is None or not self.emitter.enabled:
            return []
        from floe_orchestrator_dagster._lineage.product_run import product_run_sensors

        return product_run_sensors(self.emitter, artifacts.product_name)

    def close_run(self, run: Any, instance: Any, error: str | None = None) -> None:
        """Close a product run that ran in this process (``execute_in_process`` has no daemon).

        Never raises: a failure to emit is one warning.
        """
        if self._observer is None or self._artifacts is None:
            return
        from floe_orchestrator_dagster._lineage.product_run import close_product_run

        try:
            close_product_run(
                self.emitter,
                self._artifacts.product_name,
                run,
                instance,
                error=error,
                start_sent=self._observer.product_started_here(run.run_id),
            )
        except Exception as failure:  # noqa: BLE001 - lineage must never fail a run
            logger.warning("The OpenLineage end of run %s was not emitted: %s", run.run_id, failure)

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
    """compute target -> the dbt output it runs on (core's rule: ``compute_outputs``)."""
    from floe_dagster_core import compute_outputs

    return compute_outputs(project, artifacts.model.dbt_profiles)


def _backend_transport_config(name: str, config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The backend plugin's ``get_transport_config()``, from floe-core's registry.

    The registry is the process's shared one (``_registry.registry``: entry points are read once,
    not on every ``create_definitions``). Its plugin instances are shared too, so configuring one
    and reading its transport happen under one lock; a backend that an earlier call configured
    is asked, unconfigured, in a registry of its own, so no earlier configuration leaks in.
    """
    from floe_core.plugin_errors import PluginConfigurationError, PluginNotFoundError
    from floe_core.plugin_registry import PluginRegistry
    from floe_core.plugin_types import PluginType

    from floe_orchestrator_dagster._registry import registry

    with _BACKEND_LOCK:
        found = registry()
        try:
            plugin = found.get(PluginType.LINEAGE_BACKEND, name)
        except PluginNotFoundError:
            installed = sorted(found.list_all().get(PluginType.LINEAGE_BACKEND, []))
            options = ", ".join(installed) if installed else "none is installed"
            raise LineageBackendError(
                f"Lineage backend {name!r} (lineage.backend or plugins.lineage_backend.type) is "
                f"not installed; installed lineage backends: {options}. Install it (e.g. pip "
                f"install floe-lineage-{name}) or choose an installed one."
            ) from None
        if not config and found.get_config(PluginType.LINEAGE_BACKEND, name) is not None:
            found = PluginRegistry()
            found.discover_all()
            plugin = found.get(PluginType.LINEAGE_BACKEND, name)
        if config:
            try:
                found.configure(PluginType.LINEAGE_BACKEND, name, dict(config))
            except PluginConfigurationError as error:
                raise LineageBackendError(
                    f"The configuration of lineage backend {name!r} (lineage.backend_config or "
                    f"plugins.lineage_backend.config) is invalid: {error}. Fix the fields named."
                ) from None
        transport: dict[str, Any] = plugin.get_transport_config()  # type: ignore[attr-defined]
    return transport
