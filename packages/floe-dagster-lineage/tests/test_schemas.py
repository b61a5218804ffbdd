"""The OpenLineage schemas shipped as package data match the version they claim."""

from __future__ import annotations

import json
import shutil

import pytest

from floe_dagster_lineage import (
    FLOE_DAGSTER_SCHEMA_URL,
    build_run_event,
    floe_dagster_run_facet,
    to_json,
)
from floe_dagster_lineage._schemas import shipped_floe_schemas, shipped_schemas
from floe_dagster_lineage.testing import SPEC_VERSION, SchemaValidator


@pytest.fixture(scope="module")
def version_note() -> dict:
    return json.loads((shipped_schemas() / "VERSION.json").read_text(encoding="utf-8"))


def test_the_core_schema_is_the_claimed_spec_version(version_note):
    core = json.loads((shipped_schemas() / "OpenLineage.json").read_text(encoding="utf-8"))
    assert version_note["spec_version"] == SPEC_VERSION == "2-0-2"
    assert (
        core["$id"]
        == version_note["core"]
        == f"https://openlineage.io/spec/{SPEC_VERSION}/OpenLineage.json"
    )


def test_the_facet_files_are_exactly_those_listed_with_their_ids(version_note):
    folder = shipped_schemas() / "facets"
    shipped = {
        entry.name.removesuffix(".json"): json.loads(entry.read_text(encoding="utf-8"))["$id"]
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }
    assert shipped == version_note["facets"]
    assert len(shipped) == 38
    # every facet refers back to the shipped core version
    for name in shipped:
        text = (folder / f"{name}.json").read_text(encoding="utf-8")
        assert f"/spec/{SPEC_VERSION}/OpenLineage.json" in text, name


def test_the_licence_ships_beside_the_schemas():
    licence = (shipped_schemas() / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence
    assert "Version 2.0" in licence


def test_the_default_validator_uses_the_shipped_schemas():
    validator = SchemaValidator()
    assert "https://openlineage.io/spec/2-0-2/OpenLineage.json" in validator.schema_ids
    # the official ones, floe's own facet and the four dbt-ol facets
    assert len(validator.schema_ids) == 39 + 5
    assert len(SchemaValidator(floe_schemas=False).schema_ids) == 39
    event = json.loads(to_json(build_run_event("START", "job", job_namespace="floe")))
    assert validator.errors(event) == []
    event["run"]["runId"] = "not-a-uuid"
    assert any("not-a-uuid" in problem for problem in validator.errors(event))


def test_spec_dir_overrides_the_shipped_schemas(tmp_path):
    copy = tmp_path / "spec"
    shutil.copytree(str(shipped_schemas()), copy)
    (copy / "facets" / "JobTypeJobFacet.json").unlink()
    validator = SchemaValidator(copy)
    assert validator.spec_dir == copy
    event = json.loads(to_json(build_run_event("START", "job", job_namespace="floe")))
    (problem,) = validator.errors(event)
    assert problem.startswith("job.facets.jobType: schema ")
    assert "is not among the local schemas" in problem


def test_floe_facet_schemas_ship_with_ids_their_facets_name():
    folder = shipped_floe_schemas()
    schema = json.loads((folder / "1-0-0" / "FloeDagsterRunFacet.json").read_text(encoding="utf-8"))
    assert schema["$id"] + "#/$defs/FloeDagsterRunFacet" == FLOE_DAGSTER_SCHEMA_URL
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert f"/spec/{SPEC_VERSION}/OpenLineage.json#/$defs/RunFacet" in json.dumps(schema)
    assert schema["$id"] in SchemaValidator().schema_ids


def test_a_custom_facet_fails_without_the_floe_schemas_and_extra_schemas_add_others(tmp_path):
    facet = floe_dagster_run_facet(product="p", dagster_run_id="r", dagster_job="j")
    event = json.loads(
        to_json(
            build_run_event(
                "START", "job", job_namespace="floe", run_facets={"floe_dagster": facet}
            )
        )
    )
    assert SchemaValidator().errors(event) == []
    (problem,) = SchemaValidator(floe_schemas=False).errors(event)
    assert problem.endswith("is not among the local schemas")
    custom = tmp_path / "custom" / "1-0-0"
    custom.mkdir(parents=True)
    (custom / "Cost.json").write_text(
        json.dumps(
            {
                "$id": "https://example.com/schemas/1-0-0/Cost.json",
                "$defs": {"Cost": {"type": "object", "required": ["euros"]}},
            }
        )
    )
    cost = {"_schemaURL": "https://example.com/schemas/1-0-0/Cost.json#/$defs/Cost"}
    event["run"]["facets"]["cost"] = {**cost, "_producer": "https://x.y/z"}
    validator = SchemaValidator(extra_schemas=[tmp_path / "custom"])
    assert validator.errors(event) == ["run.facets.cost: 'euros' is a required property (at /)"]
    (custom / "NoId.json").write_text("{}")
    with pytest.raises(ValueError, match=r"Schema .*NoId.json has no '\$id'; give it the URL"):
        SchemaValidator(extra_schemas=[tmp_path / "custom"])
