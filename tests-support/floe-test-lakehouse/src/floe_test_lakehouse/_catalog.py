"""``sql-test``: a floe catalog plugin over pyiceberg's SQL catalog (SQLite), for offline tests.

``connect(config)`` returns pyiceberg's own ``SqlCatalog``: the plugin's ``uri`` (a SQLAlchemy
URL such as ``sqlite:////abs/catalog.db``) and ``warehouse``, under the connection properties the
caller passes (floe's runtime catalog binding: warehouse, S3 endpoint and credentials). The other
methods of floe's ``CatalogPlugin`` go through that connected catalog. A ``uri`` whose file cannot
be opened is an unreachable catalog: ``connect`` raises SQLAlchemy's own error.
"""

from __future__ import annotations

from typing import Any

from floe_core.composition.models import PluginRequirements, RequirementSet
from floe_core.plugin_metadata import HealthState, HealthStatus
from floe_core.plugins.catalog import CatalogPlugin
from floe_core.schemas.compiled_artifacts import CatalogDeploymentBinding, StorageDeploymentBinding
from pydantic import BaseModel, ConfigDict, Field

NAME = "sql-test"


class SqlCatalogConfig(BaseModel):
    """``plugins.catalog.config`` of the ``sql-test`` catalog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uri: str = Field(..., min_length=1, description="SQLAlchemy URL of the catalog database")
    warehouse: str | None = Field(default=None, description="Default warehouse location")
    catalog_name: str = Field(default="floe_test", min_length=1)


class SqlCatalogPlugin(CatalogPlugin):
    """pyiceberg's SQL catalog as a floe catalog plugin (test-only, never published)."""

    def __init__(self) -> None:
        super().__init__()
        self._catalog: Any = None

    @property
    def name(self) -> str:
        """The registry key, ``sql-test``."""
        return NAME

    @property
    def version(self) -> str:
        """The plugin version."""
        return "0.1.0"

    @property
    def floe_api_version(self) -> str:
        """The floe plugin API this plugin is written against."""
        return "1.0"

    @property
    def description(self) -> str:
        """One line for listings."""
        return "pyiceberg's SQL catalog on SQLite, for offline lakehouse tests"

    def get_config_schema(self) -> type[BaseModel]:
        """The model that validates ``plugins.catalog.config``."""
        return SqlCatalogConfig

    @property
    def settings(self) -> SqlCatalogConfig:
        """The validated configuration (the plugin must have been configured)."""
        if not isinstance(self._config, SqlCatalogConfig):
            raise RuntimeError(f"catalog plugin {NAME!r} is not configured: set its uri")
        return self._config

    def connect(self, config: dict[str, Any]) -> Any:
        """pyiceberg's ``SqlCatalog`` on the configured database, with ``config`` on top."""
        from pyiceberg.catalog.sql import SqlCatalog

        settings = self.settings
        properties: dict[str, Any] = {"uri": settings.uri}
        if settings.warehouse:
            properties["warehouse"] = settings.warehouse
        properties.update(config or {})
        self._catalog = SqlCatalog(settings.catalog_name, **properties)
        return self._catalog

    def _connected(self) -> Any:
        return self._catalog if self._catalog is not None else self.connect({})

    def create_namespace(self, namespace: str, properties: dict[str, str] | None = None) -> None:
        """Create ``namespace`` (pyiceberg raises ``NamespaceAlreadyExistsError`` if it exists)."""
        self._connected().create_namespace(namespace, properties or {})

    def vend_credentials(self, table_path: str, operations: list[str]) -> dict[str, Any]:
        """A local SQL catalog vends no credentials: storage access is the storage plugin's."""
        return {}

    def list_namespaces(self, parent: str | None = None) -> list[str]:
        """The namespaces, dotted."""
        found = self._connected().list_namespaces(parent or ())
        return [".".join(n) for n in found]

    def delete_namespace(self, namespace: str) -> None:
        """Drop an empty namespace."""
        self._connected().drop_namespace(namespace)

    def create_table(
        self,
        identifier: str,
        schema: dict[str, Any],
        location: str | None = None,
        properties: dict[str, str] | None = None,
    ) -> None:
        """Create a table from floe's schema dict (``fields`` with ``name``, ``type``...)."""
        from pyiceberg.schema import Schema
        from pyiceberg.types import IcebergType, NestedField

        fields = [
            NestedField(
                field_id=int(f.get("field_id") or f.get("id") or i),
                name=str(f["name"]),
                field_type=IcebergType.model_validate(f["type"]),
                required=bool(f.get("required", False)),
                doc=f.get("doc"),
            )
            for i, f in enumerate(schema.get("fields", []), start=1)
        ]
        self._connected().create_table(
            identifier, Schema(*fields), location=location, properties=properties or {}
        )

    def list_tables(self, namespace: str) -> list[str]:
        """The tables of ``namespace``, as ``namespace.table``."""
        return [".".join(t) for t in self._connected().list_tables(namespace)]

    def drop_table(self, identifier: str, purge: bool = False) -> None:
        """Drop a table (with its files when ``purge``)."""
        catalog = self._connected()
        (catalog.purge_table if purge else catalog.drop_table)(identifier)

    def get_storage_requirements(self) -> PluginRequirements:
        """What this catalog needs from the storage plugin: local files or S3, any credentials."""
        return PluginRequirements(
            plugin_type="catalog",
            plugin_name=NAME,
            requirements=RequirementSet(
                protocols=["file", "s3-compatible"],
                credential_modes=["none", "environment", "kubernetes-secret"],
                table_formats=["iceberg"],
            ),
        )

    def build_catalog_deployment(
        self, storage: StorageDeploymentBinding
    ) -> CatalogDeploymentBinding:
        """No catalog service to deploy: the binding only names the provider."""
        return CatalogDeploymentBinding(provider=NAME)

    def health_check(self, timeout: float | None = None) -> HealthStatus:
        """Healthy when the catalog database opens and lists its namespaces."""
        try:
            self.connect({}).list_namespaces()
        except Exception as error:  # noqa: BLE001 - any failure is the health answer
            return HealthStatus(state=HealthState.UNHEALTHY, message=str(error))
        return HealthStatus(state=HealthState.HEALTHY)
