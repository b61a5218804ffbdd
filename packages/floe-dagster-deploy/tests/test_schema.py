"""The generated values schema: what Helm will check, and the regeneration command."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from floe_dagster_deploy import (
    HelmValues,
    deep_merge,
    values_schema,
    values_schema_json,
    values_yaml,
)
from floe_dagster_deploy.schema import main


def test_schema_refuses_unknown_keys_everywhere():
    schema = values_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object" and "properties" in definition:
            assert definition.get("additionalProperties") is False, name


def test_schema_carries_quantity_patterns_and_ranges():
    defs = values_schema()["$defs"]
    quantities = defs["Quantities"]["properties"]
    assert quantities["cpu"]["pattern"].startswith("^")
    assert quantities["memory"]["pattern"].endswith("$")
    assert defs["Daemon"]["properties"]["replicaCount"]["maximum"] == 1
    assert defs["Postgresql"]["then"] == {"properties": {"host": {"minLength": 1}}}


def test_schema_json_is_stable_text():
    assert json.loads(values_schema_json()) == values_schema()
    assert values_schema_json().endswith("}\n")


def test_values_yaml_has_comments_and_the_defaults():
    text = values_yaml()
    assert text.startswith("# Default values of the floe-dagster chart")
    assert "# ``dagster-webserver``: the UI and GraphQL API.\ndagster-webserver:" in text
    assert yaml.safe_load(text) == HelmValues().to_values()


def test_main_prints_the_schema(capsys):
    assert main([]) == 0
    assert capsys.readouterr().out == values_schema_json()


def test_main_prints_the_values(capsys):
    assert main(["--values"]) == 0
    assert capsys.readouterr().out == values_yaml()


@pytest.mark.parametrize("args", [["-h"], ["--help"]])
def test_main_help(capsys, args):
    assert main(args) == 0
    assert "usage:" in capsys.readouterr().out


def test_main_refuses_unknown_arguments(capsys):
    assert main(["--json"]) == 2
    assert "Unknown arguments ['--json']; usage: [--values]." in capsys.readouterr().err


# -- the schema refuses what the model refuses (what Helm applies to hand-written values) ----------

GOOD = [
    {},
    {"dagster-webserver": {"service": {"type": "LoadBalancer", "allowPublic": True}}},
    {"postgresql": {"params": {"sslmode": "require", "sslkey": "/var/secrets/pg/client.key"}}},
    {
        "dagster-user-code": {
            "env": [{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/k.json"}]
        }
    },
    {
        "dagster-user-code": {
            "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
            "envFrom": [{"secretRef": {"name": "warehouse"}}],
            "secretVolumes": [{"name": "ca", "secretName": "ca", "mountPath": "/etc/ca"}],
        },
        "runLauncher": {"jobNamespace": "runs"},
        "networkPolicy": {"webserver": {"fromPods": [{"podLabels": {"app": "x"}}]}},
    },
]

BAD = [
    {"dagster-webserver": {"service": {"type": "NodePort"}}},
    {"postgresql": {"params": {"password": "hunter2"}}},
    {"postgresql": {"params": {"API-Token": "t"}}},
    {"dagster-user-code": {"env": [{"name": "DB_PASSWORD", "value": "hunter2"}]}},
    {"dagster-user-code": {"env": [{"name": "X"}]}},
    {"dagster-user-code": {"envFrom": [{}]}},
    {
        "dagster-user-code": {
            "envFrom": [{"secretRef": {"name": "a"}, "configMapRef": {"name": "b"}}]
        }
    },
    {"runLauncher": {"jobNamespace": "Runs"}},
    {"postgresql": {"passwordSecret": {"key": "a b"}}},
    {"networkPolicy": {"webserver": {"fromPods": [{"podLabels": {"a b": "c"}}]}}},
    {"imagePullSecrets": [{"name": "Registry"}]},
]


def _schema_accepts(values):
    # Helm validates the values merged over the chart's defaults
    merged = deep_merge(HelmValues().to_values(), values)
    return jsonschema.Draft202012Validator(values_schema()).is_valid(merged)


@pytest.mark.parametrize("values", GOOD)
def test_schema_and_model_accept(values):
    HelmValues.model_validate(values)
    assert _schema_accepts(values)


@pytest.mark.parametrize("values", BAD)
def test_schema_and_model_refuse(values):
    with pytest.raises(ValidationError):
        HelmValues.model_validate(values)
    assert not _schema_accepts(values)
