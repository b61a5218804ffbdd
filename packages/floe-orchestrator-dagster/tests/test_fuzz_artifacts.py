"""Fuzzing the plugin's two ways in with hostile CompiledArtifacts (issue 16, Deliver 3).

Artifacts of any JSON shape and hostile strings (dbt selector syntax, command-line flags,
newlines, unicode, path separators, very long names, deep nesting) reach
``DagsterOrchestratorPlugin().create_definitions`` and ``load_product_definitions``. Each example
either gives Definitions that Dagster can load, or raises pydantic's ``ValidationError`` (or, for
a file, the documented ``ArtifactsNotFoundError`` / ``ProductLoadError``) with a message; never
another exception type.

Examples start from ``compiled_artifacts(...)`` (what floe's compiler writes) and mutate it, so
most reach deep into validation rather than failing on the first missing field. No example has a
dbt project, so dbt never runs.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from floe_dagster_core import ArtifactsNotFoundError
from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import (
    DagsterOrchestratorPlugin,
    ProductLoadError,
    load_product_definitions,
)

# Two Hypothesis profiles, applied to the fuzz tests only (never loaded globally): "fuzz-ci", the
# default, runs 500 examples per way in, the same ones every run (a red CI run is reproducible);
# FLOE_DAGSTER_FUZZ=fuzz-long runs 5,000 fresh examples, to hunt for new crashes.
_COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz-ci", _COMMON, max_examples=500, derandomize=True)
settings.register_profile("fuzz-long", _COMMON, max_examples=5000, derandomize=False)
FUZZ = settings(settings.get_profile(os.environ.get("FLOE_DAGSTER_FUZZ", "fuzz-ci")))

HOSTILE = [
    # dbt selector syntax and command-line flags
    "tag:floe_compute__duckdb",
    "+a",
    "a+",
    "@a",
    "a,b",
    "a b",
    "*",
    "path:models/x",
    "fqn:*",
    "--vars",
    "--vars '{x: 1}'",
    "-s a",
    "--profiles-dir /etc",
    "; rm -rf /",
    "$(id)",
    "{{ env_var('X') }}",
    "{message}",
    "%s%n",
    # newlines and whitespace
    "a\n",
    "spark\n",
    "\na",
    "a\r\n",
    "a\tb",
    " ",
    "",
    # unicode
    "ünï",
    "名前",
    "\u202eevil",
    "a\x00b",
    "\ud800",
    "🦆",
    # path separators
    "../x",
    "a/b",
    "a\\b",
    "/etc/passwd",
    "C:\\x",
    # names that are almost right
    "1a",
    "a-b",
    "a_b",
    "a.b",
    "a.b.c",
    "duckdb",
    "DuckDB",
]
VALID = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
LONG = st.integers(min_value=64, max_value=5000).map(lambda n: "x" * n)
STRINGS = st.one_of(st.sampled_from(HOSTILE), VALID, LONG, st.text(max_size=12))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    STRINGS,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(STRINGS, inner, max_size=4)
    ),
    max_leaves=12,
)


@dataclass(frozen=True)
class Deep:
    """A placeholder for a value nested ``depth`` levels deep, built only inside the test.

    Hypothesis prints and walks what it draws, recursively: a drawn value thousands of levels
    deep would overflow its own stack, so the example holds this and the test expands it.
    """

    depth: int
    as_list: bool

    def build(self) -> Any:
        value: Any = "leaf"
        for _ in range(self.depth):
            value = [value] if self.as_list else {"a": value}
        return value


DEEP = st.builds(Deep, st.integers(min_value=20, max_value=3000), st.booleans())
VALUES = st.one_of(STRINGS, STRINGS, JSON, DEEP)


def expanded(value: Any) -> Any:
    """``value`` with every ``Deep`` placeholder built."""
    if isinstance(value, Deep):
        return value.build()
    if isinstance(value, dict):
        return {key: expanded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expanded(item) for item in value]
    return value


@st.composite
def orchestrator_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A plugin config with the keys manifest.yaml may set, and hostile values."""
    config: dict[str, Any] = {}
    if draw(st.booleans()):
        config["schedule"] = {
            "cron": draw(st.one_of(st.sampled_from(["0 8 * * *", "@daily", "*/0 * * *"]), VALUES)),
            "timezone": draw(st.one_of(st.sampled_from(["UTC", "Europe/London"]), VALUES)),
        }
    if draw(st.booleans()):
        config["default_schedule"] = draw(VALUES)
    if draw(st.booleans()):
        config["compute_targets"] = draw(
            st.dictionaries(STRINGS, st.one_of(STRINGS, JSON), max_size=3)
        )
    if draw(st.booleans()):
        config["lineage"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "enabled": st.booleans(),
                    "namespace": VALUES,
                    "timeout": SCALARS,
                    "transport": st.one_of(st.just({"type": "console"}), VALUES),
                },
            )
        )
    if draw(st.booleans()):
        config[draw(STRINGS)] = draw(VALUES)
    return config


