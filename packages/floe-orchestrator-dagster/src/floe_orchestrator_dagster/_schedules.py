"""Schedules of the Definitions: the product's own, and those registered through ``schedule_job``.

Where the product schedule comes from. floe's compiler (floe-core 0.1.0a1) does not carry
floe.yaml's ``schedule:`` block into compiled_artifacts.json; it does carry the manifest's
orchestrator config, as-is, under ``plugins.orchestrator.config``. Each of the three fields
``cron``, ``timezone`` and ``enabled`` is therefore taken from the first of these places that sets
it, most specific first:

1. ``schedule:`` in the product's ``floe.yaml``, read from the folder of compiled_artifacts.json
   (then from the plugin config's ``project_dir``), validated with floe-core's own ScheduleSpec;
   only the top-level ``schedule:`` block is parsed (with libyaml's C loader where it exists), so
   a product listing thousands of transforms costs no more than a small one;
2. the plugin config: ``schedule.cron`` / ``schedule.timezone`` / ``schedule.enabled``, then
   ``default_schedule`` for the cron;
3. the compiled artifacts' ``plugins.orchestrator.config``: the same keys, as the manifest had them
   when the product was compiled.

So a product's floe.yaml overrides the platform's ``default_schedule`` (its cron, and its time zone
or ``enabled: false`` even without a cron of its own). Without a cron anywhere there is no product
schedule. The product schedule runs the job materializing every asset, ``<product>_job``. A
``schedule_job`` call for that job replaces the product schedule.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_dagster_core import ScheduleSpec
    from floe_orchestrator_dagster._artifacts import ProductArtifacts
    from floe_orchestrator_dagster._config import DagsterPluginConfig

_FIELDS = ("cron", "timezone", "enabled")


class ScheduleBook:
    """The schedules a plugin instance holds, one per job (a new cron replaces the old one).

    Examples:
        >>> book = ScheduleBook()
        >>> book.add("shop_job", "0 8 * * *", "America/New_York")  # doctest: +ELLIPSIS
        ScheduleSpec(job_name='shop_job', cron='0 8 * * *', timezone='America/New_York', ...)
        >>> book.add("shop_job", "0 9 * * *", "America/New_York").cron
        '0 9 * * *'
        >>> len(book.specs)
        1
    """

    def __init__(self) -> None:
        self._specs: dict[str, ScheduleSpec] = {}

    @property
    def specs(self) -> tuple[ScheduleSpec, ...]:
        """The schedules added with ``add``, in the order their jobs were first scheduled."""
        return tuple(self._specs.values())

    def add(self, job_name: str, cron: str, timezone: str) -> ScheduleSpec:
        """Validate and record a schedule for ``job_name``; the same call twice keeps one.

        Raises:
            ValueError: The cron expression, the time zone or the job name is invalid; the
                message explains the 5-field cron format, or suggests the closest time zones.
        """
        from floe_dagster_core import ScheduleSpec

        spec = ScheduleSpec(job_name, cron, timezone)
        self._specs[spec.job_name] = spec
        return spec

    def specs_for(
        self, config: DagsterPluginConfig, artifacts: ProductArtifacts
    ) -> list[ScheduleSpec]:
        """Every schedule the Definitions must carry: the product's own and those added here.

        Args:
            config: The plugin's configuration.
            artifacts: The product's validated artifacts; the product's floe.yaml is looked for
                beside the file they were read from.

        Returns:
            One spec per job: the product schedule first (unless ``add`` replaced it), then the
            added ones.

        Raises:
            ValueError: A product schedule setting is invalid; the message names where it is.
        """
        specs: dict[str, ScheduleSpec] = {}
        product = product_schedule(config, artifacts)
        if product is not None:
            specs[product.job_name] = product
        specs.update(self._specs)
        return list(specs.values())


# a field's value and where it was read, e.g. ("0 8 * * *", "schedule.cron in /p/floe.yaml")
_Found = dict[str, tuple[Any, str]]


def product_schedule(
    config: DagsterPluginConfig, artifacts: ProductArtifacts
) -> ScheduleSpec | None:
    """The data product's own schedule, merged from floe.yaml and the plugin config (see above)."""
    from floe_dagster_core import (
        ScheduleSpec,
        job_name,
        validate_cron,
        validate_timezone,
    )

    chosen: _Found = {}
    for found in (
        _from_floe_yaml(config, artifacts.path),
        _from_config(config),
        _from_artifacts(artifacts.orchestrator_config),
    ):
        for name, value_and_where in found.items():
            chosen.setdefault(name, value_and_where)
    if "cron" not in chosen:
        return None
    cron, cron_where = chosen["cron"]
    timezone, timezone_where = chosen.get("timezone", ("UTC", "the default"))
    enabled, enabled_where = chosen.get("enabled", (True, "the default"))
    try:
        cron = validate_cron(cron)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The product schedule's cron ({cron_where}) is invalid. {error}"
        ) from None
    try:
        timezone = validate_timezone(timezone)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The product schedule's time zone ({timezone_where}) is invalid. {error}"
        ) from None
    if not isinstance(enabled, bool):
        raise ValueError(
            f"The product schedule's enabled ({enabled_where}) must be true or false, got "
            f"{enabled!r}."
        )
    return ScheduleSpec(job_name(artifacts.product_name), cron, timezone, enabled)


