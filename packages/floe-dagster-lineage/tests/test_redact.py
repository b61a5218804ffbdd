"""Secrets never reach a message: recursive masking, URLs without user info, scrubbed errors."""

from __future__ import annotations

import logging

import pytest

from floe_dagster_lineage import (
    HttpTransport,
    LineageEmitter,
    LineageError,
    TransportConfigError,
    namespace_for_profile,
    redacted,
    safe_url,
    transport_from_config,
)
from floe_dagster_lineage._redact import scrub, secret_values

SECRET = "s3cr3t-planted-7f1d"


def test_nested_secret_keys_are_masked_at_any_depth():
    config = {
        "type": "kafka",
        "topic": "lineage",
        "config": {
            "bootstrap.servers": "kafka:9092",
            "sasl.password": SECRET,
            "sasl.username": "svc",
        },
        "auth": {"type": "api_key", "apiKey": SECRET},
        "transports": [{"type": "http", "url": "http://m", "api_key": SECRET, "token": SECRET}],
        "headers": ({"Authorization": f"Bearer {SECRET}"},),
    }
    masked = redacted(config)
    assert masked == {
        "type": "kafka",
        "topic": "lineage",
        "config": {
            "bootstrap.servers": "kafka:9092",
            "sasl.password": "***",
            "sasl.username": "***",  # anything under sasl.* may be a credential
        },
        "auth": "***",
        "transports": [{"type": "http", "url": "http://m", "api_key": "***", "token": "***"}],
        "headers": [{"Authorization": "***"}],
    }
    assert SECRET not in repr(masked)
    assert config["config"]["sasl.password"] == SECRET  # the caller's config is untouched


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        (
            f"https://user:{SECRET}@marquez:5000/api/v1/lineage",
            "https://marquez:5000/api/v1/lineage",
        ),
        (f"http://marquez:5000/api?api_key={SECRET}", "http://marquez:5000/api"),
        (f"http://user:{SECRET}@[broken/path", "http://[broken/path"),  # invalid: urlsplit fails
        (f"http://user:{SECRET}@host:notaport/x", "http://host:notaport/x"),  # invalid port
        (f"user:{SECRET}@marquez:5000", "marquez:5000"),  # no scheme
        (f"http://[::1]:5000/x?token={SECRET}", "http://[::1]:5000/x"),
        ("http://marquez:5000/api/v1/lineage", "http://marquez:5000/api/v1/lineage"),
    ],
)
def test_urls_lose_user_info_and_query_valid_or_not(url, safe):
    assert safe_url(url) == safe
    assert SECRET not in safe_url(url)


def test_strings_holding_urls_are_stripped_inside_configs():
    assert redacted({"url": f"http://u:{SECRET}@m:5000"}) == {"url": "http://m:5000"}


def test_secret_values_and_scrub_remove_them_from_free_text():
    config = {"config": {"sasl.password": SECRET}, "auth": {"apiKey": "k" * 8}, "port": 1}
    assert secret_values(config) == {SECRET, "k" * 8}
    text = f"broker said: bad password {SECRET} for http://u:{SECRET}@kafka:9092"
    assert (
        scrub(text, secret_values(config)) == "broker said: bad password *** for http://kafka:9092"
    )


def test_a_pass_through_config_error_never_prints_a_nested_secret():
    config = {"type": "kafka", "config": {"sasl.password": SECRET}}  # no topic: refused
    with pytest.raises(TransportConfigError) as caught:
        transport_from_config(config)
    message = str(caught.value)
    assert "`openlineage-python` cannot build a 'kafka' transport from {'type': 'kafka'" in message
    assert "'sasl.password': '***'" in message
    assert SECRET not in message
    assert caught.value.__cause__ is None  # the cause may quote the config: not chained


def test_an_invalid_http_url_is_refused_without_its_user_info():
    for url in (f"http://user:{SECRET}@[broken", f"ftp://user:{SECRET}@host/x"):
        with pytest.raises(TransportConfigError) as caught:
            HttpTransport(url)
        assert "needs an http(s) URL with a host" in str(caught.value)
        assert SECRET not in str(caught.value)


def test_a_profile_output_without_type_never_prints_its_values():
    with pytest.raises(LineageError) as caught:
        namespace_for_profile({"host": "db", "password": SECRET})
    assert SECRET not in str(caught.value)
    assert "(keys: host, password)" in str(caught.value)


def test_no_failure_case_of_the_package_prints_a_planted_secret(caplog, tmp_path):
    """The sweep: every message and log line of the package's failure cases, grepped."""
    messages: list[str] = []
    failing_configs = [
        {"url": f"http://u:{SECRET}@m", "api_key": SECRET},  # no type
        {"type": "carrier-pigeon", "token": SECRET, "nested": {"password": SECRET}},
        {"type": "http", "url": f"http://u:{SECRET}@m", "timeout": "abc", "api_key": SECRET},
        {"type": "http", "url": "http://m", "retries": 3, "api_key": SECRET},
        {"type": "http", "url": f"marquez:{SECRET}@5000"},
        {"type": "composite", "transports": [{"type": "nope", "password": SECRET}]},
        {"type": "kafka", "config": {"sasl.password": SECRET}, "timeout": float("nan")},
    ]
    for config in failing_configs:
        with pytest.raises(LineageError) as caught:
            transport_from_config(config)
        messages.append(str(caught.value))
    with caplog.at_level(logging.DEBUG, logger="floe_dagster_lineage"):
        # a receiver that refuses, reached through a URL with user info and a bearer token
        emitter = LineageEmitter(
            {
                "type": "http",
                "url": f"http://u:{SECRET}@127.0.0.1:9",
                "api_key": SECRET,
                "timeout": 1,
            },
            spool=tmp_path / "spool.jsonl",
        )
        emitter.emit("START", "job")
        emitter.emit("COMPLETE", "job")
        messages.append(repr(emitter.transport))
    messages.extend(record.getMessage() for record in caplog.records)
    assert len(caplog.records) >= 2
    leaked = [message for message in messages if SECRET in message]
    assert leaked == []
