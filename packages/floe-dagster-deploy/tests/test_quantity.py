"""Kubernetes quantities: what is accepted, how they compare, and the messages for the rest."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from floe_dagster_deploy import cpu_millicores, memory_bytes
from floe_dagster_deploy._quantity import CPU_PATTERN, MEMORY_PATTERN


@pytest.mark.parametrize(
    ("quantity", "millicores"),
    [("500m", 500), ("2", 2000), ("0.5", 500), (".25", 250), ("1500m", 1500), ("1.5m", 1.5)],
)
def test_cpu(quantity, millicores):
    assert cpu_millicores(quantity) == Decimal(str(millicores))
    assert re.fullmatch(CPU_PATTERN, quantity)


@pytest.mark.parametrize(
    ("quantity", "size"),
    [("1Gi", 2**30), ("512Mi", 512 * 2**20), ("4G", 4 * 10**9), ("128974848", 128974848)],
)
def test_memory(quantity, size):
    assert memory_bytes(quantity) == size
    assert re.fullmatch(MEMORY_PATTERN, quantity)


@pytest.mark.parametrize("bad", ["5 cores", "2 cpu", "-1", "1e3", "m", "", "500M"])
def test_bad_cpu_says_what_to_write(bad):
    with pytest.raises(ValueError, match=r"is not a Kubernetes CPU quantity.*e\.g\. \"500m\""):
        cpu_millicores(bad)
    assert not re.fullmatch(CPU_PATTERN, bad)


@pytest.mark.parametrize("bad", ["1 GB", "1gb", "1Gb", "-1Gi", "500m", "Gi", ""])
def test_bad_memory_says_what_to_write(bad):
    with pytest.raises(ValueError, match=r"is not a Kubernetes memory quantity.*\"512Mi\""):
        memory_bytes(bad)
    assert not re.fullmatch(MEMORY_PATTERN, bad)
