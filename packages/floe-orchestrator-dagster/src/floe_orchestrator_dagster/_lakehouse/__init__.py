"""The lakehouse: every model a dbt step builds is written to an Iceberg table.

When the compiled artifacts configure a catalog and a storage plugin (``plugins.catalog`` and
``plugins.storage``; floe calls this ``iceberg_enabled``), ``lakehouse_exporters`` gives
floe-dagster-core one ``ModelExporter`` (``IcebergExporter``). Core calls it for each model a
dbt step built, after dbt has exited; a failed export fails that model's asset only. The modules:

- ``_plugins``: the catalog and storage plugins, from floe-core's registry (when Definitions load);
- ``_connection``: the properties the catalog connects with (runtime binding, credentials by
  environment variable);
- ``_source``: reading the model from its DuckDB file;
- ``_schema``: compatible schema evolution;
- ``_snapshots``: snapshot retention from ``governance``;
- ``_exporter``: the write itself, through floe-iceberg's ``IcebergTableManager``;
- ``_naming``: namespace, table, location and the OpenLineage names.

Nothing here imports pyiceberg, floe-iceberg or DuckDB until a model is exported (those come with
the ``iceberg`` extra: ``pip install 'floe-orchestrator-dagster[iceberg]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from floe_orchestrator_dagster._lakehouse._naming import (
    IcebergDataset,
    catalog_dataset,
    iceberg_namespace,
    location_dataset,
    table_identifier,
    table_location,
)

if TYPE_CHECKING:
    from floe_orchestrator_dagster._artifacts import ProductArtifacts
    from floe_orchestrator_dagster._lakehouse._plugins import Lakehouse

__all__ = [
    "IcebergDataset",
    "IcebergNaming",
    "iceberg_dataset",
    "iceberg_namespace",
    "iceberg_symlink",
    "lakehouse_exporters",
]


def lakehouse_exporters(artifacts: ProductArtifacts, project: Any) -> list[Any]:
    """The exporters of a product: one ``IcebergExporter``, or none without a lakehouse.

    Args:
        artifacts: The product's artifacts, read by ``_artifacts.read_artifacts``.
        project: core's ``DbtProject`` (None when no dbt project is found: nothing runs dbt).

    Raises:
        LakehouseError: The ``iceberg`` extra is missing, a plugin is not installed or its
            configuration is invalid, or a compute target is not a DuckDB file.

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> from floe_orchestrator_dagster._artifacts import read_artifacts
        >>> lakehouse_exporters(read_artifacts(compiled_artifacts({"name": "a"})), None)
        []
    """
    from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of

    lakehouse = lakehouse_of(artifacts)
    if lakehouse is None or project is None:
        return []
    from floe_dagster_core import models_by_compute
    from floe_orchestrator_dagster._lakehouse._exporter import IcebergExporter
    from floe_orchestrator_dagster._lakehouse._source import duckdb_source

    sources = {
        compute: duckdb_source(compute, project.output_of(compute), project.project_dir)
        for compute in models_by_compute(artifacts.view)
    }
    return [IcebergExporter(lakehouse, sources)]


class IcebergNaming:
    """The OpenLineage names of a product's Iceberg tables (see ``_naming``).

    Resolves the catalog and storage plugins once; build it once per product and ask per model.

    Args:
        artifacts: The product's artifacts, read by ``_artifacts.read_artifacts``.
        lakehouse: The resolved lakehouse, when the caller has it already.

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> from floe_orchestrator_dagster._artifacts import read_artifacts
        >>> IcebergNaming(read_artifacts(compiled_artifacts({"name": "a"}))).dataset("a") is None
        True
    """

    def __init__(self, artifacts: ProductArtifacts, lakehouse: Lakehouse | None = None) -> None:
        from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of

        self.lakehouse = lakehouse if lakehouse is not None else lakehouse_of(artifacts)
        self._namespace_uri: str | None = None

    @property
    def enabled(self) -> bool:
        """Whether the product exports to Iceberg."""
        return self.lakehouse is not None

    def dataset(self, model: str) -> IcebergDataset | None:
        """The table's OpenLineage identifier: its location, named as its storage is.

        E.g. ``IcebergDataset("s3://lake", "jaffle_shop/fct_orders")``; None without a lakehouse.
        """
        if self.lakehouse is None:
            return None
        if self._namespace_uri is None:
            self._namespace_uri = self.lakehouse.namespace_uri()
        return location_dataset(table_location(self._namespace_uri, model))

    def symlink(self, model: str) -> IcebergDataset | None:
        """The catalog's name of the table, for OpenLineage's ``symlinks`` facet (type TABLE).

        E.g. ``IcebergDataset("http://polaris:8181/api/catalog", "jaffle_shop.fct_orders")``.
        """
        lake = self.lakehouse
        if lake is None:
            return None
        connection = lake.connection
        glue = lake.glue
        return catalog_dataset(
            lake.namespace,
            model,
            glue_region=glue.region if glue else None,
            glue_account=glue.catalog_id if glue else None,
            catalog_uri=connection.catalog_uri if connection else None,
            warehouse=(connection.warehouse if connection else None) or self._warehouse(),
        )

    def table(self, model: str) -> str | None:
        """The table identifier, ``<namespace>.<model>``; None without a lakehouse."""
        return table_identifier(self.lakehouse.namespace, model) if self.lakehouse else None

    def _warehouse(self) -> str:
        assert self.lakehouse is not None
        return self.lakehouse.namespace_uri().rstrip("/").rsplit("/", 1)[0]


def iceberg_dataset(artifacts: ProductArtifacts, model: str) -> IcebergDataset | None:
    """The OpenLineage ``(namespace, name)`` of ``model``'s Iceberg table; None without one.

    The table's location, named as OpenLineage names its storage (``IcebergNaming.dataset``).

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> from floe_orchestrator_dagster._artifacts import read_artifacts
        >>> iceberg_dataset(read_artifacts(compiled_artifacts({"name": "a"})), "a") is None
        True
    """
    return IcebergNaming(artifacts).dataset(model)


def iceberg_symlink(artifacts: ProductArtifacts, model: str) -> IcebergDataset | None:
    """The catalog's ``(namespace, name)`` of ``model``'s table (``IcebergNaming.symlink``).

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> from floe_orchestrator_dagster._artifacts import read_artifacts
        >>> iceberg_symlink(read_artifacts(compiled_artifacts({"name": "a"})), "a") is None
        True
    """
    return IcebergNaming(artifacts).symlink(model)
