"""``local-test``: a floe storage plugin serving a local warehouse folder, for offline tests.

Tables live under ``file://<warehouse>/<namespace>/``. The deployment binding floe's compiler asks
for says so (protocol ``file``, no credentials), so ``floe platform compile`` composes it with a
catalog plugin as it does a real object store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from floe_core.plugin_metadata import HealthState, HealthStatus
from floe_core.plugins.storage import StoragePlugin
from floe_core.schemas.compiled_artifacts import (
    DagsterStorageBinding,
    DbtStorageBinding,
    StorageCapabilities,
    StorageCredentialBinding,
    StorageDeploymentBinding,
    StorageServiceEndpoint,
    StorageWarehouse,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME = "local-test"


class LocalStorageConfig(BaseModel):
    """``plugins.storage.config`` of the ``local-test`` storage: an absolute folder."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    warehouse: str = Field(..., min_length=1, description="Absolute path of the warehouse folder")

    @field_validator("warehouse")
    @classmethod
    def _absolute(cls, value: str) -> str:
        path = Path(value.removeprefix("file://"))
        if not path.is_absolute():
            raise ValueError(f"warehouse must be an absolute folder path; got {value!r}")
        return str(path)


class LocalStoragePlugin(StoragePlugin):
    """A local warehouse folder as a floe storage plugin (test-only, never published)."""

    @property
    def name(self) -> str:
        """The registry key, ``local-test``."""
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
        return "A local warehouse folder, for offline lakehouse tests"

    def get_config_schema(self) -> type[BaseModel]:
        """The model that validates ``plugins.storage.config``."""
        return LocalStorageConfig

    @property
    def root(self) -> Path:
        """The warehouse folder (the plugin must have been configured)."""
        if not isinstance(self._config, LocalStorageConfig):
            raise RuntimeError(f"storage plugin {NAME!r} is not configured: set its warehouse")
        return Path(self._config.warehouse)

    @property
    def uri(self) -> str:
        """The warehouse as a ``file://`` URI."""
        return self.root.as_uri()

    def get_pyiceberg_fileio(self) -> Any:
        """pyiceberg's Arrow FileIO, which reads and writes local files."""
        from pyiceberg.io.pyarrow import PyArrowFileIO

        return PyArrowFileIO()

    def get_warehouse_uri(self, namespace: str) -> str:
        """``file://<warehouse>/<namespace>/``."""
        return f"{self.uri}/{namespace}/"

    def get_dbt_profile_config(self) -> dict[str, Any]:
        """Nothing: dbt on DuckDB needs no storage settings for local files."""
        return {}

    def get_dagster_io_manager_config(self) -> dict[str, Any]:
        """The folder, for an IO manager that stores files."""
        return {"base_dir": str(self.root)}

    def get_helm_values_override(self) -> dict[str, Any]:
        """Nothing to deploy."""
        return {}

    def get_deployment_binding(self) -> StorageDeploymentBinding:
        """The folder as floe's secret-free storage binding (protocol ``file``, no credentials)."""
        uri = self.uri
        return StorageDeploymentBinding(
            provider=NAME,
            protocol="file",
            endpoint=StorageServiceEndpoint(
                internal_url=uri, external_url=uri, region="local", warehouse_path=uri
            ),
            warehouse=StorageWarehouse(uri=uri, bucket=self.root.name or "warehouse"),
            allowed_locations=[uri],
            credentials=StorageCredentialBinding(mode="none"),
            capabilities=StorageCapabilities(protocols=["file"], credential_modes=["none"]),
            dbt=DbtStorageBinding(profile_name="floe", target_name="dev", schema_name="main"),
            dagster=DagsterStorageBinding(
                resource_key="local_storage", asset_io_manager_key="io_manager"
            ),
        )

    def health_check(self, timeout: float | None = None) -> HealthStatus:
        """Healthy when the folder exists."""
        if self.root.is_dir():
            return HealthStatus(state=HealthState.HEALTHY)
        return HealthStatus(state=HealthState.UNHEALTHY, message=f"{self.root} is not a folder")
