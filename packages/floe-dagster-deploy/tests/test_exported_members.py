"""The public surface of floe_dagster_deploy, locked: nothing leaks or vanishes by accident."""

from __future__ import annotations

import types

import floe_dagster_deploy

EXPECTED = {
    "COMPONENTS",
    "DAGSTER_VERSION",
    "PRESETS",
    "WORKLOAD_SIZES",
    "CodeLocation",
    "Component",
    "Daemon",
    "DeployError",
    "EnvFromSource",
    "EnvVar",
    "HelmValues",
    "Image",
    "NetworkPolicy",
    "PASSWORD_LIKE_WORDS",
    "Postgresql",
    "ResourcePreset",
    "Resources",
    "RunLauncher",
    "SecretVolume",
    "UnknownWorkloadSizeError",
    "UserCode",
    "Webserver",
    "WorkloadSize",
    "__version__",
    "check_workload_size",
    "cpu_millicores",
    "deep_merge",
    "is_password_like",
    "mask_password_like",
    "memory_bytes",
    "refuse_password_like",
    "resource_preset",
    "values_schema",
    "values_schema_json",
    "values_yaml",
}


def test_all_is_the_expected_surface():
    assert set(floe_dagster_deploy.__all__) == EXPECTED
    assert floe_dagster_deploy.__all__ == sorted(floe_dagster_deploy.__all__)


def test_nothing_else_is_public():
    """Besides __all__, only the ``schema`` submodule (``python -m floe_dagster_deploy.schema``)."""
    public = {
        name
        for name, value in vars(floe_dagster_deploy).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    } - {"annotations"}
    assert public == EXPECTED - {"__version__"}


def test_importing_pulls_in_no_floe_core_or_dagster():
    import subprocess
    import sys

    probe = "import sys, floe_dagster_deploy; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    for heavy in ("'floe_core'", "'dagster'", "'floe_orchestrator_dagster'"):
        assert heavy not in out
