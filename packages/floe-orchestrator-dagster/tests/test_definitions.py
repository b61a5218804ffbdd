"""The facade's create_definitions / create_assets_from_transforms (spec US2, US3)."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest
from floe_core.plugins.orchestrator import TransformConfig
from pydantic import ValidationError

from floe_dagster_core import ArtifactsNotFoundError
from floe_dagster_core.testing import compiled_artifacts, generated_product
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig

# sqlglot (imported by dagster-dbt) warns on import in the Dagster 1.10 and 1.13 locks:
# third-party noise, filtered here because dagster-dbt is first imported inside these tests.


@pytest.fixture
def plugin() -> DagsterOrchestratorPlugin:
    return DagsterOrchestratorPlugin()


artifacts = compiled_artifacts


def keys(defs) -> set[str]:
    return {k.to_user_string() for k in defs.resolve_asset_graph().materializable_asset_keys}


def dbt_assets_defs(defs) -> list[dg.AssetsDefinition]:
    return [
        a
        for a in defs.assets or []
        if isinstance(a, dg.AssetsDefinition) and "dagster_dbt/select" in a.op.tags
    ]


def test_us2_1_five_models(plugin, spans):
    defs = plugin.create_definitions(artifacts(*({"name": f"m{i}"} for i in range(5))))
    assert keys(defs) == {f"m{i}" for i in range(5)}
    assert spans.named("floe.orchestrator.dagster.create_definitions")


def test_us2_2_chain(plugin):
    defs = plugin.create_definitions(
        artifacts(
            {"name": "model_a"},
            {"name": "model_b", "depends_on": ["model_a"]},
            {"name": "model_c", "depends_on": ["model_b"]},
        )
    )
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("model_c")).parent_keys == {dg.AssetKey("model_b")}
    assert graph.get(dg.AssetKey("model_b")).parent_keys == {dg.AssetKey("model_a")}


def test_us2_3_invalid_schema(plugin):
    broken = artifacts({"name": "a"})
    del broken["metadata"]
    with pytest.raises(ValidationError, match=r"metadata\n  Field metadata is required by"):
        plugin.create_definitions(broken)


def test_edge_cases_zero_cycle_duplicate(plugin):
    assert keys(plugin.create_definitions(artifacts())) == set()
    with pytest.raises(ValidationError, match="forms a cycle: a -> a"):
        plugin.create_definitions(artifacts({"name": "a", "depends_on": ["a"]}))
    with pytest.raises(ValidationError, match="Duplicate transform name 'a'"):
        plugin.create_definitions(artifacts({"name": "a"}, {"name": "a"}))


def write_product(folder: Path) -> Path:
    """A product folder: dbt_project.yml, target/manifest.json and compiled_artifacts.json."""
    product = generated_product(20)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text("name: generated\nprofile: generated\n")
    (folder / "target").mkdir(exist_ok=True)
    (folder / "target" / "manifest.json").write_text(json.dumps(product.manifest))
    path = folder / "compiled_artifacts.json"
    path.write_text(json.dumps(product.artifacts))
    return path


def test_a_path_finds_the_dbt_project_beside_it(plugin, tmp_path):
    path = write_product(tmp_path / "product")
    for given in (path, str(path)):
        defs = plugin.create_definitions(given)
        assert len(keys(defs)) == 21
        (only,) = dbt_assets_defs(defs)
        assert only.op.tags["dagster_dbt/select"] == "fqn:*"
        resource = defs.resources["dbt_duckdb"]
        assert Path(resource.project_dir) == (tmp_path / "product").resolve()


def test_config_project_dir_wins(plugin, tmp_path):
    project = write_product(tmp_path / "project").parent
    plugin.configure(DagsterPluginConfig(project_dir=project))
    defs = plugin.create_definitions(generated_product(20).artifacts)
    assert dbt_assets_defs(defs)
    assert Path(defs.resources["dbt_duckdb"].project_dir) == project.resolve()


def test_without_a_project_one_asset_per_transform(plugin, tmp_path):
    path = tmp_path / "compiled_artifacts.json"
    path.write_text(json.dumps(artifacts({"name": "a"}, {"name": "b", "depends_on": ["a"]})))
    defs = plugin.create_definitions(path)
    assert keys(defs) == {"a", "b"}
    assert dbt_assets_defs(defs) == []


def test_missing_or_broken_artifacts_file(plugin, tmp_path):
    with pytest.raises(ArtifactsNotFoundError, match="Compile the product first: floe platform"):
        plugin.create_definitions(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2")
    with pytest.raises(ValidationError, match=r"are not valid JSON \(Invalid JSON: EOF"):
        plugin.create_definitions(broken)
    with pytest.raises(ValidationError, match="must be a dict, floe-core's CompiledArtifacts or"):
        plugin.create_definitions(42)  # type: ignore[arg-type]


def test_schedules_of_the_book_are_in_the_definitions(plugin):
    plugin.schedule_job("shop_analytics_job", "0 8 * * *", "America/New_York")
    defs = plugin.create_definitions(artifacts({"name": "a"}))
    (schedule,) = defs.schedules
    assert schedule.job_name == "shop_analytics_job"
    assert schedule.cron_schedule == "0 8 * * *"
    assert schedule.execution_timezone == "America/New_York"


class Observer:
    def started(self, info):
        pass

    def succeeded(self, info):
        pass

    def failed(self, info, error):
        pass


class Gateway:
    """Stands in for the lineage gateway to show what the facade hands over."""

    def __init__(self):
        from floe_orchestrator_dagster._lineage_settings import LineageSettings

        self.settings = LineageSettings()
        self.calls = []

    def observers_for(self, artifacts, project=None):
        self.calls.append((artifacts.product_name, project))
        return [Observer()]

    def sensors_for(self, artifacts):
        return []


def test_lineage_observers_are_asked_with_the_artifacts_and_project(tmp_path):
    from floe_orchestrator_dagster import _definitions
    from floe_orchestrator_dagster._schedules import ScheduleBook

    path = write_product(tmp_path / "product")
    gateway = Gateway()
    defs = _definitions.create_definitions(
        DagsterPluginConfig(), path, schedules=ScheduleBook(), lineage=gateway
    )
    ((product, project),) = gateway.calls
    assert product == "generated-product"
    assert project.project_dir == path.parent.resolve()
    assert len(keys(defs)) == 21


def test_us3_transform_configs(plugin, spans):
    assets = plugin.create_assets_from_transforms(
        [
            TransformConfig(
                name="stg_customers", depends_on=["raw_customers"], tags=["daily", "core"]
            ),
            TransformConfig(
                name="heavy_aggregation", compute="spark", depends_on=["stg_customers"]
            ),
        ]
    )
    stg, heavy = assets
    assert set(stg.dependency_keys) == {dg.AssetKey("raw_customers")}
    assert {"daily", "core"} <= set(next(iter(stg.specs)).tags)
    assert next(iter(heavy.specs)).metadata["floe/compute"] == "spark"
    assert spans.named("floe.orchestrator.dagster.create_assets_from_transforms")


def test_transform_dicts_and_errors(plugin):
    (asset,) = plugin.create_assets_from_transforms([{"name": "a"}])  # type: ignore[list-item]
    assert asset.key == dg.AssetKey("a")
    with pytest.raises(ValidationError, match="is not a valid dbt model name"):
        plugin.create_assets_from_transforms([TransformConfig(name="1bad")])


@pytest.mark.slow
def test_compute_targets_in_the_plugin_config_pick_the_dbt_target(tmp_path):
    """`compute_targets` maps a compute name to a differently named dbt target (runs dbt parse)."""
    import shutil

    shop = Path(__file__).parents[2] / "floe-dagster-core" / "tests" / "data" / "shop"
    project = tmp_path / "shop"
    shutil.copytree(shop, project, ignore=shutil.ignore_patterns("target", "*.duckdb"))
    artifacts = json.loads((project / "compiled_artifacts.json").read_text())
    for model in artifacts["transforms"]["models"]:
        if model["name"] == "dim_calendar":
            model["compute"] = "heavy"  # no dbt target has this name: the config maps it
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(
        DagsterPluginConfig.model_validate(
            {"project_dir": str(project), "compute_targets": {"heavy": "dev"}}
        )
    )
    defs = plugin.create_definitions(artifacts)
    assert defs.resources["dbt_heavy"].target == "dev"
    assert defs.resources["dbt_duckdb"].target is None  # the default: the profile's own target


def test_a_compute_target_from_a_plugin_that_is_not_installed_lists_the_installed_ones(tmp_path):
    path = write_product(tmp_path / "product")
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(
        DagsterPluginConfig.model_validate(
            {"compute_targets": {"heavy": {"plugin": "spark", "config": {"host": "x"}}}}
        )
    )
    with pytest.raises(ValidationError) as error:
        plugin.create_definitions(str(path))  # type: ignore[arg-type]
    message = str(error.value)
    assert "plugins.orchestrator.config.compute_targets.heavy" in message
    assert (
        "`compute_targets.heavy.plugin` is 'spark', which is not an installed floe compute "
        "plugin; installed: duckdb." in message
    )


def test_a_compute_target_asked_from_the_floe_compute_plugin(tmp_path):
    """{plugin: duckdb, config: {...}}: floe-compute-duckdb writes the dbt output."""
    from floe_orchestrator_dagster._compute_targets import ComputeTarget, dbt_targets

    targets = dbt_targets(
        {"analytics": ComputeTarget(plugin="duckdb", config={"path": "a.duckdb", "threads": 2})}
    )
    assert targets["analytics"]["type"] == "duckdb"
    assert targets["analytics"]["path"] == "a.duckdb"
    assert targets["analytics"]["threads"] == 2
