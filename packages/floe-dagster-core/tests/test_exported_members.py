"""The public surface of floe_dagster_core: sorted, complete, and cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import floe_dagster_core

EXPECTED = [
    "ARTIFACTS_FILE",
    "ArtifactsNotFoundError",
    "AssetObserver",
    "AssetRunInfo",
    "CheckOutcome",
    "CompiledArtifacts",
    "DbtProject",
    "DbtProjectError",
    "DbtTestObserver",
    "DbtTestResult",
    "FloeDbtTranslator",
    "ModelCheck",
    "ModelChecker",
    "ModelExporter",
    "PreparedTarget",
    "QualityInfo",
    "QualityObserver",
    "ScheduleSpec",
    "SourceFreshness",
    "StepInfo",
    "StepObserver",
    "TransformGraph",
    "TransformModel",
    "__version__",
    "build_schedule_definition",
    "collector_paused",
    "compute_outputs",
    "create_assets_from_transforms",
    "create_definitions",
    "job_name",
    "load_artifacts",
    "models_by_compute",
    "prepare_parse_states",
    "project_dir_for",
    "read_artifacts_file",
    "resolve_dbt_project",
    "validate_cron",
    "validate_timezone",
    "validate_transforms",
]


def test_all_is_sorted_and_locked():
    assert floe_dagster_core.__all__ == EXPECTED


def test_every_name_resolves():
    for name in floe_dagster_core.__all__:
        assert getattr(floe_dagster_core, name) is not None


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        floe_dagster_core.nope  # noqa: B018


def test_importing_the_package_does_not_import_dagster_dbt():
    probe = (
        "import json, sys, floe_dagster_core; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'dagster_dbt')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
