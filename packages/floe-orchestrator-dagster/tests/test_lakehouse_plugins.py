"""The lakehouse's catalog and storage plugins, resolved through floe-core's real registry.

The plugins are floe-test-lakehouse's (entry points ``floe.catalogs: sql-test`` and
``floe.storage: local-test``) and the real floe-storage-minio; nothing is faked but the one
missing-extra case, which an installed workspace cannot produce.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import LakehouseError
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._lakehouse import _plugins as plugins_module
from floe_orchestrator_dagster._lakehouse import lakehouse_exporters
from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of
from floe_orchestrator_dagster._lakehouse._source import duckdb_source
from lakehouse_parts import local_lakehouse


def artifacts_with(tmp_path: Path, **changes):
    lake = local_lakehouse(tmp_path)
    plugins = {**lake["plugins"], **changes.pop("plugins", {})}
    return read_artifacts(
        compiled_artifacts(
            {"name": "stg_a"},
            product="shop-analytics",
            plugins=plugins,
            deployment=changes.pop("deployment", lake["deployment"]),
        )
    )


def test_without_catalog_and_storage_there_is_no_export(tmp_path: Path):
    plain = read_artifacts(compiled_artifacts({"name": "stg_a"}))
    assert lakehouse_of(plain) is None
    assert lakehouse_exporters(plain, object()) == []


def test_a_catalog_without_storage_exports_nothing(tmp_path: Path):
    lake = local_lakehouse(tmp_path)
    alone = read_artifacts(
        compiled_artifacts({"name": "stg_a"}, plugins={"catalog": lake["plugins"]["catalog"]})
    )
    assert lakehouse_of(alone) is None


def test_the_plugins_come_configured_from_the_artifacts(tmp_path: Path):
    lakehouse = lakehouse_of(artifacts_with(tmp_path))
    assert lakehouse is not None
    assert (lakehouse.catalog_type, lakehouse.storage_type) == ("sql-test", "local-test")
    assert lakehouse.namespace == "shop_analytics"
    assert lakehouse.catalog.settings.uri == f"sqlite:///{tmp_path / 'catalog.db'}"
    assert lakehouse.namespace_uri() == f"{(tmp_path / 'lake').as_uri()}/shop_analytics/"
    # floe-core's runtime catalog binding, built from the compiled deployment
    assert lakehouse.connection.warehouse == (tmp_path / "lake").as_uri()


def test_two_products_in_one_process_keep_their_own_configuration(tmp_path: Path):
    first = lakehouse_of(artifacts_with(tmp_path / "one"))
    second = lakehouse_of(artifacts_with(tmp_path / "two"))
    assert first is not None
    assert second is not None
    assert first.catalog is not second.catalog
    assert first.catalog.settings.uri != second.catalog.settings.uri
    assert first.storage.root == tmp_path / "one" / "lake"


def test_an_unknown_catalog_lists_the_installed_ones(tmp_path: Path):
    artifacts = artifacts_with(
        tmp_path, plugins={"catalog": {"type": "polaris", "version": "0.1.0", "config": {}}}
    )
    with pytest.raises(LakehouseError) as caught:
        lakehouse_of(artifacts)
    message = str(caught.value)
    assert message.startswith(
        "Unknown catalog 'polaris' (plugins.catalog.type in the compiled artifacts). "
        "Installed catalogs: sql-test 0.1.0. Set plugins.catalog.type in manifest.yaml"
    )
    assert "install the floe catalog plugin package that provides 'polaris'" in message


def test_an_unknown_storage_lists_the_installed_ones(tmp_path: Path):
    artifacts = artifacts_with(
        tmp_path, plugins={"storage": {"type": "gcs", "version": "0.1.0", "config": {}}}
    )
    with pytest.raises(LakehouseError, match=r"Unknown storage 'gcs'") as caught:
        lakehouse_of(artifacts)
    assert "Installed storage plugins: local-test 0.1.0, minio 0.1.0." in str(caught.value)


def test_an_invalid_plugin_config_names_the_field(tmp_path: Path):
    artifacts = artifacts_with(
        tmp_path,
        plugins={"catalog": {"type": "sql-test", "version": "0.1.0", "config": {"url": "x"}}},
    )
    with pytest.raises(LakehouseError) as caught:
        lakehouse_of(artifacts)
    message = str(caught.value)
    assert message.startswith(
        "`plugins.catalog.config` is invalid for the catalog plugin 'sql-test'"
    )
    assert "uri: Field required" in message
    assert "url: Extra inputs are not permitted" in message
    assert message.endswith("Fix it in manifest.yaml and recompile the product.")


def test_a_missing_extra_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # the workspace always has the extra: only a module name that cannot exist shows the message
    monkeypatch.setattr(plugins_module, "EXTRA_MODULES", ("pyiceberg", "no_such_module_xyz"))
    with pytest.raises(LakehouseError) as caught:
        lakehouse_of(artifacts_with(tmp_path))
    assert "no_such_module_xyz is not installed" in str(caught.value)
    assert "pip install 'floe-orchestrator-dagster[iceberg]'" in str(caught.value)


@pytest.mark.parametrize(
    ("output", "what"),
    [
        ({"type": "snowflake", "account": "x"}, "dbt type 'snowflake'"),
        ({"type": "duckdb", "path": ":memory:"}, "DuckDB path ':memory:'"),
    ],
)
def test_a_compute_target_that_is_not_a_duckdb_file_is_refused(tmp_path: Path, output, what):
    with pytest.raises(LakehouseError) as caught:
        duckdb_source("warehouse", output, tmp_path)
    assert str(caught.value).startswith(f"Compute target 'warehouse' runs dbt on {what}, but the")
    assert "remove plugins.catalog and plugins.storage from manifest.yaml" in str(caught.value)


def test_a_duckdb_source_resolves_relative_paths_and_attachments(tmp_path: Path):
    output = {
        "type": "duckdb",
        "path": "target/analytics.duckdb",
        "attach": [{"path": "target/shop.duckdb", "alias": "shop", "read_only": True}],
    }
    source = duckdb_source("analytics", output, tmp_path)
    assert source.path == tmp_path / "target" / "analytics.duckdb"
    assert source.attach == ((tmp_path / "target" / "shop.duckdb", "shop"),)


def test_importing_the_lakehouse_imports_no_iceberg_client():
    code = (
        "import sys; import floe_orchestrator_dagster._lakehouse; "
        "heavy = [m for m in ('pyiceberg', 'floe_iceberg', 'duckdb', 'pyarrow', 'dagster') "
        "if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
