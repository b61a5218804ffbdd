"""Real execution on DuckDB: every asset of the shop product, routing, failures, observers."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from .conftest import RecordingObserver, copy_shop, shop_definitions

# sqlglot (imported by dagster-dbt) warns on import in the Dagster 1.10 and 1.13 locks:
# third-party noise, filtered here because dagster-dbt is first imported inside these tests.
pytestmark = pytest.mark.slow

MODELS = {"stg_customers", "stg_orders", "fct_orders", "dim_calendar"}


def tables(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        names = [
            row[0] for row in con.sql("select table_name from information_schema.tables").fetchall()
        ]
        return {name: con.sql(f'select count(*) from "{name}"').fetchall()[0][0] for name in names}


@pytest.fixture(scope="module")
def shop_run(shop_project):
    """The whole shop on both targets, with every selection passed to dbt by floe itself."""
    from floe_dagster_core import _dbt_assets

    observer = RecordingObserver()
    limit, _dbt_assets.LIST_LIMIT = _dbt_assets.LIST_LIMIT, 0
    try:
        defs = shop_definitions(shop_project / "compiled_artifacts.json", observers=[observer])
    finally:
        _dbt_assets.LIST_LIMIT = limit
    job = defs.resolve_job_def("shop_analytics_job")
    result = job.execute_in_process()
    return shop_project, result, observer


@pytest.mark.compat
def test_every_asset_materializes_with_rows(shop_run):
    project, result, _ = shop_run
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == MODELS | {"raw_customers", "raw_orders"}
    warehouse = tables(project / "warehouse.duckdb")
    # the platform's compiled profile ran, never the developer's checked-in copy
    assert not (project / "local_dev.duckdb").exists()
    assert not (project / "local_heavy.duckdb").exists()
    assert warehouse["stg_customers"] == 3
    assert warehouse["stg_orders"] == 4
    assert warehouse["fct_orders"] == 4


def test_a_compute_override_runs_on_its_own_target(shop_run):
    project, _, _ = shop_run
    assert "dim_calendar" not in tables(project / "warehouse.duckdb")
    heavy = tables(project / "heavy.duckdb")
    assert heavy == {"dim_calendar": 365}


def test_dbt_tests_are_asset_checks(shop_run):
    _, result, _ = shop_run
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    names = {(ev.asset_key.to_user_string(), ev.check_name) for ev in evaluations}
    assert ("fct_orders", "unique_fct_orders_order_id") in names
    assert ("stg_customers", "not_null_stg_customers_customer_id") in names
    assert all(ev.passed for ev in evaluations)


def test_observers_hear_each_model_start_and_succeed_in_dbt_order(shop_run):
    _, result, observer = shop_run
    started = [model for call, model, _ in observer.calls if call == "started"]
    succeeded = [model for call, model, _ in observer.calls if call == "succeeded"]
    assert set(started) == set(succeeded) == MODELS
    assert started.index("stg_orders") < started.index("fct_orders")
    for model in MODELS:
        calls = [c for c, m, _ in observer.calls if m == model]
        assert calls == ["started", "succeeded"]
    fct = next(i for i in observer.infos if i.model == "fct_orders")
    assert fct.asset_key == "fct_orders"
    assert set(fct.upstream) == {"stg_customers", "stg_orders"}
    assert fct.compute == "duckdb"
    assert fct.run_id == result.run_id
    assert fct.job_name == "shop_analytics_job"
    assert fct.metadata["quality_tier"] == "gold"
    heavy = next(i for i in observer.infos if i.model == "dim_calendar")
    assert heavy.compute == "duckdb_heavy"


class Raising:
    def started(self, info):
        raise RuntimeError("observer down")

    succeeded = started

    def failed(self, info, error):
        raise RuntimeError("observer down")


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory, shop_project):
    """The shop with dim_calendar (on duckdb_heavy) broken; the parsed manifest is reused."""
    project = copy_shop(tmp_path_factory.mktemp("broken"), heavy_override=True)
    (project / "target").mkdir()
    shutil.copy(shop_project / "target" / "manifest.json", project / "target" / "manifest.json")
    (project / "models" / "marts" / "dim_calendar.sql").write_text("select * from no_such_table\n")
    return project


@pytest.fixture(scope="module")
def broken_run(broken_project):
    observer = RecordingObserver()
    defs = shop_definitions(
        broken_project / "compiled_artifacts.json", observers=[Raising(), observer]
    )
    result = dg.materialize(
        [defs.resolve_assets_def("dim_calendar")],
        raise_on_error=False,
    )
    return result, observer


@pytest.mark.compat
def test_a_failing_model_fails_its_asset_with_dbts_message(broken_run):
    result, _ = broken_run
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert (
        "`dbt build` of the duckdb_heavy models failed on compute target 'duckdb_heavy'"
        in failure.description
    )
    assert "Table with name no_such_table does not exist" in failure.description
    assert result.get_asset_materialization_events() == []


def test_observers_hear_the_failure_despite_a_raising_observer(broken_run):
    _, observer = broken_run
    assert [(c, m) for c, m, _ in observer.calls] == [
        ("started", "dim_calendar"),
        ("failed", "dim_calendar"),
    ]
    assert "Table with name no_such_table does not exist" in observer.calls[1][2]


def test_per_transform_path_runs_the_model_on_its_compute_target(shop_project, tmp_path):
    project = copy_shop(tmp_path, heavy_override=True)
    observer = RecordingObserver()
    defs = shop_definitions(
        project / "compiled_artifacts.json", assets="per_transform", observers=[observer]
    )
    result = dg.materialize([defs.resolve_assets_def("dim_calendar")])
    assert result.success
    assert tables(project / "heavy.duckdb") == {"dim_calendar": 365}
    assert not (project / "warehouse.duckdb").exists()
    assert [(c, m) for c, m, _ in observer.calls] == [
        ("started", "dim_calendar"),
        ("succeeded", "dim_calendar"),
    ]
    assert observer.infos[0].compute == "duckdb_heavy"


def test_create_assets_from_transforms_failure_carries_dbts_message(broken_project):
    """An asset of create_assets_from_transforms, bound to a real DbtCliResource, failing."""
    from dagster_dbt import DbtCliResource

    from floe_dagster_core import create_assets_from_transforms
    from floe_dagster_core._dbt_project import dbt_executable

    resource = DbtCliResource(
        dbt_executable=dbt_executable(),
        project_dir=str(broken_project),
        profiles_dir=str(broken_project),
        target="duckdb_heavy",
    )
    observer = RecordingObserver()
    (asset,) = create_assets_from_transforms(
        [{"name": "dim_calendar", "compute": "duckdb_heavy"}], observers=[observer]
    )
    result = dg.materialize([asset], resources={"dbt_duckdb_heavy": resource}, raise_on_error=False)
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert (
        "`dbt build` of model 'dim_calendar' failed on compute target 'duckdb_heavy'"
        in failure.description
    )
    assert "Table with name no_such_table does not exist" in failure.description
    assert [(c, m) for c, m, _ in observer.calls] == [
        ("started", "dim_calendar"),
        ("failed", "dim_calendar"),
    ]


def test_observers_hear_dbts_own_timing(shop_run):
    _, _, observer = shop_run
    assert len(observer.finished_infos) == len(MODELS)
    for info in observer.finished_infos:
        assert info.execution_time is not None
        assert 0 <= info.execution_time < 60
        assert info.status == "success"
        assert info.started_at.endswith("+00:00")
        assert info.finished_at.endswith("+00:00")
        assert info.started_at <= info.finished_at
    fct = next(i for i in observer.finished_infos if i.model == "fct_orders")
    assert "select" in fct.compiled_sql.lower()  # dbt's compiled SQL of this run
    assert "{{" not in fct.compiled_sql
    assert fct.invocation_id
    calendar = next(i for i in observer.finished_infos if i.model == "dim_calendar")
    # where dbt built it on the target it ran on: the heavy file, not the default target's
    assert calendar.relation["database"] == "heavy"
    assert calendar.relation["alias"] == "dim_calendar"


class StepRecorder:
    def __init__(self):
        self.steps = []

    def step_started(self, step):
        self.steps.append(("started", step))

    def step_finished(self, step, success):
        self.steps.append(("finished", step, success))


def test_step_observers_hear_each_dbt_step(shop_project):
    recorder = StepRecorder()
    defs = shop_definitions(shop_project / "compiled_artifacts.json", observers=[recorder])
    result = defs.resolve_job_def("shop_analytics_job").execute_in_process()
    assert result.success
    started = [s for kind, s, *_ in recorder.steps if kind == "started"]
    assert sorted(s.compute for s in started) == ["duckdb", "duckdb_heavy"]
    heavy = next(s for s in started if s.compute == "duckdb_heavy")
    assert heavy.models == ("dim_calendar",)
    assert heavy.run_id == result.run_id
    assert heavy.job_name == "shop_analytics_job"
    assert heavy.attempt == 1
    assert heavy.step_key == "dbt_duckdb_heavy"
    assert [rest for kind, _, *rest in recorder.steps if kind == "finished"] == [[True], [True]]


class Exporter:
    """Exports every model but one, which fails with the catalog's words."""

    def __init__(self, failing):
        self.failing = failing
        self.exported = []

    def export(self, info):
        if info.model == self.failing:
            raise RuntimeError(f"catalog refused the commit of {info.model}")
        self.exported.append(info.model)
        return {"floe/iceberg_table": f"shop.{info.model}"}


