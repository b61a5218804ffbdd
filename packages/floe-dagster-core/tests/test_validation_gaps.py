"""Validation with no gaps: whole-string identifiers, every compute target checked, resource keys.

Each test here was accepted before (issue 16): ``re.match`` with ``$`` let a trailing newline
through, ``default_compute`` and ``plugins.compute.type`` were never checked although they become
a dbt target, a dbt selector and a resource key, and ``a-b`` and ``a_b`` shared ``dbt_a_b``.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from floe_dagster_core import (
    ScheduleSpec,
    create_assets_from_transforms,
    create_definitions,
    load_artifacts,
    validate_transforms,
)
from floe_dagster_core.testing import compiled_artifacts, generated_product

HOSTILE_COMPUTES = ["spark\n", "tag:x", "x --vars '{a: 1}'", "a b", "a/b", "", "ünï", "a,b", "+a"]


def error_of(artifacts) -> str:
    with pytest.raises(ValidationError) as caught:
        load_artifacts(artifacts)
    return str(caught.value)


def test_a_name_with_a_trailing_newline_is_refused():
    message = error_of(compiled_artifacts({"name": "a\n"}))
    assert "`transforms.models[0].name`: 'a\\n' is not a valid dbt model name." in message
    assert "Rename the model in floe.yaml and in the dbt project." in message


def test_a_compute_with_a_trailing_newline_is_refused():
    message = error_of(compiled_artifacts({"name": "a", "compute": "spark\n"}))
    assert (
        "`transforms.models[0].compute`: transform 'a' has compute target 'spark\\n', which is "
        "not a valid dbt target name. A compute target name starts with a letter or underscore "
        "and has only letters, digits and underscores (e.g. 'duckdb')"
    ) in message
    assert "Fix it in floe.yaml." in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("depends_on", ["raw_orders\n"]), ("tags", ["daily\n"])],
)
def test_upstreams_and_tags_are_matched_whole(field, value):
    message = error_of(compiled_artifacts({"name": "a", field: value}))
    assert f"`transforms.models[0].{field}`: transform 'a'" in message
    assert repr(value[0]) in message


@pytest.mark.parametrize("compute", HOSTILE_COMPUTES)
def test_default_compute_is_validated_like_compute(compute):
    artifacts = compiled_artifacts({"name": "a", "compute": "duckdb"})
    artifacts["transforms"]["default_compute"] = compute
    message = error_of(artifacts)
    assert (
        f"`transforms.default_compute`: the product's default compute target is {compute!r}, "
        "which is not a valid dbt target name."
    ) in message
    assert "'tag:floe_compute__<name>'" in message  # why it matters
    assert "Fix it in manifest.yaml (the platform's compute plugin) and recompile" in message


@pytest.mark.parametrize("compute", HOSTILE_COMPUTES)
def test_the_compute_plugin_type_is_validated_like_compute(compute):
    artifacts = compiled_artifacts({"name": "a", "compute": "duckdb"})
    artifacts["plugins"]["compute"]["type"] = compute
    message = error_of(artifacts)
    assert (
        f"`plugins.compute.type`: the compute plugin type is {compute!r}, which is not a valid "
        "dbt target name."
    ) in message


def test_the_default_compute_argument_of_create_assets_is_validated():
    with pytest.raises(ValidationError) as caught:
        create_assets_from_transforms([{"name": "a"}], default_compute="duckdb --vars x")
    assert (
        "`default_compute`: the default compute target is 'duckdb --vars x', which is not a "
        "valid dbt target name."
    ) in str(caught.value)


def test_computes_sharing_a_resource_key_are_refused_naming_both():
    message = error_of(
        compiled_artifacts({"name": "a", "compute": "a-b"}, {"name": "b", "compute": "a_b"})
    )
    assert (
        "Compute targets 'a-b' (transforms.models[0].compute) and 'a_b' "
        "(transforms.models[1].compute) both become the Dagster resource key 'dbt_a_b', so one "
        "dbt resource would run the models of both. Rename one of them"
    ) in message
    assert "type=floe_resource_key_collision" in message


def test_a_default_compute_sharing_a_resource_key_is_refused_before_dagster_fails():
    # the default compute runs the dbt models floe lists without a compute (here model_00001)
    product = generated_product(2)
    artifacts = product.artifacts
    artifacts["transforms"]["models"][0]["compute"] = "a_b"
    artifacts["transforms"]["models"][1]["compute"] = None
    artifacts["transforms"]["default_compute"] = "a-b"

    def build_and_resolve():
        defs = create_definitions(artifacts, manifest=product.manifest)
        defs.resolve_job_def("generated_product_job")  # where Dagster used to fail

    with pytest.raises(ValidationError) as caught:
        build_and_resolve()
    assert (
        "Compute targets 'a-b' (transforms.default_compute) and 'a_b' "
        "(transforms.models[0].compute) both become the Dagster resource key 'dbt_a_b'"
    ) in str(caught.value)


def test_a_default_compute_argument_sharing_a_resource_key_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_transforms([{"name": "a", "compute": "a_b"}], default_compute="a.b")
    assert "Compute targets 'a.b' (default_compute) and 'a_b' (transforms[0].compute)" in str(
        caught.value
    )


def test_a_job_name_with_a_trailing_newline_cannot_be_scheduled():
    with pytest.raises(ValueError, match=r"Cannot schedule job 'daily\\n': a Dagster job name"):
        ScheduleSpec("daily\n", "@daily")


def test_the_input_of_a_document_error_is_not_printed():
    """pydantic printed the tail of the whole artifacts' repr: dbt_profiles, passwords included."""
    profiles = {"p": {"target": "dev", "outputs": {"dev": {"type": "x", "password": "hunter2"}}}}
    message = error_of(compiled_artifacts({"name": "a-b"}, dbt_profiles=profiles))
    assert "is not a valid dbt model name" in message
    assert "hunter2" not in message


