"""The properties the catalog plugin connects with (``CatalogPlugin.connect(config)``).

From lowest to highest precedence:

1. the storage plugin's ``get_pyiceberg_catalog_config()`` (the storage owns its keys: endpoint,
   region, path-style access);
2. floe-core's runtime catalog binding, compiled into ``deployment``, translated by floe-iceberg's
   ``runtime_catalog_connection_to_pyiceberg_config`` (catalog URI, warehouse, storage endpoint);
3. the credentials the binding names by environment variable (``env_refs``, and
   ``credential_refs`` whose source is ``environment``), read from the run's environment. A
   named variable that is not set fails the export, naming the variable; values are never logged
   and are removed from any error message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from floe_orchestrator_dagster._errors import IcebergExportError

#: floe's logical credential keys, as pyiceberg's catalog properties
_PROPERTIES = {
    "accessKeyId": "s3.access-key-id",
    "secretAccessKey": "s3.secret-access-key",
    "sessionToken": "s3.session-token",
    "oauth2_server_uri": "oauth2-server-uri",
    "oauth2_scope": "scope",
}
_OAUTH2_PARTS = ("oauth2_client_id", "oauth2_client_secret")


def connection_config(
    lakehouse: Any, environ: Mapping[str, str] | None = None
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The catalog connection properties, and the credential values among them (to redact).

    Raises:
        IcebergExportError: A credential's environment variable is not set.
    """
    environ = os.environ if environ is None else environ
    config = {str(k): str(v) for k, v in lakehouse.storage.get_pyiceberg_catalog_config().items()}
    connection = lakehouse.connection
    if connection is None:
        return config, _secrets(config)
    from floe_iceberg.runtime_catalog import runtime_catalog_connection_to_pyiceberg_config

    runtime = runtime_catalog_connection_to_pyiceberg_config(connection)
    config.update({str(k): str(v) for k, v in runtime.items()})
    references = dict(connection.env_refs)
    for key, ref in connection.credential_refs.items():
        if ref.source == "environment":
            references[key] = ref.name
    values = _read(references, environ, lakehouse.catalog_type)
    secrets = set(values.values()) | set(_secrets(config))
    client = [values.pop(part, None) for part in _OAUTH2_PARTS]
    if all(client):
        config["credential"] = f"{client[0]}:{client[1]}"
    for key, value in values.items():
        config[_PROPERTIES.get(key, key)] = value
    return config, tuple(sorted(s for s in secrets if s))


def _read(
    references: Mapping[str, str], environ: Mapping[str, str], catalog: str
) -> dict[str, str]:
    missing = sorted(
        f"{env} (for {key})" for key, env in references.items() if not environ.get(env)
    )
    if missing:
        raise IcebergExportError(
            f"The runtime catalog binding in compiled_artifacts.json (deployment) reads the "
            f"credentials of the {catalog} catalog and its storage from environment variables "
            f"that are not set in this run: {', '.join(missing)}. Set them in the run's "
            "environment (in Kubernetes, from the Secret the binding names); the export never "
            "takes credentials from the artifacts."
        )
    return {key: environ[env] for key, env in references.items()}


def _secrets(config: Mapping[str, str]) -> tuple[str, ...]:
    parts = ("secret", "key-id", "token", "credential", "password")
    return tuple(v for k, v in config.items() if v and any(p in k.lower() for p in parts))


def redacted(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret value replaced by ``***``.

    Examples:
        >>> redacted("denied for key AKIA1 with s3cr3t", ("AKIA1", "s3cr3t"))
        'denied for key *** with ***'
    """
    for secret in secrets:
        if len(secret) >= 4:  # very short values would mangle ordinary words
            text = text.replace(secret, "***")
    return text