def test_a_failed_export_fails_only_its_models_asset(shop_project, tmp_path):
    project = copy_shop(tmp_path, heavy_override=True)
    (project / "target").mkdir()
    shutil.copy(shop_project / "target" / "manifest.json", project / "target" / "manifest.json")
    exporter = Exporter("stg_orders")
    steps = StepRecorder()
    defs = shop_definitions(
        project / "compiled_artifacts.json", exporters=[exporter], observers=[steps]
    )
    result = dg.materialize(
        [defs.resolve_assets_def("stg_customers")],
        selection=["raw_customers", "raw_orders", "stg_customers", "stg_orders", "fct_orders"],
        raise_on_error=False,
    )
    assert not result.success
    # the other models of the step were still exported, after dbt built them
    assert exporter.exported == ["stg_customers", "fct_orders"]
    materialized = {
        m.asset_key.to_user_string(): m.metadata
        for m in (
            e.event_specific_data.materialization for e in result.get_asset_materialization_events()
        )
    }
    assert set(materialized) == {"raw_customers", "raw_orders", "stg_customers", "fct_orders"}
    assert materialized["fct_orders"]["floe/iceberg_table"].value == "shop.fct_orders"
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert (
        "1 model(s) were built by dbt but their export failed, so their assets are not "
        "materialized:\n- stg_orders: catalog refused the commit of stg_orders"
        in failure.description
    )
    assert [rest for kind, _, *rest in steps.steps if kind == "finished"] == [[False]]


def test_observers_hear_each_models_dbt_tests_when_the_step_ends(shop_run):
    _, _, observer = shop_run
    fct = {t.name: t for t in observer.tests["fct_orders"]}
    assert set(fct) == {"unique_fct_orders_order_id", "not_null_fct_orders_order_id"}
    unique = fct["unique_fct_orders_order_id"]
    assert (unique.assertion, unique.column, unique.severity) == ("unique", "order_id", "error")
    assert unique.success
    assert unique.status == "pass"
    assert unique.started_at <= unique.finished_at
