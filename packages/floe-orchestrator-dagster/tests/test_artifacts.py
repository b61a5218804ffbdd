"""FR-009: the artifacts are validated once, at the edge, with floe-core's own CompiledArtifacts."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from pydantic import ValidationError

from floe_dagster_core import ArtifactsNotFoundError
from floe_dagster_core.testing import compiled_artifacts, generated_product
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, load_product_definitions
from floe_orchestrator_dagster._artifacts import read_artifacts

RECOMPILE = "recompile the product with floe platform compile"


def rejected(artifacts) -> str:
    with pytest.raises(ValidationError) as error:
        DagsterOrchestratorPlugin().create_definitions(artifacts)
    assert error.value.title == "CompiledArtifacts"
    return str(error.value)


def test_no_identity_is_refused_naming_the_field():
    broken = compiled_artifacts({"name": "a"})
    del broken["identity"]
    message = rejected(broken)
    assert "1 validation error for CompiledArtifacts\nidentity\n" in message
    assert (
        "Field identity is required by CompiledArtifacts 0.16.0 but missing. The artifacts are "
        f"incomplete or hand-written: {RECOMPILE}." in message
    )


def test_a_version_that_is_no_version_is_refused():
    message = rejected({**compiled_artifacts({"name": "a"}), "version": "invalid"})
    assert (
        "Field version is 'invalid', which is not a schema version (MAJOR.MINOR.PATCH, e.g. "
        f"0.16.0): {RECOMPILE}." in message
    )


def test_a_plugin_given_as_a_string_is_a_validation_message_not_an_attribute_error():
    broken = compiled_artifacts({"name": "a"})
    broken["plugins"]["compute"] = "duckdb"
    message = rejected(broken)
    assert (
        "Field plugins.compute is invalid: input should be a valid dictionary or instance of "
        f"PluginRef; got 'duckdb'. Fix the field in the artifacts, or {RECOMPILE}." in message
    )


def test_observability_given_as_a_string_is_refused():
    message = rejected({**compiled_artifacts({"name": "a"}), "observability": "x"})
    assert (
        "Field observability is invalid: input should be a valid dictionary or instance of "
        "ObservabilityConfig; got 'x'." in message
    )


def test_an_unknown_field_is_refused():
    message = rejected({**compiled_artifacts({"name": "a"}), "colour": "blue"})
    assert "Field colour is not a field of CompiledArtifacts 0.16.0. Remove it" in message


def test_every_failing_field_is_named_at_once():
    broken = compiled_artifacts({"name": "a"})
    del broken["identity"]
    broken["mode"] = "everywhere"
    message = rejected(broken)
    assert message.startswith("2 validation errors for CompiledArtifacts")
    assert "Field identity is required" in message
    assert "Field mode is invalid: input should be 'simple', 'centralized' or 'mesh'" in message


def test_artifacts_of_a_newer_schema_name_both_versions(monkeypatch):
    newer = {**compiled_artifacts({"name": "a"}), "version": "0.17.0", "stream_targets": []}
    message = rejected(newer)
    assert (
        "The artifacts were compiled for CompiledArtifacts schema 0.17.0, newer than the 0.16.0 "
        "that the installed floe-core 0.1.0a1 reads. Install the floe-core release that compiled "
        "it beside this plugin, or recompile the product with floe-core 0.1.0a1." in message
    )


def test_artifacts_of_an_older_schema_that_validate_run_with_a_warning(caplog):
    older = {**compiled_artifacts({"name": "a"}), "version": "0.9.0"}
    assert read_artifacts(older).product_name == "shop-analytics"
    assert "compiled for CompiledArtifacts schema 0.9.0, older than the 0.16.0" in caplog.text


def test_a_file_that_is_not_utf8_is_a_message(tmp_path):
    path = tmp_path / "compiled_artifacts.json"
    path.write_bytes(b'{"version": "\xff"}')
    message = rejected(path)
    assert f"The artifacts in {path} are not UTF-8 text (byte b'\\xff' at offset 13)" in message


def test_a_list_instead_of_an_object_is_a_message(tmp_path):
    path = tmp_path / "compiled_artifacts.json"
    path.write_text("[1, 2]")
    message = rejected(path)
    assert f"The artifacts in {path} must be a JSON object; got a list." in message
    with pytest.raises(ValidationError, match="must be a JSON object; got a list"):
        load_product_definitions("shop-analytics", tmp_path)


def test_a_missing_file_is_one_error_from_every_entry_point(tmp_path):
    missing = tmp_path / "compiled_artifacts.json"
    messages = []
    for call in (
        lambda: DagsterOrchestratorPlugin().create_definitions(missing),  # type: ignore[arg-type]
        lambda: load_product_definitions("shop-analytics", tmp_path),
    ):
        with pytest.raises(ArtifactsNotFoundError) as error:
            call()
        messages.append(str(error.value))
    assert (
        messages[0]
        == messages[1]
        == (
            f"Compiled artifacts not found at {missing}. Compile the product first: floe platform "
            f"compile --spec floe.yaml --manifest manifest.yaml --output {missing}."
        )
    )


@pytest.mark.parametrize("kind", ["ingestion", "semantic"])
def test_plugins_this_orchestrator_does_not_run_are_refused_not_skipped(kind):
    artifacts = compiled_artifacts(
        {"name": "a"}, plugins={kind: {"type": "dlt", "version": "0.1.0", "config": None}}
    )
    message = rejected(artifacts)
    assert (
        f"`plugins.{kind}` is set (type 'dlt'), but floe-orchestrator-dagster does not run {kind} "
        f"yet: its work would be skipped without a word. Remove plugins.{kind} from "
        "manifest.yaml for this product" in message
    )


def test_zero_transforms_give_empty_definitions():
    defs = DagsterOrchestratorPlugin().create_definitions(compiled_artifacts())
    assert list(defs.assets or []) == []


def test_an_invalid_orchestrator_config_in_the_artifacts_names_the_key():
    artifacts = compiled_artifacts(
        {"name": "a"},
        plugins={"orchestrator": {"type": "dagster", "version": "0.1.0", "config": {"colour": 1}}},
    )
    with pytest.raises(ValidationError) as error:
        DagsterOrchestratorPlugin().create_definitions(artifacts)
    assert (
        "Field plugins.orchestrator.config.colour is invalid: extra inputs are not permitted. "
        "Fix the Dagster plugin's config in manifest.yaml and recompile the product."
        in str(error.value)
    )


def test_the_file_is_read_and_parsed_once(tmp_path, monkeypatch):
    """One read of the file and one JSON parse feed schedules, lineage and core."""
    from pathlib import Path

    from floe_core.schemas.compiled_artifacts import CompiledArtifacts

    path = tmp_path / "compiled_artifacts.json"
    path.write_text(json.dumps(generated_product(50).artifacts))
    calls = {"parse": 0, "read": 0}
    real_validate = CompiledArtifacts.model_validate_json.__func__  # type: ignore[attr-defined]
    real_bytes, real_text = Path.read_bytes, Path.read_text

    def counting_validate(cls, data, *args, **kwargs):
        calls["parse"] += 1
        return real_validate(cls, data, *args, **kwargs)

    def counting_bytes(self):
        calls["read"] += self == path
        return real_bytes(self)

    def counting_text(self, *args, **kwargs):
        calls["read"] += self == path
        return real_text(self, *args, **kwargs)

    monkeypatch.setattr(CompiledArtifacts, "model_validate_json", classmethod(counting_validate))
    monkeypatch.setattr(Path, "read_bytes", counting_bytes)
    monkeypatch.setattr(Path, "read_text", counting_text)
    DagsterOrchestratorPlugin().create_definitions(path)  # type: ignore[arg-type]
    assert calls == {"parse": 1, "read": 1}


def test_a_large_file_costs_about_its_model_in_memory(tmp_path):
    """The 40 MB case of the issue, scaled down: peak memory is not a multiple of the file."""
    path = tmp_path / "compiled_artifacts.json"
    artifacts = generated_product(3_000).artifacts
    for model in artifacts["transforms"]["models"]:
        model["tags"] = [f"tag_{i}" for i in range(40)]
    path.write_text(json.dumps(artifacts))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        read_artifacts(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * size, (peak, size)
