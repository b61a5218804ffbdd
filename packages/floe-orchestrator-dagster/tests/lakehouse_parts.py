"""Real parts for the lakehouse tests: catalog, storage, S3 server and the two Iceberg readers.

Importable by name from this folder and tests-integration/ (``pythonpath`` in pyproject.toml):

- ``local_lakehouse(folder)``: the ``plugins`` and ``deployment`` entries of CompiledArtifacts for
  pyiceberg's SQL catalog (floe-test-lakehouse's ``sql-test``) on a local warehouse folder
  (``local-test``), as floe's compiler writes them;
- ``manifest_lakehouse(folder)``: the same as ``manifest.yaml`` lines (for ``floe platform
  compile``);
- ``moto_s3(bucket)``: moto's standalone S3 server on 127.0.0.1 with one bucket, and its URL;
- ``read_catalog(uri, **properties)``: pyiceberg's SQL catalog, for reading back;
- ``duckdb_iceberg()``: a DuckDB connection with the iceberg extension loaded offline from the
  ``duckdb-extension-avro`` and ``duckdb-extension-iceberg`` wheels (avro first).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def local_lakehouse(folder: Path, *, catalog_uri: str | None = None) -> dict[str, Any]:
    """``plugins`` entries and ``deployment`` of a product on the local test lakehouse."""
    from floe_test_lakehouse import LocalStorageConfig, LocalStoragePlugin, SqlCatalogPlugin

    warehouse = folder / "lake"
    warehouse.mkdir(parents=True, exist_ok=True)
    uri = catalog_uri or f"sqlite:///{folder / 'catalog.db'}"
    storage = LocalStoragePlugin()
    storage.configure(LocalStorageConfig(warehouse=str(warehouse)))
    binding = storage.get_deployment_binding()
    catalog_binding = SqlCatalogPlugin().build_catalog_deployment(binding)
    return {
        "plugins": {
            "catalog": {"type": "sql-test", "version": "0.1.0", "config": {"uri": uri}},
            "storage": {
                "type": "local-test",
                "version": "0.1.0",
                "config": {"warehouse": str(warehouse)},
            },
        },
        "deployment": {
            "storage": binding.model_dump(mode="json"),
            "catalog": catalog_binding.model_dump(mode="json"),
        },
    }


def manifest_lakehouse(folder: Path, *, catalog_uri: str | None = None) -> str:
    """``plugins:`` lines selecting the local test catalog and storage, for manifest.yaml."""
    uri = catalog_uri or f"sqlite:///{folder / 'catalog.db'}"
    return (
        "  catalog:\n    type: sql-test\n    config:\n"
        f"      uri: {uri}\n"
        "  storage:\n    type: local-test\n    config:\n"
        f"      warehouse: {folder / 'lake'}\n"
    )


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def moto_s3(bucket: str = "floe-lake") -> Iterator[str]:
    """moto's standalone S3 server on 127.0.0.1 with ``bucket``; yields its endpoint URL."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(Bucket=bucket)
        yield endpoint
    finally:
        server.stop()


def read_catalog(uri: str, **properties: str) -> Any:
    """pyiceberg's SQL catalog on ``uri`` (a reader independent of the export's connection).

    The SQL catalog keeps tables per catalog name: the reader uses the ``sql-test`` plugin's.
    """
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("floe_test", uri=uri, **properties)


def duckdb_iceberg() -> Any:
    """An in-memory DuckDB with the iceberg extension loaded from its wheel, offline."""
    import duckdb
    import duckdb_extension_avro
    import duckdb_extension_iceberg

    connection = duckdb.connect()
    connection.execute("SET autoinstall_known_extensions = false")
    connection.execute("SET autoload_known_extensions = false")
    for module, name in ((duckdb_extension_avro, "avro"), (duckdb_extension_iceberg, "iceberg")):
        (path,) = Path(module.__file__ or "").parent.glob(f"extensions/*/{name}.duckdb_extension")
        connection.execute(f"LOAD '{path}'")
    return connection
