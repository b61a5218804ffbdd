"""The public surface is locked: nothing leaks, nothing vanishes by accident."""

from __future__ import annotations

import pytest

import floe_dagster_lineage
import floe_dagster_lineage.testing


def test_package_exports_exactly_its_public_names():
    assert floe_dagster_lineage.__all__ == sorted(floe_dagster_lineage.__all__)
    assert set(floe_dagster_lineage.__all__) == {
        "FLOE_DAGSTER_FACET",
        "FLOE_DAGSTER_SCHEMA_URL",
        "SPOOL_ENV",
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
        "dbt_model_facet",
        "dbt_node_facet",
        "dbt_run_facet",
        "dbt_version_facet",
        "datasource_facet",
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
    }
    for name in floe_dagster_lineage.__all__:
        assert getattr(floe_dagster_lineage, name) is not None
    assert floe_dagster_lineage.__version__ == "0.1.0"


def test_testing_module_exports():
    assert floe_dagster_lineage.testing.__all__ == [
        "SPEC_VERSION",
        "FailingTransport",
        "InMemoryTransport",
        "LineageReceiver",
        "ReceivedRequest",
        "SchemaValidator",
        "capture_events",
    ]


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        floe_dagster_lineage.nope  # noqa: B018


def test_core_imports_neither_dagster_nor_floe_core():
    import subprocess
    import sys

    code = (
        "import sys, floe_dagster_lineage, floe_dagster_lineage.testing;"
        "from floe_dagster_lineage import LineageEmitter;"
        "LineageEmitter().emit('START', 'job');"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('dagster', 'floe_core')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
