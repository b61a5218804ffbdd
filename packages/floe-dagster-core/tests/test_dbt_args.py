"""Selection arguments: one space-separated value, one flag per name when that is too long."""

from __future__ import annotations

import pytest

from floe_dagster_core import _dbt_args
from floe_dagster_core._dbt_args import selection_args

from .conftest import copy_shop


def test_names_go_in_one_value_as_dagster_dbt_and_dbt_read_it():
    assert selection_args("--select", ["stg_a", "stg_b", "fct_c"]) == [
        "--select",
        "stg_a stg_b fct_c",
    ]
    assert selection_args("--exclude", ["dim_calendar"]) == ["--exclude", "dim_calendar"]


def test_a_value_over_the_argument_limit_becomes_one_flag_per_name(monkeypatch):
    monkeypatch.setattr(_dbt_args, "ARG_LIMIT", 10)
    assert selection_args("--select", ["stg_orders", "fct_orders"]) == [
        "--select",
        "stg_orders",
        "--select",
        "fct_orders",
    ]


def test_the_default_limit_stays_below_linux_128_kib_per_argument():
    names = [f"model_{i:05d}_with_a_long_name" for i in range(5000)]
    args = selection_args("--select", names)
    assert max(len(arg.encode()) for arg in args) < 128 * 1024
    assert args[0::2] == ["--select"] * len(names)
    assert args[1::2] == names


@pytest.mark.slow
def test_dbt_unites_one_flag_per_name(tmp_path, monkeypatch):
    from dbt.cli.main import dbtRunner

    project = copy_shop(tmp_path)
    monkeypatch.setattr(_dbt_args, "ARG_LIMIT", 0)
    args = ["ls", "--resource-type", "model", "--output", "name", "--quiet"]
    args += selection_args("--select", ["stg_customers", "fct_orders"])
    args += ["--project-dir", str(project), "--profiles-dir", str(project)]
    result = dbtRunner().invoke(args)
    assert result.success, result.exception
    assert sorted(result.result) == ["fct_orders", "stg_customers"]