def _from_floe_yaml(config: DagsterPluginConfig, artifacts_path: Path | None) -> _Found:
    folders: list[Path] = []
    if artifacts_path is not None:
        folders.append(artifacts_path if artifacts_path.is_dir() else artifacts_path.parent)
    if config.project_dir is not None:
        folders.append(config.project_dir)
    for folder in folders:
        path = folder / "floe.yaml"
        if path.is_file():
            return _read_floe_yaml(path)
    return {}


def _read_floe_yaml(path: Path) -> _Found:
    import yaml
    from floe_core.schemas.floe_spec import ScheduleSpec as FloeScheduleSpec
    from pydantic import ValidationError

    try:
        block = schedule_block(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValueError(
            f"Cannot read the product schedule from {path}: {error}. Fix the file, or remove it "
            "from the folder of compiled_artifacts.json."
        ) from None
    if block is None:
        return {}
    try:
        schedule = FloeScheduleSpec.model_validate(block)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in ('schedule', *issue['loc']))}: {issue['msg']}"
            for issue in error.errors()
        )
        raise ValueError(
            f"Invalid schedule in {path}: {problems}. The schedule block takes cron (e.g. "
            "'0 8 * * *'), timezone (an IANA name, e.g. 'America/New_York') and enabled (true or "
            "false)."
        ) from None
    return {
        name: (getattr(schedule, name), f"schedule.{name} in {path}")
        for name in _FIELDS
        if name in schedule.model_fields_set and getattr(schedule, name) is not None
    }


def _from_config(config: DagsterPluginConfig) -> _Found:
    schedule = config.schedule
    found: _Found = {
        name: (getattr(schedule, name), f"schedule.{name} in the plugin config")
        for name in ("timezone", "enabled")
        if name in schedule.model_fields_set
    }
    if schedule.cron is not None:
        found["cron"] = (schedule.cron, "schedule.cron in the plugin config")
    elif config.default_schedule is not None:
        found["cron"] = (config.default_schedule, "default_schedule in the plugin config")
    return found


def schedule_block(text: str) -> Any:
    """The value of the top-level ``schedule:`` key of a floe.yaml text, or None.

    Only that block is parsed when it stands alone (the usual block style); when it does not
    (an alias to an anchor elsewhere, flow style over several keys), the whole document is.
    libyaml's C loader is used where PyYAML has it.

    Examples:
        >>> schedule_block("transforms: []\nschedule:\n  cron: '0 8 * * *'\n")
        {'cron': '0 8 * * *'}
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("schedule:")]
    if len(starts) == 1:
        end = starts[0] + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "#")):
            end += 1
        try:
            snippet = yaml.load("\n".join(lines[starts[0] : end]), Loader=loader)
        except yaml.YAMLError:
            snippet = None  # it does not stand alone: read the whole document
        if isinstance(snippet, Mapping):
            return snippet.get("schedule")
    elif not starts and "schedule" not in text:
        return None
    document = yaml.load(text, Loader=loader)
    return document.get("schedule") if isinstance(document, Mapping) else None


def _from_artifacts(config: Mapping[str, Any] | None) -> _Found:
    where = "in the compiled artifacts' plugins.orchestrator.config"
    if not isinstance(config, Mapping):
        return {}
    schedule = config.get("schedule")
    found: _Found = {}
    if isinstance(schedule, Mapping):
        found = {
            name: (schedule[name], f"schedule.{name} {where}")
            for name in _FIELDS
            if schedule.get(name) is not None
        }
    if "cron" not in found and config.get("default_schedule") is not None:
        found["cron"] = (config["default_schedule"], f"default_schedule {where}")
    return found
