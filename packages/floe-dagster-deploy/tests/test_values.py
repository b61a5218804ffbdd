"""The Helm values model: sizes, overrides, and bad values refused with the field named."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from floe_dagster_deploy import (
    DAGSTER_VERSION,
    HelmValues,
    UnknownWorkloadSizeError,
    deep_merge,
    resource_preset,
)


def _error(overrides):
    with pytest.raises(ValidationError) as info:
        HelmValues.for_workload_size("medium", overrides)
    return str(info.value)


def test_defaults_are_medium():
    assert HelmValues() == HelmValues.for_workload_size("medium")


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_sizes_set_every_component(size):
    values = HelmValues.for_workload_size(size).to_values()
    assert (
        values["dagster-webserver"]["resources"]
        == resource_preset(size, "webserver").to_kubernetes()
    )
    assert values["dagster-daemon"]["resources"] == resource_preset(size, "daemon").to_kubernetes()
    user_code = resource_preset(size, "user_code").to_kubernetes()
    assert values["dagster-user-code"]["resources"] == user_code
    assert values["runLauncher"]["resources"] == user_code


def test_values_have_the_chart_keys():
    values = HelmValues().to_values()
    for key in ("dagster-webserver", "dagster-daemon", "dagster-user-code"):
        assert {"enabled", "replicaCount", "resources", "image"} <= set(values[key])
    assert values["dagsterVersion"] == DAGSTER_VERSION
    assert values["postgresql"]["enabled"] is True
    assert "password" not in values["postgresql"]
    assert values["dagster-user-code"]["codeLocation"]["type"] == "pythonFile"


def test_unknown_size():
    with pytest.raises(UnknownWorkloadSizeError, match="small, medium, large"):
        HelmValues.for_workload_size("extra-large")


def test_negative_replicas_name_the_field():
    message = _error({"dagster-webserver": {"replicaCount": -1}})
    assert "dagster-webserver.replicaCount" in message
    assert "greater than or equal to 0" in message


def test_two_daemons_are_refused():
    message = _error({"dagster-daemon": {"replicaCount": 2}})
    assert "dagster-daemon.replicaCount" in message
    assert "less than or equal to 1" in message


def test_cpu_in_words_is_refused():
    message = _error({"dagster-user-code": {"resources": {"requests": {"cpu": "5 cores"}}}})
    assert "dagster-user-code.resources.requests.cpu" in message
    assert "'5 cores' is not a Kubernetes CPU quantity" in message


def test_request_above_limit_names_the_component():
    message = _error({"dagster-webserver": {"resources": {"requests": {"cpu": "4"}}}})
    assert "`dagster-webserver`: cpu request '4' is above its limit '1000m'" in message
    assert "raise the limit in dagster-webserver.resources." in message
    message = _error({"dagster-daemon": {"resources": {"limits": {"memory": "128Mi"}}}})
    assert "`dagster-daemon`: memory request '256Mi' is above its limit '128Mi'" in message


def test_run_pods_and_postgres_requests_are_checked_too():
    message = _error({"runLauncher": {"resources": {"requests": {"memory": "8Gi"}}}})
    assert (
        "`runLauncher`: memory request '8Gi' is above its limit '4Gi'. Lower the request or "
        "raise the limit in runLauncher.resources."
    ) in message
    message = _error({"postgresql": {"resources": {"requests": {"cpu": "2"}}}})
    assert (
        "`postgresql`: cpu request '2' is above its limit '1'. Lower the request or raise the "
        "limit in postgresql.resources."
    ) in message


def test_unknown_key_is_refused():
    message = _error({"dagster-webserver": {"replicas": 2}})
    assert "dagster-webserver.replicas" in message
    assert "Extra inputs are not permitted" in message


def test_zero_cpu_is_refused():
    message = _error({"dagster-webserver": {"resources": {"requests": {"cpu": "0"}}}})
    assert "must be above zero" in message


def test_external_database_needs_a_host():
    message = _error({"postgresql": {"enabled": False}})
    assert "`postgresql.host` is empty while postgresql.enabled is false" in message


def test_bad_code_location_name():
    message = _error({"dagster-user-code": {"name": "Orders_Location"}})
    assert "dagster-user-code.name" in message


def test_partial_overrides_keep_the_other_defaults():
    values = HelmValues.for_workload_size("small", {"dagster-webserver": {"image": {"tag": "x1"}}})
    assert values.webserver.image.repository == "docker.io/dagster/dagster-k8s"
    assert values.webserver.image.tag == "x1"
    assert values.webserver.resources.requests.cpu == "100m"


def test_yaml_round_trip():
    values = HelmValues.for_workload_size("large", {"dagster-webserver": {"replicaCount": 3}})
    again = HelmValues.model_validate(yaml.safe_load(values.to_yaml()))
    assert again == values
    assert again.webserver.replica_count == 3


def test_explicit_password_is_kept_out_of_repr():
    values = HelmValues.model_validate({"postgresql": {"password": "s3cret"}})
    assert "s3cret" not in repr(values)
    assert values.to_values()["postgresql"]["password"] == "s3cret"


def test_deep_merge_replaces_lists_and_merges_mappings():
    base = {"a": {"b": [1, 2], "c": {"d": 1}}}
    assert deep_merge(base, {"a": {"b": [3], "c": {"e": 2}}}) == {
        "a": {"b": [3], "c": {"d": 1, "e": 2}}
    }
    assert base == {"a": {"b": [1, 2], "c": {"d": 1}}}


# -- security defaults ---------------------------------------------------------------------------


@pytest.mark.parametrize("service_type", ["LoadBalancer", "NodePort"])
def test_a_public_webserver_is_refused_unless_allowed(service_type):
    message = _error({"dagster-webserver": {"service": {"type": service_type}}})
    assert "dagster-webserver.service" in message
    assert f"`dagster-webserver.service.type` is {service_type}" in message
    assert "neither the webserver nor the gRPC code server has authentication" in message
    assert "Keep ClusterIP and use kubectl port-forward or an authenticating ingress" in message
    assert "set dagster-webserver.service.allowPublic: true" in message
    allowed = {"type": service_type, "allowPublic": True}
    values = HelmValues.for_workload_size("medium", {"dagster-webserver": {"service": allowed}})
    assert values.webserver.service.type == service_type


def test_defaults_are_closed():
    values = HelmValues().to_values()
    assert values["dagster-webserver"]["service"] == {
        "type": "ClusterIP",
        "port": 3000,
        "allowPublic": False,
    }
    assert values["networkPolicy"] == {
        "enabled": True,
        "webserver": {"fromNamespaces": [], "fromPods": []},
    }
    assert values["dagster-user-code"]["serviceAccount"]["automountToken"] is False
    allowlist = values["runLauncher"]["allowedUserK8sConfig"]
    assert allowlist["enforced"] is True
    assert allowlist["containerConfig"] == ["resources"]
    assert allowlist["podSpecConfig"] == []
    assert allowlist["namespace"] is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"postgresql": {"passwordSecret": {"name": "Dagster_PG"}}},
            "postgresql.passwordSecret.name",
        ),
        ({"postgresql": {"passwordSecret": {"key": "pass word"}}}, "postgresql.passwordSecret.key"),
        ({"postgresql": {"passwordSecret": {"key": "key\n"}}}, "postgresql.passwordSecret.key"),
        ({"runLauncher": {"jobNamespace": "Runs"}}, "runLauncher.jobNamespace"),
        ({"runLauncher": {"jobNamespace": "runs\n"}}, "runLauncher.jobNamespace"),
        ({"runLauncher": {"jobNamespace": "a" * 64}}, "runLauncher.jobNamespace"),
        ({"serviceAccount": {"name": "Launcher"}}, "serviceAccount.name"),
        ({"dagster-user-code": {"serviceAccount": {"name": "x y"}}}, "serviceAccount.name"),
        ({"imagePullSecrets": [{"name": "Registry"}]}, "imagePullSecrets.0.name"),
        ({"fullnameOverride": "Floe"}, "fullnameOverride"),
        ({"postgresql": {"persistence": {"storageClass": "fast ssd"}}}, "storageClass"),
        (
            {"networkPolicy": {"webserver": {"fromNamespaces": ["Ingress"]}}},
            "networkPolicy.webserver.fromNamespaces.0",
        ),
        (
            {"runLauncher": {"allowedUserK8sConfig": {"podSpecConfig": ["node selector"]}}},
            "runLauncher.allowedUserK8sConfig.podSpecConfig.0",
        ),
    ],
)
def test_names_follow_kubernetes_naming_the_field(overrides, field):
    message = _error(overrides)
    assert field in message
    assert "String should match pattern" in message or "at most" in message


def test_a_job_namespace_other_than_the_release_namespace_is_accepted():
    values = HelmValues.for_workload_size("medium", {"runLauncher": {"jobNamespace": "runs"}})
    assert values.run_launcher.job_namespace == "runs"


def test_webserver_peers_need_labels_that_kubernetes_accepts():
    ok = {"podLabels": {"app.kubernetes.io/name": "ingress-nginx"}, "namespace": "ingress"}
    values = HelmValues.model_validate({"networkPolicy": {"webserver": {"fromPods": [ok]}}})
    assert values.network_policy.webserver.from_pods[0].namespace == "ingress"
    message = _error({"networkPolicy": {"webserver": {"fromPods": [{"podLabels": {}}]}}})
    assert "networkPolicy.webserver.fromPods.0.podLabels" in message
    assert "at least 1 item" in message
    message = _error({"networkPolicy": {"webserver": {"fromPods": [{"podLabels": {"a b": "c"}}]}}})
    assert "networkPolicy.webserver.fromPods.0.podLabels" in message


def test_password_like_database_params_are_refused_naming_the_key():
    message = _error({"postgresql": {"params": {"sslmode": "require", "sslpassword": "hunter2"}}})
    assert "`postgresql.params.sslpassword` looks like a password" in message
    assert "keep the password in the Secret named by postgresql.passwordSecret" in message
    assert "hunter2" not in message
    params = {"sslmode": "require", "sslkey": "/var/secrets/pg/client.key", "passfile": "/p"}
    values = HelmValues.model_validate({"postgresql": {"params": params}})
    assert values.postgresql.params == params


def test_errors_never_echo_the_values():
    """A bad value beside the development password: the error names the field, not the input."""
    with pytest.raises(ValidationError) as info:
        HelmValues.model_validate(
            {"postgresql": {"password": "s3cret-dev", "port": "not-a-port", "passwordSecret": 1}}
        )
    assert "postgresql.port" in str(info.value)
    assert "s3cret-dev" not in str(info.value)
