"""Exporters: data delivery after dbt built a model (e.g. the facade's Iceberg export).

An exporter is told of every model a dbt step built, once dbt has exited (the warehouse file is
free then), in dbt's order. Unlike an observer, an exporter's failure is the model's failure: the
model's asset is not materialized, the step fails with the exporter's message, and the other
models of the step are still exported. What an export returns is added to the model's
materialization metadata.

While exporters are configured, a step's Dagster events are held until the exports are done, so
that each materialization carries its export's metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from floe_dagster_core._observer_protocol import AssetRunInfo


@runtime_checkable
class ModelExporter(Protocol):
    """Delivers a model dbt built somewhere else (a table format, a catalog)."""

    def export(self, info: AssetRunInfo) -> Mapping[str, Any]:
        """Export the model; return metadata for its materialization, raise when it failed."""


class ExportFailures(list[tuple[str, str]]):
    """(model, message) of each export that failed in a step."""

    def message(self) -> str:
        """The step's failure message naming every model whose export failed."""
        lines = [f"- {model}: {error}" for model, error in self]
        return (
            f"{len(self)} model(s) were built by dbt but their export failed, so their assets "
            "are not materialized:\n" + "\n".join(lines) + "\nFix the cause named, then "
            "re-materialize the assets; the export overwrites each table in one commit."
        )


def exported(
    events: Iterable[Any],
    exporters: Sequence[ModelExporter],
    built: Mapping[str, AssetRunInfo],
    model_of: Any,
    failures: ExportFailures,
) -> Iterator[Any]:
    """``events`` with each built model exported first (see the module docstring).

    Args:
        events: The step's Dagster events (``Output`` / ``MaterializeResult`` / checks...).
        exporters: The exporters, in order.
        built: The run info of each model dbt built, by model name (filled while ``events`` is
            consumed).
        model_of: Maps an event to the model name it materializes, or None.
        failures: Filled with the failed exports.
    """
    held = list(events)
    metadata: dict[str, dict[str, Any]] = {}
    for model, info in built.items():
        extra: dict[str, Any] = {}
        try:
            for exporter in exporters:
                extra.update(exporter.export(info))
        except Exception as error:  # noqa: BLE001 - any failure fails this model's asset
            failures.append(
                (model, f"{type(error).__name__}: {error}" if not str(error) else str(error))
            )
            continue
        metadata[model] = extra
    failed = {model for model, _ in failures}
    for event in held:
        model = model_of(event)
        if model is None:
            yield event
        elif model in failed:
            continue
        elif metadata.get(model):
            yield _with_metadata(event, metadata[model])
        else:
            yield event


def _with_metadata(event: Any, metadata: Mapping[str, Any]) -> Any:
    """``event`` (an ``Output`` or ``MaterializeResult``) with ``metadata`` added."""
    import dagster as dg

    if isinstance(event, dg.Output):
        return event.with_metadata({**(event.metadata or {}), **metadata})
    if isinstance(event, dg.MaterializeResult):
        return dg.MaterializeResult(
            asset_key=event.asset_key,
            metadata={**(event.metadata or {}), **metadata},
            check_results=event.check_results,
            data_version=event.data_version,
            tags=event.tags,
        )
    return event
