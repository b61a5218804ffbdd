"""The noop, console, file and openlineage pass-through transports, and their configuration."""

from __future__ import annotations

import io
import json

import pytest

from floe_dagster_lineage import (
    ConsoleTransport,
    FileTransport,
    HttpTransport,
    LineageEmitter,
    NoopTransport,
    OpenLineageTransport,
    TransportConfigError,
    transport_from_config,
)


@pytest.mark.parametrize("config", [None, {}, {"type": "noop"}])
def test_nothing_configured_means_noop(config):
    emitter = LineageEmitter(config)
    assert isinstance(emitter.transport, NoopTransport)
    assert emitter.enabled is False
    emitter.emit("START", "job")  # succeeds silently
    assert (emitter.delivered, emitter.failures) == (0, 0)


def test_console_writes_one_json_line_per_event(capsys, validator):
    emitter = LineageEmitter({"type": "console"})
    emitter.emit("START", "job")
    emitter.emit("COMPLETE", "job")
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["eventType"] for line in lines] == ["START", "COMPLETE"]
    validator.assert_valid(lines[0])


def test_console_to_a_given_stream():
    stream = io.StringIO()
    LineageEmitter(ConsoleTransport(stream)).emit("RUNNING", "job")
    assert json.loads(stream.getvalue())["eventType"] == "RUNNING"


def test_file_appends_json_lines_exactly_as_serialized(tmp_path, validator):
    path = tmp_path / "nested" / "lineage.jsonl"
    emitter = LineageEmitter({"type": "file", "path": str(path)})
    for event_type in ("START", "COMPLETE"):
        emitter.emit(event_type, "job")
    emitter.close()
    lines = path.read_text().splitlines()
    assert [json.loads(line)["eventType"] for line in lines] == ["START", "COMPLETE"]
    for line in lines:
        validator.assert_valid(line)


def test_file_accepts_openlineage_key_name(tmp_path):
    transport = transport_from_config({"type": "file", "log_file_path": str(tmp_path / "x")})
    assert isinstance(transport, FileTransport)
    assert transport.path == tmp_path / "x"


def test_file_without_path_says_what_to_add():
    with pytest.raises(TransportConfigError, match="Lineage transport 'file' needs 'path'"):
        transport_from_config({"type": "file"})


def test_config_without_type_is_refused_and_secrets_are_masked():
    with pytest.raises(TransportConfigError) as caught:
        transport_from_config({"url": "http://x", "api_key": "s3cr3t"})
    assert "has no 'type'" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
    assert "'api_key': '***'" in str(caught.value)


def test_http_config_builds_the_bounded_http_transport():
    transport = transport_from_config({"type": "http", "url": "http://marquez:5000"})
    assert isinstance(transport, HttpTransport)


def test_other_types_pass_through_to_openlineage_python(tmp_path, validator):
    """A composite of openlineage-python's own file transport: built by its factory, as given."""
    path = tmp_path / "ol.jsonl"
    config = {
        "type": "composite",
        "transports": [{"type": "file", "log_file_path": str(path), "append": True}],
    }
    emitter = LineageEmitter(config)
    assert isinstance(emitter.transport, OpenLineageTransport)
    assert emitter.transport.name == "composite"
    emitter.emit("START", "job")
    emitter.close()
    (line,) = path.read_text().splitlines()
    validator.assert_valid(line)
    assert config["transports"][0]["type"] == "file"  # the caller's config is not consumed


def test_an_unknown_type_is_refused_with_the_valid_ones():
    with pytest.raises(TransportConfigError) as caught:
        transport_from_config({"type": "carrier-pigeon", "token": "s3cr3t"})
    message = str(caught.value)
    assert "`openlineage-python` cannot build a 'carrier-pigeon' transport" in message
    assert "noop, console, file, http, kafka" in message
    assert "s3cr3t" not in message


def test_openlineage_environment_variables():
    from floe_dagster_lineage import transport_from_env

    assert transport_from_env({}).name == "noop"
    assert (
        transport_from_env({"OPENLINEAGE_URL": "http://m", "OPENLINEAGE_DISABLED": "true"}).name
        == "noop"
    )
    transport = transport_from_env(
        {"OPENLINEAGE_URL": "http://m", "OPENLINEAGE_ENDPOINT": "x/y", "OPENLINEAGE_API_KEY": "k"}
    )
    assert isinstance(transport, HttpTransport)
    assert transport.url == "http://m/x/y"
    assert transport.token is not None
    assert transport.token.reveal() == "k"
