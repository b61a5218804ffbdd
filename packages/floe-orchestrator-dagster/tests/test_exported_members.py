"""The public surface is exactly __all__, sorted; nothing leaks or vanishes by accident."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["floe_dagster_core", "floe_dagster_lineage", "floe_dagster_deploy"]
FACADE = "floe_orchestrator_dagster"


@pytest.mark.parametrize("name", [FACADE, *PACKAGES])
def test_all_is_sorted_and_resolvable(name: str):
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__)
    for member in module.__all__:
        assert getattr(module, member) is not None


@pytest.mark.parametrize("name", [FACADE, *PACKAGES])
def test_version_is_the_distribution_version(name: str):
    from importlib.metadata import version

    module = importlib.import_module(name)
    assert module.__version__ == version(name.replace("_", "-"))


def test_facade_public_names():
    module = importlib.import_module(FACADE)
    public = {n for n in vars(module) if not n.startswith("_")} - {"annotations"}
    assert public == set(module.__all__) - {"__version__"}
