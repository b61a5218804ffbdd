"""The OpenLineage schemas shipped as package data match the version they claim."""

from __future__ import annotations

import json
import shutil

import pytest

from floe_dagster_lineage import build_run_event, to_json
from floe_dagster_lineage._schemas import shipped_schemas
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
    assert len(validator.schema_ids) == 39
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
