"""US4: Helm values and resource presets through the plugin (FR-010-FR-012)."""

from __future__ import annotations

import pytest
from floe_core.plugins.orchestrator import ResourceSpec
from pydantic import ValidationError

from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._deploy import helm_values, resource_requirements, values_overrides
from floe_orchestrator_dagster._deploy_settings import DeploySettings

COMPONENTS = ("dagster-webserver", "dagster-daemon", "dagster-user-code")


def configured(deploy: dict) -> DagsterOrchestratorPlugin:
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"deploy": deploy}))
    return plugin


# -- the spec's scenarios --------------------------------------------------------------------------


def test_us4_1_helm_values_have_the_three_components(spans):
    values = DagsterOrchestratorPlugin().get_helm_values()
    assert set(COMPONENTS) <= set(values)
    for key in COMPONENTS:
        component = values[key]
        assert component["enabled"] is True
        assert component["replicaCount"] == 1
        assert set(component["resources"]) == {"requests", "limits"}
        assert component["image"]["repository"]
    assert values["postgresql"]["enabled"] is True
    assert spans.named("floe.orchestrator.dagster.get_helm_values")


def test_us4_2_medium_resource_requirements(spans):
    spec = DagsterOrchestratorPlugin().get_resource_requirements("medium")
    assert spec == ResourceSpec(
        cpu_request="500m", cpu_limit="2000m", memory_request="1Gi", memory_limit="4Gi"
    )
    span = spans.named("floe.orchestrator.dagster.get_resource_requirements")
    assert span.attributes["workload_size"] == "medium"


def test_us4_3_unknown_size_lists_valid_options(spans):
    with pytest.raises(ValueError, match="Valid options: small, medium, large") as info:
        DagsterOrchestratorPlugin().get_resource_requirements("extra-large")
    assert "'extra-large'" in str(info.value)
    span = spans.named("floe.orchestrator.dagster.get_resource_requirements")
    assert span.status.status_code.name == "ERROR"


@pytest.mark.parametrize(
    ("size", "cpu", "memory"),
    [("small", ("250m", "1000m"), ("512Mi", "2Gi")), ("large", ("1000m", "4000m"), ("2Gi", "8Gi"))],
)
def test_other_sizes(size, cpu, memory):
    spec = resource_requirements(size)
    assert (spec.cpu_request, spec.cpu_limit) == cpu
    assert (spec.memory_request, spec.memory_limit) == memory


# -- plugin config reaches the values -------------------------------------------------------------


def test_workload_size_from_config():
    values = configured({"workload_size": "small"}).get_helm_values()
    assert values["dagster-user-code"]["resources"]["limits"] == {"cpu": "1000m", "memory": "2Gi"}
    assert values["dagster-webserver"]["resources"]["requests"]["cpu"] == "100m"


def test_replicas_images_version_and_code_location():
    values = configured(
        {
            "replicas": {"webserver": 2, "user_code": 0},
            "images": {
                "user_code": "ghcr.io/acme/orders:1.4.2",
                "webserver": "registry.local:5000/dagster/dagster-k8s",
                "pull_policy": "Always",
            },
            "dagster_version": "1.12.3",
            "code_location": {
                "name": "orders",
                "python_file": "/app/definitions.py",
                "working_directory": "/app",
            },
        }
    ).get_helm_values()
    assert values["dagster-webserver"]["replicaCount"] == 2
    assert values["dagster-user-code"]["replicaCount"] == 0
    assert values["dagster-daemon"]["replicaCount"] == 1
    assert values["dagster-user-code"]["image"] == {
        "repository": "ghcr.io/acme/orders",
        "tag": "1.4.2",
        "pullPolicy": "Always",
    }
    assert values["dagster-webserver"]["image"] == {
        "repository": "registry.local:5000/dagster/dagster-k8s",
        "tag": "",
        "pullPolicy": "Always",
    }
    assert values["dagster-daemon"]["image"]["pullPolicy"] == "Always"
    assert values["dagsterVersion"] == "1.12.3"
    assert values["dagster-user-code"]["name"] == "orders"
    assert values["dagster-user-code"]["codeLocation"] == {
        "type": "pythonFile",
        "target": "/app/definitions.py",
        "workingDirectory": "/app",
    }


def test_module_code_location_and_default_run_launcher():
    values = helm_values(
        DeploySettings.model_validate(
            {"code_location": {"module": "orders.defs"}, "run_launcher": "default"}
        )
    )
    assert values["dagster-user-code"]["codeLocation"] == {
        "type": "module",
        "target": "orders.defs",
    }
    assert values["runLauncher"]["type"] == "DefaultRunLauncher"


