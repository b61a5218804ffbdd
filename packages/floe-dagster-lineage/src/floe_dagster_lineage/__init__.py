"""floe-dagster-lineage: OpenLineage run events that conform to the spec and never fail a run.

The core (this module) imports neither Dagster nor floe-core; the Dagster integration is
``floe_dagster_lineage.dagster`` (extra ``[dagster]``) and test helpers are in
``floe_dagster_lineage.testing``.
"""

from __future__ import annotations

from floe_dagster_lineage._column_lineage import column_lineage_facet
from floe_dagster_lineage._datasets import (
    Dataset,
    database_for_profile,
    dataset_name,
    duckdb_namespace,
    namespace_for_profile,
)
from floe_dagster_lineage._dbt_facets import (
    dbt_model_facet,
    dbt_node_facet,
    dbt_run_facet,
    dbt_version_facet,
)
from floe_dagster_lineage._deadline import validate_timeout
from floe_dagster_lineage._emitter import LineageEmitter
from floe_dagster_lineage._errors import (
    DeliveryError,
    FacetError,
    LineageError,
    SpoolError,
    TransportConfigError,
)
from floe_dagster_lineage._events import (
    build_run_event,
    event_from_json,
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
from floe_dagster_lineage._floe_facet import (
    FLOE_DAGSTER_FACET,
    FLOE_DAGSTER_SCHEMA_URL,
    floe_dagster_run_facet,
)
from floe_dagster_lineage._http import HttpTransport, Secret
from floe_dagster_lineage._model_facets import (
    data_quality_assertions_facet,
    datasource_facet,
    documentation_facet,
    output_statistics_facet,
    processing_engine_facet,
    sql_job_facet,
    tags_facet,
)
from floe_dagster_lineage._naming import model_job_name, product_job_name
from floe_dagster_lineage._redact import redacted, safe_url
from floe_dagster_lineage._replay import replay_spool
from floe_dagster_lineage._spool import Spool, SpoolSummary
from floe_dagster_lineage._spool_path import SPOOL_ENV, default_spool_path, spool_destination
from floe_dagster_lineage._transports import (
    ConsoleTransport,
    FileTransport,
    NoopTransport,
    OpenLineageTransport,
    Transport,
    transport_from_config,
    transport_from_env,
)

__all__ = [  # noqa: RUF022 - plain sorted(), as test_exported_members checks
    "ConsoleTransport",
    "Dataset",
    "DeliveryError",
    "FLOE_DAGSTER_FACET",
    "FLOE_DAGSTER_SCHEMA_URL",
    "FacetError",
    "FileTransport",
    "HttpTransport",
    "LineageEmitter",
    "LineageError",
    "NoopTransport",
    "OpenLineageTransport",
    "SPOOL_ENV",
    "Secret",
    "Spool",
    "SpoolError",
    "SpoolSummary",
    "Transport",
    "TransportConfigError",
    "__version__",
    "build_run_event",
    "column_lineage_facet",
    "complete_facets",
    "data_quality_assertions_facet",
    "database_for_profile",
    "dataset_name",
    "datasource_facet",
    "dbt_model_facet",
    "dbt_node_facet",
    "dbt_run_facet",
    "dbt_version_facet",
    "default_spool_path",
    "documentation_facet",
    "duckdb_namespace",
    "error_message_facet",
    "event_from_json",
    "event_type_name",
    "floe_dagster_run_facet",
    "job_type_facet",
    "model_job_name",
    "namespace_for_profile",
    "nominal_time_facet",
    "output_statistics_facet",
    "parent_run_facet",
    "processing_engine_facet",
    "product_job_name",
    "redacted",
    "replay_spool",
    "safe_url",
    "schema_facet",
    "spool_destination",
    "sql_job_facet",
    "tags_facet",
    "to_json",
    "transport_from_config",
    "transport_from_env",
    "validate_timeout",
]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-lineage")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