def mostly(usual: Any, strategy: st.SearchStrategy[Any], rare: float = 0.15) -> Any:
    """``usual``, except in about ``rare`` of the draws: a draw from ``strategy`` then.

    (``st.one_of(st.just(usual), ...)`` would not do: Hypothesis avoids repeating a value, so
    it draws from the other branch nearly every time; ``floats`` favour 0 and 1.)
    """
    # a wide integer modulo 1000 is close to uniform, except that Hypothesis favours 0 and
    # small numbers: they give ``usual``
    return st.integers(0, 2**32).flatmap(
        lambda n: strategy if n % 1000 >= (1 - rare) * 1000 else st.just(usual)
    )


@st.composite
def artifacts(draw: st.DrawFn) -> Any:
    """Compiled artifacts, then up to three mutations anywhere in them.

    Most values stay plausible, so that a good share of examples passes floe-core's schema and
    reaches this plugin's own checks (and Dagster): one hostile value per example is the norm.
    """
    names = draw(st.lists(mostly(None, STRINGS), min_size=1, max_size=4))
    names = [name if name is not None else f"m_{index}" for index, name in enumerate(names)]
    models = [
        {
            "name": name,
            "compute": draw(mostly(None, st.one_of(st.sampled_from(["duckdb", "spark"]), STRINGS))),
            # upstreams: earlier models or a source, now and then any model (cycles)
            "depends_on": draw(
                mostly(
                    [*names[:index][-1:], "raw"],
                    st.one_of(st.none(), st.lists(st.sampled_from([*names, "raw"]), max_size=3)),
                    rare=0.3,
                )
            ),
            "tags": draw(st.one_of(st.none(), st.lists(mostly("daily", STRINGS), max_size=2))),
            "quality_tier": draw(mostly(None, st.sampled_from(["gold", "platinum"]), rare=0.1)),
        }
        for index, name in enumerate(names)
    ]
    document = compiled_artifacts(
        *models,
        product=draw(mostly("shop", STRINGS)),
        default_compute=draw(mostly("duckdb", STRINGS)),
    )
    if draw(st.booleans()):
        document["plugins"]["orchestrator"]["config"] = draw(orchestrator_configs())
    for _ in range(draw(mostly(0, st.integers(min_value=1, max_value=3), rare=0.5))):
        path = draw(st.sampled_from(list(_paths(document))[1:]))  # the root: see below
        action = draw(st.sampled_from(["set", "set", "delete", "add"]))
        value = draw(STRINGS if isinstance(_at(document, path), str) else VALUES)
        _mutate(document, path, action, value, draw(STRINGS))
    if draw(mostly(False, st.just(True), rare=0.05)):
        document = draw(JSON)  # any JSON at all
    return document


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document: Any, path: tuple[Any, ...], action: str, value: Any, key: str) -> None:
    parent, last = _at(document, path[:-1]), path[-1]
    if action == "set":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][key] = value
    elif isinstance(parent[last], list):
        parent[last].append(value)
    else:
        parent[last] = value


def _loads(defs: Any) -> None:
    """What Dagster does when it loads a code location: resolve every job, asset and resource."""
    import dagster as dg

    assert isinstance(defs, dg.Definitions)
    dg.Definitions.validate_loadable(defs)
    event("built")


def _has_a_message(error: BaseException) -> None:
    kind = error.errors()[0]["type"] if isinstance(error, ValidationError) else ""
    event(f"refused: {type(error).__name__} {kind}")  # --hypothesis-show-statistics
    text = str(error)
    assert text.strip(), f"{type(error).__name__} without a message"
    if isinstance(error, ValidationError):
        for issue in error.errors():
            assert str(issue["msg"]).strip(), f"an error of {issue['loc']} without a message"


@FUZZ
@given(artifacts())
def test_create_definitions_builds_or_says_what_is_wrong(document):
    try:
        defs = DagsterOrchestratorPlugin().create_definitions(expanded(document))
    except ValidationError as error:
        _has_a_message(error)
        return
    except ArtifactsNotFoundError as error:  # a string is the path of the artifacts file
        assert isinstance(document, str)
        _has_a_message(error)
        return
    _loads(defs)