def test_a_short_field_value_is_still_shown():
    artifacts = compiled_artifacts({"name": "a"})
    artifacts["transforms"]["models"][0]["depends_on"] = "stg_customers"
    message = error_of(artifacts)
    assert "transforms.models.0.depends_on" in message
    assert "input_value='stg_customers'" in message
    artifacts["dbt_profiles"] = "secret-token-in-the-wrong-place"
    assert "secret-token" not in error_of(artifacts)  # dbt_profiles hold credentials: hidden


@pytest.mark.parametrize("compute", ["duckdb", "_spark", "Snowflake_2"])
def test_valid_compute_targets_still_pass(compute):
    artifacts = compiled_artifacts({"name": "a"}, default_compute=compute)
    assert load_artifacts(artifacts).default_compute == compute


@pytest.mark.parametrize("name", ["as", "type", "input", "config", "class"])
def test_a_name_dagster_reserves_is_refused_before_dagster_fails(name):
    """Found by the fuzz test: Dagster raised DagsterInvalidDefinitionError on both paths."""
    product = generated_product(1)
    artifacts = product.artifacts
    artifacts["transforms"]["models"][0]["name"] = name
    with pytest.raises(ValidationError) as caught:
        create_definitions(artifacts)
    message = str(caught.value)
    assert f"`transforms.models[0].name`: {name!r} is a name Dagster reserves" in message
    assert f"Rename the model in floe.yaml and in the dbt project (e.g. '{name}_model')" in message


def test_the_reserved_names_are_dagsters_own():
    """A Dagster release that changes its list shows here (it is private, so it is copied)."""
    from dagster._core.definitions.utils import DISALLOWED_NAMES

    from floe_dagster_core._graph import DAGSTER_RESERVED

    assert set(DISALLOWED_NAMES) == DAGSTER_RESERVED
