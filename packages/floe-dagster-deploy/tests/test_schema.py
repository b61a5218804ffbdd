"""The generated values schema: what Helm will check, and the regeneration command."""

from __future__ import annotations

import json

import pytest
import yaml

from floe_dagster_deploy import HelmValues, values_schema, values_schema_json, values_yaml
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
    assert "unknown arguments ['--json']" in capsys.readouterr().err
