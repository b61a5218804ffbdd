"""Job names unique across products, after dbt-ol's convention."""

from __future__ import annotations

import pytest

from floe_dagster_lineage import LineageError, model_job_name, product_job_name


@pytest.mark.parametrize(
    ("args", "kwargs", "name"),
    [
        # the name dbt-ol 1.54 gave the demo's model (issue 15's table)
        (
            ("jaffle_shop", "main_marts", "dim_customers"),
            {"project": "jaffle_shop"},
            "jaffle_shop.main_marts.jaffle_shop.dim_customers.build.run",
        ),
        (("w", "main", "orders"), {"command": "run"}, "w.main.orders"),
        ((None, "main", "orders"), {}, "main.orders.build.run"),
        (
            ("w", "snap", "orders_snapshot"),
            {"kind": "snapshot"},
            "w.snap.orders_snapshot.build.snapshot",
        ),
        (("w", "snap", "s"), {"kind": "snapshot", "command": "snapshot"}, "w.snap.s.snapshot"),
        (
            ("w", "main", "not_null_orders_id"),
            {"kind": "test", "command": "test"},
            "w.main.not_null_orders_id.test",
        ),
        (("w", "main", "orders.v2"), {"project": "p"}, "w.main.p.orders.v2.build.run"),
    ],
)
def test_model_job_names_follow_dbt_ol(args, kwargs, name):
    assert model_job_name(*args, **kwargs) == name


def test_the_same_model_in_two_products_gets_two_jobs():
    assert model_job_name("shop", "staging", "stg_customers", project="shop") != model_job_name(
        "crm", "staging", "stg_customers", project="crm"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": ""}, "`model_job_name` needs the model's name, e.g. 'dim_customers'."),
        (
            {"model": "m", "command": "compile"},
            "`model_job_name` command must be one of build, run, test, snapshot, seed, got "
            "'compile'.",
        ),
        (
            {"model": "m", "kind": "seed"},
            "`model_job_name` kind must be one of model, snapshot, test, got 'seed'.",
        ),
    ],
)
def test_bad_names_are_refused(kwargs, message):
    with pytest.raises(LineageError) as caught:
        model_job_name("w", "main", **kwargs)
    assert str(caught.value) == message


def test_the_product_run_job_is_the_dagster_job():
    assert product_job_name("jaffle_shop_job") == "jaffle_shop_job"
    with pytest.raises(LineageError, match="`product_job_name` needs the Dagster job's name"):
        product_job_name("")