def test_external_database_takes_the_password_from_a_secret():
    values = configured(
        {
            "database": {
                "host": "pg.internal",
                "password_secret": "dagster-pg",
                "params": {"sslmode": "require"},
            }
        }
    ).get_helm_values()
    assert values["postgresql"]["enabled"] is False
    assert values["postgresql"]["host"] == "pg.internal"
    assert values["postgresql"]["port"] == 5432
    assert values["postgresql"]["passwordSecret"] == {
        "name": "dagster-pg",
        "key": "postgresql-password",
    }
    assert values["postgresql"]["params"] == {"sslmode": "require"}
    assert "password" not in values["postgresql"]


def test_a_password_in_config_is_refused_with_the_fix():
    with pytest.raises(ValidationError) as info:
        DeploySettings.model_validate(
            {"database": {"host": "pg", "password_secret": "s", "password": "hunter2"}}
        )
    message = str(info.value)
    assert "`deploy.database.password` is not accepted" in message
    assert "deploy.database.password_secret" in message
    assert "hunter2" not in message.split("input_value")[0]


def test_code_location_needs_exactly_one_target():
    for location in ({}, {"module": "a", "python_file": "b.py"}):
        with pytest.raises(ValidationError, match="exactly one of module or python_file"):
            DeploySettings.model_validate({"code_location": location})


@pytest.mark.parametrize(
    ("deploy", "field"),
    [
        ({"workload_size": "extra-large"}, "workload_size"),
        ({"replicas": {"webserver": -1}}, "replicas.webserver"),
        ({"images": {"user_code": "has space:1"}}, "images.user_code"),
        ({"dagster_version": "latest"}, "dagster_version"),
        ({"workers": 3}, "workers"),
    ],
)
def test_bad_deploy_settings_name_the_field(deploy, field):
    with pytest.raises(ValidationError) as info:
        DagsterPluginConfig.model_validate({"deploy": deploy})
    assert f"deploy.{field}" in str(info.value)


def test_overrides_only_touch_what_is_set():
    overrides = values_overrides(DeploySettings())
    assert "postgresql" not in overrides
    assert "dagsterVersion" not in overrides
    assert "dagster-daemon" not in overrides
    assert overrides["runLauncher"] == {"type": "K8sRunLauncher"}


@pytest.mark.parametrize("key", ["password", "sslpassword", "api_token", "Client-Secret"])
def test_password_like_database_params_are_refused_naming_the_key(key):
    database = {"host": "pg", "password_secret": "dagster-pg", "params": {key: "hunter2"}}
    with pytest.raises(ValidationError) as info:
        DagsterPluginConfig.model_validate({"deploy": {"database": database}})
    message = str(info.value)
    assert f"`deploy.database.params.{key}` looks like a password" in message
    assert "stored in plain text in a ConfigMap" in message
    assert "put the password in the Kubernetes Secret named by deploy.database.password_secret" in (
        message
    )
    assert "hunter2" not in message  # not even in pydantic's input_value


def test_ordinary_database_params_pass():
    params = {"sslmode": "verify-full", "sslrootcert": "/etc/ca/ca.crt", "connect_timeout": "5"}
    settings = DeploySettings.model_validate(
        {"database": {"host": "pg", "password_secret": "dagster-pg", "params": params}}
    )
    assert helm_values(settings)["postgresql"]["params"] == params


@pytest.mark.parametrize(
    ("database", "field"),
    [
        ({"password_secret": "Dagster_PG"}, "deploy.database.password_secret"),
        ({"password_secret": "pg\n"}, "deploy.database.password_secret"),
        ({"password_secret": "pg", "password_secret_key": "pass word"}, "password_secret_key"),
    ],
)
def test_secret_name_and_key_follow_kubernetes(database, field):
    with pytest.raises(ValidationError) as info:
        DagsterPluginConfig.model_validate({"deploy": {"database": {"host": "pg", **database}}})
    assert field in str(info.value)
    assert "String should match pattern" in str(info.value)


def test_the_settings_use_the_kubernetes_patterns_of_the_values_model():
    from floe_dagster_deploy import _kubernetes
    from floe_orchestrator_dagster import _deploy_settings

    assert _deploy_settings._DNS_SUBDOMAIN == _kubernetes.DNS_SUBDOMAIN
    assert _deploy_settings._SECRET_KEY == _kubernetes.SECRET_KEY
