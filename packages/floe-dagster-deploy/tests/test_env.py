"""env, envFrom and secretVolumes for the code server and the run pods: what is refused, and why."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from floe_dagster_deploy import EnvFromSource, EnvVar, HelmValues, SecretVolume


def _error(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return str(info.value)


def test_literal_and_referenced_variables():
    assert EnvVar(name="DBT_TARGET", value="prod").value == "prod"
    ref = EnvVar.model_validate(
        {"name": "SNOWFLAKE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "sf", "key": "pw"}}}
    )
    assert ref.value_from is not None
    assert ref.value_from.secret_key_ref is not None
    assert ref.value_from.secret_key_ref.key == "pw"


def test_a_variable_needs_exactly_one_of_value_or_value_from():
    assert "Env X needs exactly one of value or valueFrom." in _error(EnvVar, {"name": "X"})
    both = {"name": "X", "value": "a", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}}
    assert "Env X needs exactly one of value or valueFrom." in _error(EnvVar, both)


def test_value_from_needs_exactly_one_source():
    message = _error(EnvVar, {"name": "X", "valueFrom": {}})
    assert "`valueFrom` needs exactly one of secretKeyRef or configMapKeyRef." in message


def test_a_password_like_variable_may_not_have_a_literal_value():
    message = _error(EnvVar, {"name": "WAREHOUSE_PASSWORD", "value": "hunter2"})
    assert "Env WAREHOUSE_PASSWORD looks like a password" in message
    assert "plain text in the Deployment and the instance ConfigMap" in message
    assert "use valueFrom: {secretKeyRef: {name: <secret>, key: <key>}} or envFrom" in message
    assert "hunter2" not in message
    assert "hunter2" not in repr(EnvVar(name="PLAIN", value="hunter2"))


def test_a_password_like_variable_may_point_at_a_mounted_file():
    var = EnvVar(name="GOOGLE_APPLICATION_CREDENTIALS", value="/var/secrets/gcp/key.json")
    assert var.value == "/var/secrets/gcp/key.json"


def test_env_from_needs_exactly_one_source():
    expected = "`envFrom` needs exactly one of secretRef or configMapRef per entry."
    assert expected in _error(EnvFromSource, {})
    both = {"secretRef": {"name": "a"}, "configMapRef": {"name": "b"}}
    assert expected in _error(EnvFromSource, both)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "1X", "value": "a"}, "name"),
        ({"name": "X\n", "value": "a"}, "name"),
        ({"name": "X", "valueFrom": {"secretKeyRef": {"name": "Bad_Name", "key": "k"}}}, "name"),
        ({"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "a b"}}}, "key"),
        ({"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k\n"}}}, "key"),
    ],
)
def test_names_and_keys_follow_kubernetes(data, field):
    assert "String should match pattern" in _error(EnvVar, data)


@pytest.mark.parametrize("key", [".", "..", "..data"])
def test_dot_keys_are_refused(key):
    data = {"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": key}}}
    assert f"{key!r} is not a valid Secret or ConfigMap key" in _error(EnvVar, data)


def test_secret_volume_defaults_to_group_readable_files():
    volume = SecretVolume(name="gcp", secret_name="gcp-sa", mount_path="/var/secrets/gcp")
    assert volume.default_mode == 0o440
    assert volume.items == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"mountPath": "relative/dir"}, "String should match pattern"),
        ({"mountPath": "/a:b"}, "String should match pattern"),
        ({"mountPath": "/"}, "String should match pattern"),
        ({"mountPath": "/var/../etc"}, "'/var/../etc' has a '..' segment"),
        ({"items": [{"key": "k", "path": "../k"}]}, "'../k' has a '..' segment"),
        ({"items": [{"key": "k", "path": "/abs"}]}, "String should match pattern"),
        ({"secretName": "UPPER"}, "String should match pattern"),
        ({"name": "a.b"}, "String should match pattern"),
        ({"defaultMode": 0o1000}, "less than or equal to 511"),
    ],
)
def test_secret_volume_refusals(data, says):
    base = {"name": "gcp", "secretName": "gcp-sa", "mountPath": "/var/secrets/gcp"}
    assert says in _error(SecretVolume, base | data)


def _values_error(values):
    with pytest.raises(ValidationError) as info:
        HelmValues.model_validate(values)
    return str(info.value)


def test_variables_the_chart_sets_are_refused():
    message = _values_error(
        {"dagster-user-code": {"env": [{"name": "DAGSTER_HOME", "value": "/x"}]}}
    )
    assert "`dagster-user-code`: env DAGSTER_HOME is set by the chart itself; remove it." in message


def test_a_name_may_not_repeat_within_or_across_the_pods_environments():
    twice = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]
    message = _values_error({"dagster-user-code": {"env": twice}})
    assert "`dagster-user-code`: env A is given twice." in message
    across = {
        "dagster-user-code": {"env": [{"name": "A", "value": "1"}]},
        "runLauncher": {"env": [{"name": "A", "value": "2"}]},
    }
    message = _values_error(across)
    assert "`runLauncher` (run pods also get dagster-user-code's): env A is given twice." in message


def test_secret_volumes_may_not_clash_with_the_chart_or_each_other():
    def volume(name, path):
        return {"name": name, "secretName": "s", "mountPath": path}

    message = _values_error({"dagster-user-code": {"secretVolumes": [volume("tmp", "/x")]}})
    assert "secret volume name 'tmp' is used by the chart; choose another" in message
    message = _values_error(
        {"runLauncher": {"secretVolumes": [volume("a", "/dagster-workspace/")]}}
    )
    assert "mountPath /dagster-workspace is used by the chart; choose another directory" in message
    across = {
        "dagster-user-code": {"secretVolumes": [volume("a", "/s/a")]},
        "runLauncher": {"secretVolumes": [volume("a", "/s/a")]},
    }
    message = _values_error(across)
    assert "secret volume name 'a' is given twice" in message
    assert "mountPath /s/a is given twice" in message


def test_run_pods_get_both_environments_in_values():
    values = HelmValues.model_validate(
        {
            "dagster-user-code": {"envFrom": [{"secretRef": {"name": "warehouse"}}]},
            "runLauncher": {"envFrom": [{"configMapRef": {"name": "lineage"}}]},
        }
    ).to_values()
    assert values["dagster-user-code"]["envFrom"] == [{"secretRef": {"name": "warehouse"}}]
    assert values["runLauncher"]["envFrom"] == [{"configMapRef": {"name": "lineage"}}]
