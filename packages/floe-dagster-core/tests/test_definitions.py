"""create_definitions: Definitions from CompiledArtifacts on both asset paths (spec US2)."""

from __future__ import annotations

import dagster as dg
import pytest
from pydantic import ValidationError

from floe_dagster_core import ScheduleSpec, create_definitions, job_name
from floe_dagster_core.testing import compiled_artifacts, generated_product

# sqlglot (imported by dagster-dbt) warns on import in the Dagster 1.10 and 1.13 locks:
# third-party noise, filtered here because dagster-dbt is first imported inside these tests.


def keys(defs):
    return {k.to_user_string() for k in defs.resolve_asset_graph().materializable_asset_keys}


def parents(defs, key):
    graph = defs.resolve_asset_graph()
    return {p.to_user_string() for p in graph.get(dg.AssetKey(key)).parent_keys}


def test_us2_1_five_models_five_assets():
    models = [{"name": f"model_{c}"} for c in "abcde"]
    defs = create_definitions(compiled_artifacts(*models))
    assert keys(defs) == {f"model_{c}" for c in "abcde"}


def test_us2_2_dependency_chain():
    defs = create_definitions(
        compiled_artifacts(
            {"name": "model_a"},
            {"name": "model_b", "depends_on": ["model_a"]},
            {"name": "model_c", "depends_on": ["model_b"]},
        )
    )
    assert parents(defs, "model_b") == {"model_a"}
    assert parents(defs, "model_c") == {"model_b"}
    assert parents(defs, "model_a") == set()


def test_us2_3_invalid_schema_is_an_actionable_validation_error():
    with pytest.raises(ValidationError) as caught:
        create_definitions({"version": "0.16.0", "metadata": {}, "transforms": {"models": "x"}})
    message = str(caught.value)
    assert "metadata.product_name\n  Field required" in message
    assert "transforms.models\n  Input should be a valid list" in message


def test_edge_zero_transforms_gives_empty_definitions():
    defs = create_definitions(compiled_artifacts())
    assert list(defs.assets or []) == []
    assert defs.resolve_asset_graph().get_all_asset_keys() == set()


def test_edge_cycle_refused_before_anything_is_built():
    with pytest.raises(ValidationError, match=r"which forms a cycle: a -> b -> a\."):
        create_definitions(
            compiled_artifacts(
                {"name": "a", "depends_on": ["b"]}, {"name": "b", "depends_on": ["a"]}
            )
        )


def test_edge_duplicate_refused():
    with pytest.raises(ValidationError, match="Duplicate transform name 'a'"):
        create_definitions(compiled_artifacts({"name": "a"}, {"name": "a"}))


def test_sources_become_source_assets_and_the_job_materializes_the_rest():
    defs = create_definitions(
        compiled_artifacts({"name": "stg_customers", "depends_on": ["raw_customers"]})
    )
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("raw_customers")).is_external
    job = defs.resolve_job_def("shop_analytics_job")
    # The job runs the one transform's op; the source is not materialized.
    assert [node.name for node in job.nodes] == ["floe_dbt_duckdb"]
    assert graph.get(dg.AssetKey("stg_customers")).is_materializable


def test_job_name_is_the_sanitised_product_name():
    assert job_name("shop-analytics") == "shop_analytics_job"
    assert job_name("9lives") == "floe_9lives_job"
    assert job_name("") == "floe_job"


def test_one_resource_per_compute_target():
    defs = create_definitions(compiled_artifacts({"name": "a"}, {"name": "b", "compute": "spark"}))
    assert {"dbt_duckdb", "dbt_spark"} <= set(defs.resources or {})


def test_without_a_project_materializing_explains_what_to_configure():
    defs = create_definitions(compiled_artifacts({"name": "a"}))
    result = defs.resolve_job_def("shop_analytics_job").execute_in_process(raise_on_error=False)
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "No dbt project is configured for compute target 'duckdb'" in failure.description
    assert "project_dir" in failure.description


def test_idempotent_per_transform_and_dbt_paths():
    product = generated_product(60, overrides={"model_00005": "duckdb_heavy"})
    for kwargs in ({}, {"manifest": product.manifest}):
        first = describe(create_definitions(product.artifacts, **kwargs))
        second = describe(create_definitions(product.artifacts, **kwargs))
        assert first == second


def describe(defs):
    graph = defs.resolve_asset_graph()
    return (
        {
            k.to_user_string(): (
                sorted(p.to_user_string() for p in graph.get(k).parent_keys),
                # dagster-dbt keeps its manifest and translator objects in metadata: left out.
                {
                    m: v
                    for m, v in graph.get(k).metadata.items()
                    if not m.startswith("dagster_dbt/")
                },
                dict(graph.get(k).tags),
                graph.get(k).group_name,
                sorted(graph.get(k).kinds),
            )
            for k in graph.get_all_asset_keys()
        },
        sorted(job.name for job in defs.resolve_all_job_defs()),
        sorted(defs.resources or {}),
    )


def test_schedules_are_built_on_the_all_assets_job():
    spec = ScheduleSpec(
        job_name="shop_analytics_job", cron="0 8 * * *", timezone="America/New_York"
    )
    other = ScheduleSpec(job_name="nightly", cron="0 2 * * *")
    defs = create_definitions(compiled_artifacts({"name": "a"}), schedules=[spec, other])
    schedules = {s.job_name: s for s in defs.schedules or []}
    assert set(schedules) == {"shop_analytics_job", "nightly"}
    assert schedules["shop_analytics_job"].cron_schedule == "0 8 * * *"
    assert schedules["shop_analytics_job"].execution_timezone == "America/New_York"
    assert defs.resolve_job_def("nightly").name == "nightly"


