"""floe-dagster-core: Dagster assets, jobs, schedules and Definitions from CompiledArtifacts.

The names that need Dagster (``create_definitions``, ``create_assets_from_transforms``,
``FloeDbtTranslator``, ``SourceFreshness``) load on first use, so importing this package stays
cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
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

from floe_dagster_core._artifacts import (
    ARTIFACTS_FILE,
    CompiledArtifacts,
    load_artifacts,
    models_by_compute,
    read_artifacts_file,
    validate_transforms,
)
from floe_dagster_core._dbt_project import (
    DbtProject,
    compute_outputs,
    project_dir_for,
    resolve_dbt_project,
)
from floe_dagster_core._errors import ArtifactsNotFoundError, DbtProjectError
from floe_dagster_core._export import ModelExporter
from floe_dagster_core._gc_pause import collector_paused
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._model_checks import CheckOutcome, ModelCheck, ModelChecker, QualityInfo
from floe_dagster_core._observer_protocol import (
    AssetObserver,
    AssetRunInfo,
    DbtTestObserver,
    DbtTestResult,
    QualityObserver,
    StepInfo,
    StepObserver,
)
from floe_dagster_core._parse_state import PreparedTarget, prepare_parse_states
from floe_dagster_core._schedules import (
    ScheduleSpec,
    build_schedule_definition,
    validate_cron,
    validate_timezone,
)
from floe_dagster_core._specs import job_name
from floe_dagster_core._transform import TransformModel

if TYPE_CHECKING:
    from floe_dagster_core._assets_per_transform import create_assets_from_transforms
    from floe_dagster_core._definitions import create_definitions
    from floe_dagster_core._freshness import SourceFreshness
    from floe_dagster_core._translator import FloeDbtTranslator

_LAZY = {
    "create_definitions": "floe_dagster_core._definitions",
    "create_assets_from_transforms": "floe_dagster_core._assets_per_transform",
    "FloeDbtTranslator": "floe_dagster_core._translator",
    "SourceFreshness": "floe_dagster_core._freshness",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-core")
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
