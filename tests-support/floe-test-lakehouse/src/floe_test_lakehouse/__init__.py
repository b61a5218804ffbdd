"""Test-only floe plugins for an offline lakehouse (never published).

- ``SqlCatalogPlugin`` (entry point ``floe.catalogs: sql-test``): ``connect()`` returns pyiceberg's
  SQL catalog on SQLite;
- ``LocalStoragePlugin`` (entry point ``floe.storage: local-test``): a local warehouse folder.

Both are found through floe-core's real registry, as installed plugins are, so the Iceberg export
is tested the way a platform with Polaris and S3 runs it.
"""

from __future__ import annotations

__all__ = [
    "LocalStorageConfig",
    "LocalStoragePlugin",
    "SqlCatalogConfig",
    "SqlCatalogPlugin",
]

from floe_test_lakehouse._catalog import SqlCatalogConfig, SqlCatalogPlugin
from floe_test_lakehouse._storage import LocalStorageConfig, LocalStoragePlugin
