"""``DagsterOrchestratorPlugin``: floe's OrchestratorPlugin ABC implemented with Dagster.

The class is the thin edge between floe-core and the three light packages: it converts floe-core
types, opens one OpenTelemetry span per public method and delegates to one private module per
capability. Nothing heavy (dagster, dagster_dbt, openlineage, httpx) is imported here: loading the
entry point must cost milliseconds (NFR-001), so each capability imports what it needs when called.
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any
from uuid import UUID

from floe_core.plugin_metadata import HealthStatus
from floe_core.plugins.orchestrator import (
    OrchestratorPlugin,
    ResourceSpec,
    TransformConfig,
    ValidationResult,
)

from floe_orchestrator_dagster._config import DagsterPluginConfig
from floe_orchestrator_dagster._tracing import plugin_span

if TYPE_CHECKING:
    from floe_core.lineage import LineageDataset, RunState
    from pydantic import BaseModel

DISTRIBUTION = "floe-orchestrator-dagster"
FLOE_API_VERSION = "1.0"


class DagsterOrchestratorPlugin(OrchestratorPlugin):
    """The Dagster orchestrator plugin for floe.

    Examples:
        >>> from floe_core.plugin_registry import PluginRegistry
        >>> from floe_core.plugin_types import PluginType
        >>> registry = PluginRegistry()
        >>> registry.discover_all()
        >>> registry.get(PluginType.ORCHESTRATOR, "dagster").name
        'dagster'
    """

    def __init__(self) -> None:
        super().__init__()
        from floe_orchestrator_dagster._schedules import ScheduleBook

        self._schedules = ScheduleBook()
        self._lineage: Any = None  # a _lineage.LineageGateway, built on first use

    # -- metadata -------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The registry key, ``dagster``."""
        return "dagster"

    @property
    def version(self) -> str:
        """This plugin's version, read from the installed distribution's metadata."""
        return metadata.version(DISTRIBUTION)

    @property
    def floe_api_version(self) -> str:
        """The floe plugin API this plugin is written against."""
        return FLOE_API_VERSION

    @property
    def description(self) -> str:
        """One line for listings."""
        return (
            "Dagster orchestration for floe data products: dbt assets per compute target, "
            "schedules, OpenLineage events and Helm values for the floe-dagster chart."
        )

    def get_config_schema(self) -> type[BaseModel]:
        """The pydantic model that validates ``plugins.orchestrator.config``."""
        return DagsterPluginConfig

    @property
    def config(self) -> DagsterPluginConfig:
        """The validated configuration, or the defaults when the plugin was not configured."""
        if isinstance(self._config, DagsterPluginConfig):
            return self._config
        return DagsterPluginConfig()

    def health_check(self, timeout: float | None = None) -> HealthStatus:
        """Report the plugin's health; see ``_connection.health_check``."""
        with plugin_span("health_check"):
            from floe_orchestrator_dagster import _connection

            return _connection.health_check(self.config.connection, self.version, timeout)

    # -- definitions ----------------------------------------------------------------------------

    def create_definitions(self, artifacts: dict[str, Any]) -> Any:
        """Build ``dagster.Definitions`` from floe CompiledArtifacts (a dict, or a JSON path)."""
        from floe_dagster_core import collector_paused

        # the collector would walk the hundreds of thousands of objects a build keeps (_gc_pause)
        with plugin_span("create_definitions"), collector_paused():
            from floe_orchestrator_dagster import _definitions

            configured = self._config if isinstance(self._config, DagsterPluginConfig) else None
            return _definitions.create_definitions(
                configured, artifacts, schedules=self._schedules, lineage=self._lineage_gateway()
            )

    def create_assets_from_transforms(self, transforms: list[TransformConfig]) -> list[Any]:
        """Build one Dagster asset per transform."""
        with plugin_span("create_assets_from_transforms", transforms=len(transforms)):
            from floe_orchestrator_dagster import _definitions

            return _definitions.create_assets(self.config, transforms)

    # -- deployment -----------------------------------------------------------------------------

    def get_helm_values(self) -> dict[str, Any]:
        """Helm values for the floe-dagster chart."""
        with plugin_span("get_helm_values"):
            from floe_orchestrator_dagster import _deploy

            return _deploy.helm_values(self.config.deploy)

    def get_resource_requirements(self, workload_size: str) -> ResourceSpec:
        """Kubernetes requests and limits for a workload size (small, medium, large)."""
        with plugin_span("get_resource_requirements", workload_size=workload_size):
            from floe_orchestrator_dagster import _deploy

            return _deploy.resource_requirements(workload_size)

    # -- connectivity ---------------------------------------------------------------------------

    def validate_connection(self) -> ValidationResult:
        """Probe the configured Dagster webserver; answers within 10 seconds."""
        with plugin_span("validate_connection"):
            from floe_orchestrator_dagster import _connection

            return _connection.validate_connection(self.config.connection)

    # -- lineage --------------------------------------------------------------------------------

    def _lineage_gateway(self) -> Any:
        if self._lineage is None:
            from floe_orchestrator_dagster._lineage import LineageGateway

            self._lineage = LineageGateway(self.config.lineage)
        return self._lineage

    def emit_lineage_event(
        self,
        event_type: RunState,
        job_name: str,
        job_namespace: str | None = None,
        run_id: UUID | None = None,
        inputs: list[LineageDataset] | None = None,
        outputs: list[LineageDataset] | None = None,
        run_facets: dict[str, Any] | None = None,
        job_facets: dict[str, Any] | None = None,
        producer: str | None = None,
    ) -> UUID:
        """Emit one OpenLineage run event through the configured lineage backend."""
        with plugin_span("emit_lineage_event", job_name=job_name):
            result: UUID = self._lineage_gateway().emit(
                event_type,
                job_name,
                job_namespace=job_namespace,
                run_id=run_id,
                inputs=inputs,
                outputs=outputs,
                run_facets=run_facets,
                job_facets=job_facets,
                producer=producer,
            )
            return result

    # -- scheduling -----------------------------------------------------------------------------

    def schedule_job(self, job_name: str, cron: str, timezone: str) -> None:
        """Schedule a job with a cron expression in an IANA time zone."""
        with plugin_span("schedule_job", job_name=job_name):
            self._schedules.add(job_name, cron, timezone)

    # -- code generation ------------------------------------------------------------------------

    def generate_entry_point_code(
        self,
        product_name: str,
        output_dir: str,
        *,
        lineage_enabled: bool = False,
        iceberg_enabled: bool = False,
    ) -> str:
        """Write the product's ``definitions.py`` code location; returns its path."""
        with plugin_span("generate_entry_point_code"):
            from floe_orchestrator_dagster import _entry_point

            return _entry_point.generate_entry_point_code(
                product_name,
                output_dir,
                lineage_enabled=lineage_enabled,
                iceberg_enabled=iceberg_enabled,
            )
