"""Compute targets the platform defines beyond the compiled profile (``compute_targets``).

floe 0.1.0a1 compiles one compute plugin's output into ``dbt_profiles``. A product whose models
run on more compute targets needs those targets from a place the platform team owns, never from
a developer's checked-in ``profiles.yml``: ``plugins.orchestrator.config.compute_targets`` in
``manifest.yaml``. Each entry is one of:

- a dbt target name of the compiled profile (``spark: prod_spark``);
- ``{output: {...}}``: a whole dbt output, which becomes target ``<compute>``;
- ``{plugin: <floe compute plugin>, config: {...}}``: the floe compute plugin (found through
  floe-core's registry) is asked for its dbt output, as ``floe platform compile`` asks the
  default compute plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ComputeTarget(BaseModel):
    """One platform-defined compute target: a dbt output, or a floe compute plugin's output.

    Examples:
        >>> ComputeTarget.model_validate({"output": {"type": "duckdb", "path": "a.duckdb"}}).plugin
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    output: dict[str, Any] | None = Field(
        default=None, description="A dbt output (profiles.yml target) for this compute target."
    )
    plugin: str | None = Field(
        default=None, description="A floe compute plugin (e.g. duckdb) to ask for the output."
    )
    config: dict[str, Any] | None = Field(
        default=None, description="The compute plugin's configuration (e.g. {path: x.duckdb})."
    )

    @model_validator(mode="after")
    def _one_source(self) -> ComputeTarget:
        if (self.output is None) == (self.plugin is None):
            raise ValueError(
                "Give a compute target either output (a dbt output) or plugin (a floe compute "
                "plugin, with its config), not both and not neither."
            )
        if self.config is not None and self.plugin is None:
            raise ValueError(
                "`config` belongs with `plugin`: name the floe compute plugin it is for."
            )
        return self


def dbt_targets(
    compute_targets: Mapping[str, str | ComputeTarget] | None,
) -> dict[str, str | dict[str, Any]]:
    """``compute_targets`` as floe-dagster-core takes them: target names or whole dbt outputs.

    Raises:
        pydantic.ValidationError: A compute plugin that is not installed (the installed ones
            are listed) or whose configuration it refuses; the field is
            ``plugins.orchestrator.config.compute_targets.<compute>``.
    """
    resolved: dict[str, str | dict[str, Any]] = {}
    for compute, target in (compute_targets or {}).items():
        if isinstance(target, str):
            resolved[compute] = target
        elif target.output is not None:
            resolved[compute] = dict(target.output)
        else:
            try:
                output = _plugin_output(compute, str(target.plugin), target.config or {})
            except ValueError as error:
                from floe_orchestrator_dagster._artifacts import single_error

                loc = ("plugins", "orchestrator", "config", "compute_targets", compute)
                raise single_error(loc, str(error), None) from None
            resolved[compute] = output
    return resolved


def _plugin_output(compute: str, plugin_name: str, config: Mapping[str, Any]) -> dict[str, Any]:
    from floe_core.compute_config import ComputeConfig
    from floe_core.plugin_errors import PluginNotFoundError
    from floe_core.plugin_types import PluginType

    from floe_orchestrator_dagster._registry import registry

    found = registry()
    try:
        plugin = found.get(PluginType.COMPUTE, plugin_name)
    except PluginNotFoundError:
        installed = sorted(found.list_all().get(PluginType.COMPUTE, []))
        raise ValueError(
            f"`compute_targets.{compute}.plugin` is {plugin_name!r}, which is not an installed "
            f"floe compute plugin; installed: {', '.join(installed) or 'none'}. Install it (e.g. "
            f"pip install floe-compute-{plugin_name}) or name an installed one."
        ) from None
    settings = dict(config)
    compute_config = ComputeConfig(
        plugin=plugin_name,
        threads=settings.pop("threads", 4),
        timeout_seconds=settings.pop("timeout_seconds", 3600),
        connection=settings,
    )
    try:
        output: dict[str, Any] = plugin.generate_dbt_profile(compute_config)  # type: ignore[attr-defined]
    except Exception as error:  # noqa: BLE001 - a plugin's own refusal, reported with its words
        raise ValueError(
            f"The floe compute plugin {plugin_name!r} refused compute_targets.{compute}.config: "
            f"{error}. Fix the configuration in manifest.yaml."
        ) from None
    return output
