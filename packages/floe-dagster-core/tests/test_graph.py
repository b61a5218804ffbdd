"""Graph validation: duplicates, cycles, identifiers, materializations, sources, linear time."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from floe_dagster_core import load_artifacts, validate_transforms
from floe_dagster_core.testing import compiled_artifacts


def error_of(models) -> str:
    with pytest.raises(ValidationError) as caught:
        load_artifacts(compiled_artifacts(*models, product="p"))
    return str(caught.value)


def test_duplicate_names_both_occurrences():
    message = error_of([{"name": "a"}, {"name": "b"}, {"name": "a"}])
    assert (
        "Duplicate transform name 'a': transforms.models[0] and transforms.models[2] are both "
        "named 'a'. Transform names must be unique; rename or remove one of them in floe.yaml."
    ) in message
    assert "type=floe_duplicate_transform" in message


def test_cycle_is_named_with_its_path():
    message = error_of(
        [
            {"name": "a", "depends_on": ["c"]},
            {"name": "b", "depends_on": ["a"]},
            {"name": "c", "depends_on": ["b"]},
        ]
    )
    assert (
        "Transform 'a' depends on 'c', which forms a cycle: a -> c -> b -> a. "
        "Remove one of these dependencies in floe.yaml."
    ) in message


def test_cycle_behind_a_valid_prefix_names_only_the_cycle():
    message = error_of(
        [
            {"name": "root"},
            {"name": "fct_orders", "depends_on": ["root", "stg_orders"]},
            {"name": "stg_orders", "depends_on": ["fct_orders"]},
            {"name": "leaf", "depends_on": ["fct_orders"]},
        ]
    )
    assert "cycle: fct_orders -> stg_orders -> fct_orders." in message


def test_self_dependency_is_a_cycle():
    assert "cycle: a -> a." in error_of([{"name": "a", "depends_on": ["a"]}])


@pytest.mark.parametrize("name", ["1st", "stg-orders", "drop table", "", "é", "x" * 129])
def test_names_must_be_identifiers(name):
    message = error_of([{"name": name}])
    assert "`transforms.models[0].name`:" in message
    assert "is not a valid dbt model name" in message


def test_upstream_must_be_an_identifier_or_source_table():
    message = error_of([{"name": "a", "depends_on": ["raw customers"]}])
    assert "transform 'a' depends on 'raw customers', which is not a valid" in message
    load_artifacts(compiled_artifacts({"name": "a", "depends_on": ["raw.customers"]}))


def test_unknown_materialization_lists_the_valid_ones():
    message = error_of([{"name": "a", "materialization": "tabel"}])
    assert (
        "`transforms.models[0].materialization`: transform 'a' has materialization 'tabel', which "
        "is not a dbt materialization. Use one of: dynamic_table, ephemeral, incremental, "
        "materialized_view, snapshot, table, view."
    ) in message


def test_tags_dagster_cannot_carry_are_refused():
    message = error_of([{"name": "a", "tags": ["has space"]}])
    assert "transform 'a' has tag 'has space', which Dagster cannot carry" in message


def test_compute_must_be_a_target_name():
    message = error_of([{"name": "a", "compute": "duck db"}])
    assert "has compute target 'duck db', which is not a valid dbt target name" in message


def test_unknown_upstream_is_a_source_not_an_error():
    graph = load_artifacts(
        compiled_artifacts({"name": "stg_customers", "depends_on": ["raw_customers"]})
    )
    assert graph.graph.sources == ("raw_customers",)
    assert graph.graph.edges() == {("raw_customers", "stg_customers")}


def test_order_puts_upstreams_first_and_keeps_input_order_otherwise():
    graph = validate_transforms(
        [
            {"name": "c", "depends_on": ["b"]},
            {"name": "x"},
            {"name": "b", "depends_on": ["a"]},
            {"name": "a"},
        ]
    ).graph
    assert [t.name for t in graph.order] == ["x", "a", "b", "c"]


def test_transform_lists_name_their_own_field_path():
    with pytest.raises(ValidationError, match=r"transforms\[0\] and transforms\[1\]"):
        validate_transforms([{"name": "a"}, {"name": "a"}])


def test_long_chains_and_wide_fans_validate_without_recursion_limits():
    """A 50,000-deep chain and a 20,000-wide fan: no recursion (the check is iterative).

    Its linear time is measured by bench/bench_definitions.py, not asserted here: a timed test on
    a shared 2-core machine would fail for reasons that have nothing to do with the code.
    """
    chain = [{"name": f"m{i}", "depends_on": [f"m{i - 1}"] if i else []} for i in range(50_000)]
    assert len(validate_transforms(chain).transforms) == 50_000
    fan = [{"name": "root"}] + [{"name": f"f{i}", "depends_on": ["root"]} for i in range(20_000)]
    assert len(validate_transforms(fan).transforms) == 20_001
    looped = [*chain[:1000], {"name": "m0x", "depends_on": ["m999"]}]
    looped[0] = {"name": "m0", "depends_on": ["m0x"]}
    with pytest.raises(ValidationError, match="forms a cycle"):
        validate_transforms(looped)
