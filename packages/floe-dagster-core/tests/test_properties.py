"""Property tests: any transform list either builds with one asset each or is a ValidationError."""

from __future__ import annotations

import dagster as dg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from floe_dagster_core import create_assets_from_transforms, create_definitions, validate_transforms

# sqlglot (imported by dagster-dbt) warns on import in the Dagster 1.10 and 1.13 locks:
# third-party noise, filtered here because dagster-dbt is first imported inside these tests.

GOOD = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True)
ODD = st.sampled_from(["", "1x", "a-b", "a b", "é", "x" * 129, "a.b", "DROP TABLE"])
NAMES = st.one_of(GOOD, GOOD, GOOD, ODD)


@st.composite
def transform_lists(draw):
    names = draw(st.lists(NAMES, max_size=12))
    transforms = []
    for i, name in enumerate(names):
        pool = [*names, "raw_src"]
        ups = draw(st.lists(st.sampled_from(pool), max_size=3)) if pool else []
        if draw(st.booleans()):
            # Mostly acyclic: point at earlier transforms only.
            ups = [u for u in ups if u in names[:i] or u == "raw_src"]
        transforms.append(
            {
                "name": name,
                "depends_on": ups,
                "compute": draw(st.sampled_from([None, "duckdb", "spark", "bad target"])),
                "materialization": draw(st.sampled_from(["table", "view", "tabel"])),
                "tags": draw(
                    st.lists(st.sampled_from(["daily", "core", "no spaces!"]), max_size=2)
                ),
            }
        )
    return transforms


def expected_ok(transforms) -> bool:
    try:
        validate_transforms(transforms)
    except ValidationError:
        return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transform_lists())
def test_assets_build_or_validation_error(transforms):
    try:
        assets = create_assets_from_transforms(transforms)
    except ValidationError:
        assert not expected_ok(transforms)
        return
    assert len(assets) == len(transforms)
    assert {a.key.to_user_string() for a in assets} == {t["name"] for t in transforms}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transform_lists())
def test_definitions_build_or_validation_error(transforms):
    artifacts = {
        "version": "0.16.0",
        "metadata": {"product_name": "prop"},
        "transforms": {"models": transforms},
    }
    try:
        defs = create_definitions(artifacts)
    except ValidationError:
        return
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.materializable_asset_keys}
    assert keys == {t["name"] for t in transforms}
    for t in transforms:
        parents = {p.to_user_string() for p in graph.get(dg.AssetKey(t["name"])).parent_keys}
        assert parents == set(t["depends_on"])
