"""Names: the product's namespace, each table, and their OpenLineage identifiers.

OpenLineage names an Iceberg table by its location (the storage's naming: ``s3://{bucket}`` and
the object key, ``file`` and the path), with the catalog's name in a ``symlinks`` facet (AWS Glue:
``arn:aws:glue:{region}:{account}`` and ``table/{database}/{table}``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._lakehouse import (
    IcebergNaming,
    iceberg_dataset,
    iceberg_namespace,
    iceberg_symlink,
)
from floe_orchestrator_dagster._lakehouse._naming import location_dataset
from lakehouse_parts import local_lakehouse


@pytest.mark.parametrize(
    ("product", "namespace"),
    [
        ("jaffle-shop", "jaffle_shop"),
        ("shop-analytics", "shop_analytics"),
        ("Sales.EU 2026", "sales_eu_2026"),
        ("already_fine", "already_fine"),
    ],
)
def test_the_namespace_is_the_product_name_as_an_identifier(product, namespace):
    assert iceberg_namespace(product) == namespace


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("s3://lake/shop/orders", ("s3://lake", "shop/orders")),
        ("s3a://lake/shop/orders", ("s3://lake", "shop/orders")),
        ("gs://lake/shop/orders", ("gs://lake", "shop/orders")),
        (
            "abfss://c@acct.dfs.core.windows.net/shop/orders",
            ("abfss://c@acct.dfs.core.windows.net", "shop/orders"),
        ),
        ("hdfs://nn:8020/lake/shop/orders", ("hdfs://nn:8020", "/lake/shop/orders")),
        ("file:///data/lake/shop/orders", ("file", "/data/lake/shop/orders")),
        ("/data/lake/shop/orders", ("file", "/data/lake/shop/orders")),
    ],
)
def test_a_location_is_named_as_openlineage_names_its_storage(location, expected):
    assert location_dataset(location) == expected


def test_without_a_lakehouse_there_is_no_iceberg_name():
    artifacts = read_artifacts(compiled_artifacts({"name": "orders"}))
    assert iceberg_dataset(artifacts, "orders") is None
    assert iceberg_symlink(artifacts, "orders") is None
    assert not IcebergNaming(artifacts).enabled


def test_local_tables_are_files_and_their_symlink_is_the_warehouse(tmp_path: Path):
    artifacts = read_artifacts(
        compiled_artifacts(
            {"name": "orders"}, product="shop-analytics", **local_lakehouse(tmp_path)
        )
    )
    lake = tmp_path / "lake"
    assert iceberg_dataset(artifacts, "orders") == ("file", f"{lake}/shop_analytics/orders")
    assert iceberg_symlink(artifacts, "orders") == (lake.as_uri(), "shop_analytics.orders")
    assert IcebergNaming(artifacts).table("orders") == "shop_analytics.orders"


def test_s3_tables_are_bucket_and_key(tmp_path: Path):
    from floe_storage_minio.config import MinIOStorageConfig
    from floe_storage_minio.plugin import MinIOStoragePlugin

    config = {"endpoint": "http://minio:9000", "bucket": "floe-lake"}
    binding = MinIOStoragePlugin(MinIOStorageConfig(**config)).get_deployment_binding()
    local = local_lakehouse(tmp_path)
    artifacts = read_artifacts(
        compiled_artifacts(
            {"name": "orders"},
            product="jaffle-shop",
            plugins={
                "catalog": local["plugins"]["catalog"],
                "storage": {"type": "minio", "version": "0.1.0", "config": config},
            },
            deployment={
                "storage": binding.model_dump(mode="json"),
                "catalog": local["deployment"]["catalog"],
            },
        )
    )
    naming = IcebergNaming(artifacts)
    assert naming.dataset("orders") == ("s3://floe-lake", "jaffle_shop/orders")
    assert naming.symlink("orders") == ("s3://floe-lake", "jaffle_shop.orders")


def test_catalog_symlinks_name_glue_by_arn_and_rest_catalogs_by_uri(tmp_path: Path):
    from floe_core.schemas.compiled_artifacts import (
        GlueCatalogDeploymentBinding,
        RuntimeCatalogConnection,
    )

    artifacts = read_artifacts(
        compiled_artifacts({"name": "orders"}, product="jaffle-shop", **local_lakehouse(tmp_path))
    )
    lakehouse = IcebergNaming(artifacts).lakehouse
    glue = GlueCatalogDeploymentBinding(
        region="eu-west-1", warehouse="s3://lake", catalog_id="123456789012"
    )
    assert IcebergNaming(artifacts, replace(lakehouse, glue=glue)).symlink("orders") == (
        "arn:aws:glue:eu-west-1:123456789012",
        "table/jaffle_shop/orders",
    )
    rest = RuntimeCatalogConnection(catalog_uri="http://polaris:8181/api/catalog", warehouse="w")
    assert IcebergNaming(artifacts, replace(lakehouse, connection=rest)).symlink("orders") == (
        "http://polaris:8181/api/catalog",
        "jaffle_shop.orders",
    )