@st.composite
def product_folders(draw: st.DrawFn) -> tuple[str, Any, str, int]:
    """The product name a definitions.py asks for, and how to write its artifacts file.

    Returns ``(name, document, kind, cut)``: ``kind`` is ``json`` (the document as JSON),
    ``truncated`` (its first ``cut`` characters), ``bytes`` (``cut`` random-ish bytes) or
    ``deep`` (nesting deeper than any JSON parser's recursion limit); ``file_bytes`` writes it.
    """
    document = draw(artifacts())
    metadata = document.get("metadata") if isinstance(document, dict) else None
    name = metadata.get("product_name") if isinstance(metadata, dict) else None
    other = draw(mostly(None, STRINGS, rare=0.2))
    asked = name if isinstance(name, str) and other is None else other or ""
    kind = draw(mostly("json", st.sampled_from(["deep", "bytes", "truncated"]), rare=0.3))
    return asked, document, kind, draw(st.integers(min_value=0, max_value=2**16))


def file_bytes(document: Any, kind: str, cut: int) -> bytes:
    """The bytes of the artifacts file ``product_folders`` describes."""
    if kind == "deep":
        return b'{"version": "0.16.0", "metadata": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    if kind == "bytes":
        return cut.to_bytes(3, "big") * (cut % 7) + b"\xff\xfe{"
    try:
        text = json.dumps(expanded(document), allow_nan=True)
    except RecursionError:  # deeper than json can write: the parser's limit, as with "deep"
        return b"[" * 20_000
    if kind == "truncated":
        text = text[: cut % (len(text) + 1)]
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(product_folders())
def test_load_product_definitions_builds_or_says_what_is_wrong(product):
    name, document, kind, cut = product
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "compiled_artifacts.json").write_bytes(file_bytes(document, kind, cut))
        try:
            defs = load_product_definitions(name, folder)
        except (ValidationError, ProductLoadError, ArtifactsNotFoundError) as error:
            _has_a_message(error)
            return
    _loads(defs)


def test_a_missing_file_is_artifacts_not_found(tmp_path: Path):
    with pytest.raises(ArtifactsNotFoundError, match="Compiled artifacts not found at"):
        load_product_definitions("shop", tmp_path)


# -- what the fuzz test found, one regression test each (each raised another exception type) ----


@pytest.mark.parametrize("path", ["x" * 300, "a\x00b", "/".join(["x" * 200] * 30)])
def test_found_a_path_no_file_can_have_is_artifacts_not_found(path):
    """Was OSError (File name too long) or ValueError (embedded null byte)."""
    with pytest.raises(ArtifactsNotFoundError, match="Compiled artifacts not found at"):
        DagsterOrchestratorPlugin().create_definitions(path)
    with pytest.raises(ArtifactsNotFoundError, match="Compiled artifacts not found at"):
        load_product_definitions("shop", path)


def test_found_a_dict_nested_thousands_deep_is_a_validation_error():
    """Was RecursionError, in floe-core's recursive check of plugin configs."""
    document = compiled_artifacts({"name": "stg_a"})
    document["plugins"]["orchestrator"]["config"] = {"lineage": {"namespace": Deep(3000, True)}}
    with pytest.raises(ValidationError) as caught:
        DagsterOrchestratorPlugin().create_definitions(expanded(document))
    assert (
        "The artifacts are nested more than 100 levels deep, at plugins.orchestrator.config."
        "lineage.namespace.0... CompiledArtifacts are never that deep"
    ) in str(caught.value)


def test_found_a_file_nested_past_the_json_parsers_limit_is_a_validation_error(tmp_path: Path):
    """Was RecursionError, when the message looked for the file's schema version."""
    (tmp_path / "compiled_artifacts.json").write_bytes(b"[" * 20_000)
    with pytest.raises(ValidationError) as caught:
        load_product_definitions("shop", tmp_path)
    assert "are not valid JSON (Invalid JSON: recursion limit exceeded" in str(caught.value)


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ({"default_schedule": "tag:floe_compute__duckdb"}, "default_schedule in the plugin config"),
        ({"schedule": {"cron": "0 8 * *"}}, None),
        ({"schedule": {"cron": "\ud800"}}, None),
    ],
)
def test_found_an_invalid_product_schedule_is_a_validation_error(config, where):
    """Was ValueError (default_schedule) or UnicodeEncodeError (a lone surrogate in a cron)."""
    document = compiled_artifacts({"name": "stg_a"})
    document["plugins"]["orchestrator"]["config"] = config
    with pytest.raises(ValidationError) as caught:
        DagsterOrchestratorPlugin().create_definitions(document)
    message = str(caught.value)
    assert "Invalid cron expression" in message
    if where:
        assert f"The product schedule's cron ({where}) is invalid." in message
