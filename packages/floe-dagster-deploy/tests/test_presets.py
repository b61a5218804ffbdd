"""Resource presets: the spec's medium row, real steps between sizes, helpful errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from floe_dagster_deploy import (
    COMPONENTS,
    PRESETS,
    WORKLOAD_SIZES,
    UnknownWorkloadSizeError,
    check_workload_size,
    cpu_millicores,
    memory_bytes,
    resource_preset,
)


def test_medium_user_code_is_the_spec_row():
    preset = resource_preset("medium")
    assert preset.as_dict() == {
        "cpu_request": "500m",
        "cpu_limit": "2000m",
        "memory_request": "1Gi",
        "memory_limit": "4Gi",
    }
    assert preset.to_kubernetes() == {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"cpu": "2000m", "memory": "4Gi"},
    }


def test_every_size_has_every_component():
    assert tuple(PRESETS) == WORKLOAD_SIZES == ("small", "medium", "large")
    for size in WORKLOAD_SIZES:
        assert tuple(PRESETS[size]) == COMPONENTS


@pytest.mark.parametrize("component", COMPONENTS)
@pytest.mark.parametrize(("smaller", "bigger"), [("small", "medium"), ("medium", "large")])
def test_each_size_is_a_real_step(smaller, bigger, component):
    low, high = resource_preset(smaller, component), resource_preset(bigger, component)
    step = Decimal("1.5")
    for field in ("cpu_request", "cpu_limit"):
        assert cpu_millicores(getattr(high, field)) >= step * cpu_millicores(getattr(low, field))
    for field in ("memory_request", "memory_limit"):
        assert memory_bytes(getattr(high, field)) >= step * memory_bytes(getattr(low, field))


@pytest.mark.parametrize("size", WORKLOAD_SIZES)
@pytest.mark.parametrize("component", COMPONENTS)
def test_requests_never_exceed_limits(size, component):
    p = resource_preset(size, component)
    assert cpu_millicores(p.cpu_request) <= cpu_millicores(p.cpu_limit)
    assert memory_bytes(p.memory_request) <= memory_bytes(p.memory_limit)


@pytest.mark.parametrize("size", ["extra-large", "Medium", "", None, 3])
def test_unknown_size_lists_the_valid_ones(size):
    with pytest.raises(UnknownWorkloadSizeError) as info:
        check_workload_size(size)
    message = str(info.value)
    assert repr(size) in message
    assert "Valid options: small, medium, large" in message
    assert isinstance(info.value, ValueError)
    assert info.value.valid == WORKLOAD_SIZES


def test_unknown_component_is_refused():
    with pytest.raises(ValueError, match=r"Unknown component 'scheduler'.*webserver, daemon"):
        resource_preset("small", "scheduler")  # type: ignore[arg-type]