def test_dbt_manifest_path_keys_and_metadata_match_the_per_transform_path():
    product = generated_product(40)
    per_transform = describe(create_definitions(product.artifacts))[0]
    dbt = describe(create_definitions(product.artifacts, manifest=product.manifest))[0]
    assert set(dbt) == set(per_transform)
    for key, (ups, metadata, tags, _group, kinds) in per_transform.items():
        if key == "raw_events":
            continue
        d_ups, d_metadata, d_tags, _d_group, d_kinds = dbt[key]
        assert d_ups == ups
        assert d_kinds == kinds == ["dbt", "duckdb"]
        assert set(tags) <= set(d_tags)
        for floe_key in ("floe/compute", "floe/quality_tier", "floe/tags"):
            assert d_metadata[floe_key] == metadata[floe_key], (key, floe_key)


def test_transforms_missing_from_the_manifest_are_named():
    product = generated_product(5)
    product.artifacts["transforms"]["models"].append({"name": "not_in_dbt"})
    with pytest.raises(ValidationError) as caught:
        create_definitions(product.artifacts, manifest=product.manifest)
    message = str(caught.value)
    assert "transforms.models.5.name" in message
    assert "Transform 'not_in_dbt' is not a model of the dbt project" in message


def test_ten_thousand_models_select_compactly():
    product = generated_product(
        10_000, overrides={f"model_{i:05d}": "duckdb_heavy" for i in (1, 2, 3)}
    )
    defs = create_definitions(product.artifacts, manifest=product.manifest)
    assert len(keys(defs)) == 10_001
    nodes = {
        n["name"]: n for n in product.manifest["nodes"].values() if n["resource_type"] == "model"
    }
    compute_of = {m["name"]: m["compute"] for m in product.artifacts["transforms"]["models"]}
    from floe_dagster_core._dbt_assets import selections

    chosen = {s.compute: s for s in selections(nodes, compute_of, "duckdb")}
    assert chosen["duckdb"].cli_args() == [
        "--select",
        "fqn:*",
        "--exclude",
        "model_00001 model_00002 model_00003",
    ]
    assert chosen["duckdb_heavy"].cli_args() == ["--select", "model_00001 model_00002 model_00003"]
    # What dagster-dbt puts on the command line of a full run: the op's select/exclude tags.
    for assets_def in defs.assets:
        if isinstance(assets_def, dg.AssetsDefinition) and assets_def.op.tags.get(
            "dagster_dbt/select"
        ):
            args = [
                assets_def.op.tags["dagster_dbt/select"],
                assets_def.op.tags.get("dagster_dbt/exclude", ""),
            ]
            assert sum(len(a) for a in args) < 200


def test_ten_thousand_models_split_in_two_targets_never_make_a_long_argument():
    half = {f"model_{i:05d}": "duckdb_heavy" for i in range(0, 10_000, 2)}
    product = generated_product(10_000, overrides=half)
    nodes = {
        n["name"]: n for n in product.manifest["nodes"].values() if n["resource_type"] == "model"
    }
    from floe_dagster_core._dbt_assets import selections

    chosen = {s.compute: s for s in selections(nodes, half, "duckdb")}
    default, heavy = chosen["duckdb"].cli_args(), chosen["duckdb_heavy"].cli_args()
    names = " ".join(sorted(half))
    assert default == ["--select", "fqn:*", "--exclude", names]
    assert heavy == ["--select", names]
    # Linux refuses one argument over 128 KiB and a command line over ~2 MiB.
    for args in (default, heavy):
        assert max(len(a.encode()) for a in args) < 128 * 1024
        assert sum(len(a) + 1 for a in args) < 256 * 1024
    defs = create_definitions(product.artifacts, manifest=product.manifest)
    assert len(keys(defs)) == 10_001
    graph = defs.resolve_asset_graph()
    heavy_node, default_node = (
        graph.get(dg.AssetKey("model_00000")),
        graph.get(dg.AssetKey("model_00001")),
    )
    assert heavy_node.metadata["floe/compute"] == "duckdb_heavy"
    assert default_node.metadata["floe/compute"] == "duckdb"
    # The marker tags used to choose each target's assets stay out of the assets' tags.
    assert not any(t.startswith("floe_compute__") for t in heavy_node.tags)
    ops = {a.op.name: a for a in defs.assets if isinstance(a, dg.AssetsDefinition)}
    assert dg.AssetKey("model_00000") in ops["dbt_duckdb_heavy"].keys
    assert dg.AssetKey("model_00001") in ops["dbt_duckdb"].keys


def test_a_single_compute_target_selects_the_whole_project():
    product = generated_product(10_000)
    nodes = {
        n["name"]: n for n in product.manifest["nodes"].values() if n["resource_type"] == "model"
    }
    from floe_dagster_core._dbt_assets import selections

    (only,) = selections(nodes, {}, "duckdb")
    assert only.cli_args() == ["--select", "fqn:*"]
    assert len(only.models) == 10_000


def test_deep_dbt_graphs_build_under_a_low_recursion_limit():
    """dagster-dbt asks for each parent's spec recursively (0.26); the translator computes the
    ancestors first, so a 10,000-model product builds with only 400 frames of stack allowed."""
    import sys

    product = generated_product(10_000)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        defs = create_definitions(product.artifacts, manifest=product.manifest)
    finally:
        sys.setrecursionlimit(limit)
    assert len(keys(defs)) == 10_001
