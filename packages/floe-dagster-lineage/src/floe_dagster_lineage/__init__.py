"""floe-dagster-lineage: OpenLineage run events that conform to the spec and never fail a run.

The core (this module) imports neither Dagster nor floe-core; the Dagster integration is
``floe_dagster_lineage.dagster`` (extra ``[dagster]``) and test helpers are in
``floe_dagster_lineage.testing``.
"""

from __future__ import annotations

from floe_dagster_lineage._datasets import (
    Dataset,
    database_for_profile,
    dataset_name,
    duckdb_namespace,
    namespace_for_profile,
)
from floe_dagster_lineage._emitter import LineageEmitter
from floe_dagster_lineage._errors import (
    DeliveryError,
    FacetError,
    LineageError,
    TransportConfigError,
)
from floe_dagster_lineage._events import (
    build_run_event,
    event_type_name,
    to_json,
)
from floe_dagster_lineage._facets import (
    complete_facets,
    error_message_facet,
    job_type_facet,
    nominal_time_facet,
    parent_run_facet,
    schema_facet,
)
from floe_dagster_lineage._http import HttpTransport, Secret
from floe_dagster_lineage._transports import (
    ConsoleTransport,
    FileTransport,
    NoopTransport,
    OpenLineageTransport,
    Transport,
    transport_from_config,
    transport_from_env,
)

__all__ = [
    "ConsoleTransport",
    "Dataset",
    "DeliveryError",
    "FacetError",
    "FileTransport",
    "HttpTransport",
    "LineageEmitter",
    "LineageError",
    "NoopTransport",
    "OpenLineageTransport",
    "Secret",
    "Transport",
    "TransportConfigError",
    "__version__",
    "build_run_event",
    "complete_facets",
    "database_for_profile",
    "dataset_name",
    "duckdb_namespace",
    "error_message_facet",
    "event_type_name",
    "job_type_facet",
    "namespace_for_profile",
    "nominal_time_facet",
    "parent_run_facet",
    "schema_facet",
    "to_json",
    "transport_from_config",
    "transport_from_env",
]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-lineage")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
