"""The properties the catalog connects with: storage plugin, runtime binding, credentials.

The deployment bindings are the real plugins' own (floe-storage-minio's ``get_deployment_binding``)
and floe-core's ``build_runtime_catalog_connection`` builds the runtime binding from them, as the
compiled artifacts carry it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import IcebergExportError
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._lakehouse._connection import connection_config, redacted
from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of
from lakehouse_parts import local_lakehouse

ENDPOINT = "http://127.0.0.1:9"


def minio_lakehouse(tmp_path: Path, deployment: bool = True):
    from floe_storage_minio.config import MinIOStorageConfig
    from floe_storage_minio.plugin import MinIOStoragePlugin

    local = local_lakehouse(tmp_path)
    config = {"endpoint": ENDPOINT, "bucket": "floe-lake"}
    binding = MinIOStoragePlugin(MinIOStorageConfig(**config)).get_deployment_binding()
    fields = {}
    if deployment:
        fields["deployment"] = {
            "storage": binding.model_dump(mode="json"),
            "catalog": local["deployment"]["catalog"],
        }
    artifacts = compiled_artifacts(
        {"name": "stg_a"},
        plugins={
            "catalog": local["plugins"]["catalog"],
            "storage": {"type": "minio", "version": "0.1.0", "config": config},
        },
        **fields,
    )
    lakehouse = lakehouse_of(read_artifacts(artifacts))
    assert lakehouse is not None
    return lakehouse


def test_the_runtime_binding_and_its_environment_credentials(tmp_path: Path):
    lakehouse = minio_lakehouse(tmp_path)
    environ = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t-value"}
    config, secrets = connection_config(lakehouse, environ)
    assert config == {
        "s3.endpoint": ENDPOINT,
        "s3.region": "us-east-1",
        "s3.path-style-access": "true",
        "warehouse": "s3://floe-lake",
        "s3.access-key-id": "AKIAEXAMPLE",
        "s3.secret-access-key": "s3cr3t-value",
    }
    assert set(secrets) == {"AKIAEXAMPLE", "s3cr3t-value"}


def test_a_credential_variable_that_is_not_set_is_named_not_guessed(tmp_path: Path):
    lakehouse = minio_lakehouse(tmp_path)
    with pytest.raises(IcebergExportError) as caught:
        connection_config(lakehouse, {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"})
    message = str(caught.value)
    assert "not set in this run: AWS_SECRET_ACCESS_KEY (for secretAccessKey)." in message
    assert "AKIAEXAMPLE" not in message
    assert "never takes credentials from the artifacts" in message


def test_without_a_deployment_the_storage_plugin_alone_configures_the_connection(
    tmp_path: Path,
):
    lakehouse = minio_lakehouse(tmp_path, deployment=False)
    assert lakehouse.connection is None
    config, _ = connection_config(lakehouse, {})
    # floe-storage-minio's own keys; its credentials come from its own environment fallbacks
    assert config["s3.endpoint"] == ENDPOINT
    assert config["s3.path-style-access"] == "true"
    assert "warehouse" not in config


def test_oauth2_client_credentials_become_pyiceberg_s_credential(tmp_path: Path):
    from floe_core.schemas.compiled_artifacts import RuntimeCatalogConnection

    lakehouse = minio_lakehouse(tmp_path)
    connection = RuntimeCatalogConnection(
        catalog_uri="http://polaris:8181/api/catalog",
        warehouse="floe",
        env_refs={
            "oauth2_client_id": "POLARIS_CLIENT_ID",
            "oauth2_client_secret": "POLARIS_CLIENT_SECRET",
            "oauth2_scope": "POLARIS_SCOPE",
        },
    )
    config, secrets = connection_config(
        replace(lakehouse, connection=connection),
        {"POLARIS_CLIENT_ID": "client", "POLARIS_CLIENT_SECRET": "pw-1234", "POLARIS_SCOPE": "all"},
    )
    assert config["uri"] == "http://polaris:8181/api/catalog"
    assert config["credential"] == "client:pw-1234"
    assert config["scope"] == "all"
    assert "pw-1234" in secrets


def test_local_storage_needs_no_credentials(tmp_path: Path):
    local = local_lakehouse(tmp_path)
    lakehouse = lakehouse_of(read_artifacts(compiled_artifacts({"name": "stg_a"}, **local)))
    config, secrets = connection_config(lakehouse, {})
    assert config["warehouse"] == (tmp_path / "lake").as_uri()
    assert secrets == ()


def test_secrets_are_removed_from_messages():
    assert redacted("key AKIAEXAMPLE refused", ("AKIAEXAMPLE",)) == "key *** refused"
    assert redacted("a short one: ab", ("ab",)) == "a short one: ab"
