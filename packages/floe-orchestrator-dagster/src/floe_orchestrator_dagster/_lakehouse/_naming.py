"""Where the export writes each model, and how OpenLineage names it.

- **Namespace.** The product's name, lowercased, with every character other than ``a-z``,
  ``0-9`` and ``_`` replaced by ``_``: product ``jaffle-shop`` writes namespace ``jaffle_shop``.
- **Table.** ``<namespace>.<model>``, e.g. ``jaffle_shop.fct_orders``.
- **Location.** ``<storage.get_warehouse_uri(namespace)><model>``: the storage plugin owns the
  layout (floe-storage-minio: ``s3://<bucket>/jaffle_shop/fct_orders``). The namespace is created
  with that location, and each table is created at its own, so the location is known before the
  catalog is asked: lineage can name the table the moment dbt finishes the model.
- **OpenLineage.** OpenLineage's naming conventions have no catalog-neutral entry for Iceberg;
  its own integrations (Spark, Flink) name an Iceberg table by its location, with the storage's
  naming (S3 ``s3://{bucket}`` + object key, GCS ``gs://{bucket}`` + key, local files ``file`` +
  absolute path), and give the catalog's name in a ``symlinks`` facet of type ``TABLE``: AWS Glue
  as ``arn:aws:glue:{region}:{account id}`` + ``table/{database}/{table}``, other catalogs as
  their URI (or the warehouse) + ``{namespace}.{table}``. ``IcebergNaming.dataset`` and
  ``IcebergNaming.symlink`` follow that.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

_NOT_IDENTIFIER = re.compile(r"[^a-z0-9_]")


class IcebergDataset(NamedTuple):
    """An OpenLineage dataset identifier (``namespace``, ``name``)."""

    namespace: str
    name: str


def iceberg_namespace(product_name: str) -> str:
    """The Iceberg namespace of a product (see the module docstring).

    Examples:
        >>> iceberg_namespace("jaffle-shop")
        'jaffle_shop'
        >>> iceberg_namespace("Shop.Analytics 2")
        'shop_analytics_2'
    """
    return _NOT_IDENTIFIER.sub("_", product_name.lower())


def table_identifier(namespace: str, model: str) -> str:
    """``<namespace>.<model>``.

    Examples:
        >>> table_identifier("jaffle_shop", "fct_orders")
        'jaffle_shop.fct_orders'
    """
    return f"{namespace}.{model}"


def table_location(namespace_uri: str, model: str) -> str:
    """The table's location under its namespace's location.

    Examples:
        >>> table_location("s3://lake/jaffle_shop/", "fct_orders")
        's3://lake/jaffle_shop/fct_orders'
    """
    return f"{namespace_uri.rstrip('/')}/{model}"


def location_dataset(location: str) -> IcebergDataset:
    """OpenLineage's identifier of a storage location (its naming for blob stores and files).

    Examples:
        >>> location_dataset("s3://lake/jaffle_shop/fct_orders")
        IcebergDataset(namespace='s3://lake', name='jaffle_shop/fct_orders')
        >>> location_dataset("s3a://lake/fct_orders").namespace
        's3://lake'
        >>> location_dataset("file:///data/lake/jaffle_shop/fct_orders")
        IcebergDataset(namespace='file', name='/data/lake/jaffle_shop/fct_orders')
        >>> location_dataset("hdfs://namenode:8020/lake/t")
        IcebergDataset(namespace='hdfs://namenode:8020', name='/lake/t')
    """
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme in ("", "file"):
        return IcebergDataset("file", parts.path if scheme else location)
    if scheme in ("s3a", "s3n"):
        scheme = "s3"
    if scheme in ("s3", "gs", "gcs", "wasbs", "abfss"):
        # blob stores: the object key, without a leading slash
        return IcebergDataset(f"{scheme}://{parts.netloc}", parts.path.lstrip("/"))
    return IcebergDataset(f"{scheme}://{parts.netloc}", parts.path)


def catalog_dataset(
    namespace: str,
    model: str,
    *,
    glue_region: str | None = None,
    glue_account: str | None = None,
    catalog_uri: str | None = None,
    warehouse: str | None = None,
) -> IcebergDataset:
    """The catalog's name of a table, as OpenLineage's ``symlinks`` facet gives it.

    Examples:
        >>> catalog_dataset("shop", "t", glue_region="eu-west-1", glue_account="123456789012")
        IcebergDataset(namespace='arn:aws:glue:eu-west-1:123456789012', name='table/shop/t')
        >>> catalog_dataset("shop", "t", catalog_uri="http://polaris:8181/api/catalog")
        IcebergDataset(namespace='http://polaris:8181/api/catalog', name='shop.t')
        >>> catalog_dataset("shop", "t", warehouse="s3://lake")
        IcebergDataset(namespace='s3://lake', name='shop.t')
    """
    if glue_region and glue_account:
        arn = f"arn:aws:glue:{glue_region}:{glue_account}"
        return IcebergDataset(arn, f"table/{namespace}/{model}")
    return IcebergDataset(catalog_uri or warehouse or "iceberg", table_identifier(namespace, model))
