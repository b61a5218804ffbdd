"""The lakehouse on S3: floe's real MinIO storage plugin against moto's S3 server (issue 13).

moto's standalone server (``ThreadedMotoServer``) runs on 127.0.0.1 with the bucket
``floe-lake``; ``plugins.storage`` is ``minio`` (floe-storage-minio) pointed at it with path-style
access, the catalog pyiceberg's SQL catalog (``sql-test``). floe's compiler writes the MinIO
deployment binding, whose runtime projection names the credentials by environment variable
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``): the export reads them from the run's
environment, never from the artifacts. Read-back is pyiceberg's, through the same S3 server
(DuckDB's Iceberg reader needs its httpfs extension for S3, which is not available offline; it
reads the local warehouse in test_lakehouse_flow.py).
"""

from __future__ import annotations

import json
import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from floe_dagster_core import AssetRunInfo
from floe_orchestrator_dagster import IcebergExportError
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._demo import compile_product
from floe_orchestrator_dagster._lakehouse import IcebergNaming, lakehouse_exporters
from floe_orchestrator_dagster._lakehouse._exporter import IcebergExporter
from lakehouse_parts import moto_s3, read_catalog

pytestmark = pytest.mark.slow

SHOP = Path(__file__).resolve().parents[1] / "packages" / "floe-dagster-core" / "tests" / "data"
SHOP = SHOP / "shop"
BUCKET = "floe-lake"
MODELS = {"stg_customers", "stg_orders", "fct_orders", "dim_calendar"}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAMOTOEXAMPLE", "AWS_SECRET_ACCESS_KEY": "moto-secret-value"}


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with moto_s3(BUCKET) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def product(s3: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lakehouse-s3") / "shop"
    shutil.copytree(SHOP, folder, ignore=shutil.ignore_patterns("target", "*.duckdb", "logs"))
    (folder / "compiled_artifacts.json").unlink()
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        manifest.read_text()
        + "  catalog:\n    type: sql-test\n    config:\n"
        + f"      uri: sqlite:///{folder / 'catalog.db'}\n"
        + "  storage:\n    type: minio\n    config:\n"
        + f"      endpoint: {s3}\n      bucket: {BUCKET}\n      path_style_access: true\n"
    )
    compile_product(folder)
    return folder


@pytest.fixture(scope="module")
def run(product: Path) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        defs = runpy.run_path(str(product / "definitions.py"))["defs"]
        with dg.DagsterInstance.ephemeral() as instance:
            return defs.resolve_job_def("shop_analytics_job").execute_in_process(
                instance=instance, raise_on_error=False
            )


def s3_catalog(product: Path, endpoint: str) -> Any:
    return read_catalog(
        f"sqlite:///{product / 'catalog.db'}",
        **{
            "s3.endpoint": endpoint,
            "s3.region": "us-east-1",
            "s3.access-key-id": "testing",
            "s3.secret-access-key": "testing",
        },
    )


def duckdb_counts(product: Path) -> dict[str, int]:
    with duckdb.connect(str(product / "warehouse.duckdb"), read_only=True) as db:
        return {m: db.sql(f'select count(*) from main."{m}"').fetchone()[0] for m in MODELS}


def test_the_artifacts_name_credentials_by_environment_variable_only(product: Path):
    text = (product / "compiled_artifacts.json").read_text()
    runtime = json.loads(text)["deployment"]["storage"]["runtime"]
    assert runtime["env_refs"] == {
        "accessKeyId": "AWS_ACCESS_KEY_ID",
        "secretAccessKey": "AWS_SECRET_ACCESS_KEY",
    }
    assert all(value not in text for value in CREDENTIALS.values())


def test_every_model_lands_in_the_bucket(run, product: Path, s3: str):
    assert run.success
    catalog = s3_catalog(product, s3)
    counts = {}
    for model in MODELS:
        table = catalog.load_table(f"shop_analytics.{model}")
        assert table.location() == f"s3://{BUCKET}/shop_analytics/{model}"
        counts[model] = table.scan().to_arrow().num_rows
    assert counts == duckdb_counts(product)


def test_lineage_names_the_tables_by_bucket_and_key(run, product: Path):
    naming = IcebergNaming(read_artifacts(product))
    assert naming.dataset("fct_orders") == (f"s3://{BUCKET}", "shop_analytics/fct_orders")
    assert naming.symlink("fct_orders") == (f"s3://{BUCKET}", "shop_analytics.fct_orders")


def test_without_the_named_variables_the_export_fails_naming_them(
    run, product: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in (*CREDENTIALS, "MINIO_ACCESS_KEY_ID", "MINIO_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    from floe_orchestrator_dagster._definitions import dbt_project, effective_config

    artifacts = read_artifacts(product)
    (exporter,) = lakehouse_exporters(
        artifacts, dbt_project(effective_config(None, artifacts), artifacts)
    )
    assert isinstance(exporter, IcebergExporter)
    info = AssetRunInfo(
        asset_key="fct_orders",
        model="fct_orders",
        upstream=(),
        run_id="another-run",
        job_name="shop_analytics_job",
        compute="duckdb",
        relation={"database": "warehouse", "schema": "main", "alias": "fct_orders"},
    )
    with pytest.raises(IcebergExportError) as caught:
        exporter.export(info)
    assert (
        "that are not set in this run: AWS_ACCESS_KEY_ID (for accessKeyId), "
        "AWS_SECRET_ACCESS_KEY (for secretAccessKey)."
    ) in str(caught.value)


def test_files_lost_from_the_bucket_fail_with_the_storage_s_message(
    run, product: Path, s3: str, monkeypatch: pytest.MonkeyPatch
):
    import boto3

    from floe_orchestrator_dagster._definitions import dbt_project, effective_config

    client = boto3.client(
        "s3",
        endpoint_url=s3,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    prefix = "shop_analytics/stg_orders/"
    objects = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]
    client.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": o["Key"]} for o in objects]})
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    artifacts = read_artifacts(product)
    project = dbt_project(effective_config(None, artifacts), artifacts)
    (exporter,) = lakehouse_exporters(artifacts, project)
    info = AssetRunInfo(
        asset_key="stg_orders",
        model="stg_orders",
        upstream=(),
        run_id="run-after-the-loss",
        job_name="shop_analytics_job",
        compute="duckdb",
        relation={"database": "warehouse", "schema": "main", "alias": "stg_orders"},
    )
    with pytest.raises(IcebergExportError) as caught:
        exporter.export(info)
    message = str(caught.value)
    assert message.startswith(
        "Writing Iceberg table shop_analytics.stg_orders failed while committing the data: "
    )
    # floe-iceberg's diagnosis, with the storage's own words
    assert "Path does not exist 'floe-lake/shop_analytics/stg_orders/metadata/" in message
    assert "(StaleTableMetadataError)" in message
    assert all(value not in message for value in CREDENTIALS.values())
