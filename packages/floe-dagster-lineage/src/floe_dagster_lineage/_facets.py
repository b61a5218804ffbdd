"""OpenLineage facets: builders for the ones we emit, and completion of facets given as dicts.

floe-core's ``emit_lineage_event`` takes facets as plain dicts. A dict is sent only once it is a
conformant facet: for a standard facet key (``errorMessage``, ``schema``, ``sql``...) we add
``_producer`` and the ``_schemaURL`` of the official schema after checking its required fields; a
dict that brings its own ``_schemaURL`` (a custom facet) only gets ``_producer``; anything else is
refused with a ``FacetError`` naming the facet and the fix. Nothing non-conformant is ever sent.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attr

from floe_dagster_lineage._errors import FacetError

# Where a facet sits -> conventional key -> (facet_v2 module, class): the facets of the official
# spec whose schema versions match openlineage-python's (DataQualityMetricsDatasetFacet does not).
_STANDARD: dict[str, dict[str, tuple[str, str]]] = {
    "run": {
        "errorMessage": ("error_message_run", "ErrorMessageRunFacet"),
        "environmentVariables": ("environment_variables_run", "EnvironmentVariablesRunFacet"),
        "externalQuery": ("external_query_run", "ExternalQueryRunFacet"),
        "extractionError": ("extraction_error_run", "ExtractionErrorRunFacet"),
        "nominalTime": ("nominal_time_run", "NominalTimeRunFacet"),
        "parent": ("parent_run", "ParentRunFacet"),
        "processing_engine": ("processing_engine_run", "ProcessingEngineRunFacet"),
        "tags": ("tags_run", "TagsRunFacet"),
    },
    "job": {
        "documentation": ("documentation_job", "DocumentationJobFacet"),
        "jobType": ("job_type_job", "JobTypeJobFacet"),
        "ownership": ("ownership_job", "OwnershipJobFacet"),
        "sourceCode": ("source_code_job", "SourceCodeJobFacet"),
        "sourceCodeLocation": ("source_code_location_job", "SourceCodeLocationJobFacet"),
        "sql": ("sql_job", "SQLJobFacet"),
        "tags": ("tags_job", "TagsJobFacet"),
    },
    "dataset": {
        "columnLineage": ("column_lineage_dataset", "ColumnLineageDatasetFacet"),
        "dataSource": ("datasource_dataset", "DatasourceDatasetFacet"),
        "datasetType": ("dataset_type_dataset", "DatasetTypeDatasetFacet"),
        "documentation": ("documentation_dataset", "DocumentationDatasetFacet"),
        "lifecycleStateChange": (
            "lifecycle_state_change_dataset",
            "LifecycleStateChangeDatasetFacet",
        ),
        "ownership": ("ownership_dataset", "OwnershipDatasetFacet"),
        "schema": ("schema_dataset", "SchemaDatasetFacet"),
        "storage": ("storage_dataset", "StorageDatasetFacet"),
        "symlinks": ("symlinks_dataset", "SymlinksDatasetFacet"),
        "tags": ("tags_dataset", "TagsDatasetFacet"),
        "version": ("dataset_version_dataset", "DatasetVersionDatasetFacet"),
    },
    "input": {
        "dataQualityAssertions": (
            "data_quality_assertions_dataset",
            "DataQualityAssertionsDatasetFacet",
        ),
        "inputStatistics": ("input_statistics_input_dataset", "InputStatisticsInputDatasetFacet"),
    },
    "output": {
        "outputStatistics": (
            "output_statistics_output_dataset",
            "OutputStatisticsOutputDatasetFacet",
        ),
    },
}


def _facet_class(module: str, name: str) -> Any:
    return getattr(getattr(importlib.import_module("openlineage.client.facet_v2"), module), name)


def complete_facets(
    facets: Mapping[str, Any] | None, *, kind: str, where: str, producer: str
) -> dict[str, Any]:
    """Make every facet of one facets map conformant, or refuse it.

    Args:
        facets: Conventional key -> openlineage facet object or plain dict.
        kind: ``run``, ``job``, ``dataset``, ``input`` or ``output``.
        where: Where the map sits, for error messages (``run_facets``, ``outputs[0].facets``).
        producer: The producer URI to write into ``_producer`` when a dict lacks it.

    Returns:
        A new map: facet objects as given, dicts completed with ``_producer`` and ``_schemaURL``.

    Raises:
        FacetError: For a facet that is neither an openlineage facet nor a dict, a dict with an
            unknown key and no ``_schemaURL``, or a standard facet missing a required field.

    Examples:
        >>> facet = complete_facets(
        ...     {"sql": {"query": "select 1"}}, kind="job", where="job_facets", producer="urn:x"
        ... )["sql"]
        >>> facet["_schemaURL"].endswith("SQLJobFacet.json#/$defs/SQLJobFacet")
        True
    """
    completed: dict[str, Any] = {}
    for key, facet in (facets or {}).items():
        if attr.has(type(facet)):
            completed[key] = facet
        elif isinstance(facet, Mapping):
            completed[key] = _complete_dict(key, facet, kind=kind, where=where, producer=producer)
        else:
            raise FacetError(
                f"Facet {key!r} in {where} is a {type(facet).__name__}, not a facet; pass an "
                "openlineage.client.facet_v2 object or a dict of the facet's fields."
            )
    return completed


def _complete_dict(
    key: str, facet: Mapping[str, Any], *, kind: str, where: str, producer: str
) -> dict[str, Any]:
    standard = _STANDARD.get(kind, {}).get(key)
    if standard is None:
        if "_schemaURL" not in facet:
            known = ", ".join(sorted(_STANDARD.get(kind, {})))
            raise FacetError(
                f"Facet {key!r} in {where} is not a standard OpenLineage {kind} facet and has no "
                f"'_schemaURL'; add '_schemaURL' (the URL of your facet's JSON schema) or use one "
                f"of the standard keys: {known}."
            )
        return {"_producer": producer, **facet}
    cls = _facet_class(*standard)
    required = [
        field.name
        for field in attr.fields(cls)
        if field.default is attr.NOTHING and not field.name.startswith("_")
    ]
    missing = [name for name in required if name not in facet]
    if missing:
        raise FacetError(
            f"Facet {key!r} in {where} lacks the required field(s) {', '.join(missing)} of "
            f"{cls.__name__}; add them (required: {', '.join(required)})."
        )
    return {"_producer": producer, "_schemaURL": cls._get_schema(), **facet}


def error_message_facet(
    message: str, *, stack_trace: str | None = None, language: str = "PYTHON", producer: str
) -> Any:
    """The ``errorMessage`` run facet of a FAIL event.

    Examples:
        >>> error_message_facet("boom", producer="urn:x").programmingLanguage
        'PYTHON'
    """
    from openlineage.client.facet_v2 import error_message_run

    return error_message_run.ErrorMessageRunFacet(
        message=message, programmingLanguage=language, stackTrace=stack_trace, producer=producer
    )


def job_type_facet(
    *,
    job_type: str = "ASSET",
    integration: str = "DAGSTER",
    processing_type: str = "BATCH",
    producer: str,
) -> Any:
    """The ``jobType`` job facet (``BATCH``/``DAGSTER``/``ASSET`` by default).

    Examples:
        >>> job_type_facet(job_type="MODEL", integration="DBT", producer="urn:x").jobType
        'MODEL'
    """
    from openlineage.client.facet_v2 import job_type_job

    return job_type_job.JobTypeJobFacet(
        processingType=processing_type, integration=integration, jobType=job_type, producer=producer
    )


def parent_run_facet(
    run_id: str,
    job_name: str,
    job_namespace: str,
    *,
    root: tuple[str, str, str] | None = None,
    producer: str,
) -> Any:
    """The ``parent`` run facet: the run (and optionally root run) this run belongs to.

    Args:
        run_id: The parent run id (a UUID string).
        job_name: The parent job's name.
        job_namespace: The parent job's namespace.
        root: ``(run_id, job_name, job_namespace)`` of the root run, when not the parent itself.
        producer: The producer URI.

    Examples:
        >>> parent_run_facet(
        ...     "3f5e6c1a-6f2b-4c2d-9a59-0b8c3c1f6d11", "daily", "floe", producer="urn:x"
        ... ).job.name
        'daily'
    """
    from openlineage.client.facet_v2 import parent_run

    root_run, root_job, root_namespace = root or (run_id, job_name, job_namespace)
    return parent_run.ParentRunFacet(
        run=parent_run.Run(runId=run_id),
        job=parent_run.Job(namespace=job_namespace, name=job_name),
        root=parent_run.Root(
            run=parent_run.RootRun(runId=root_run),
            job=parent_run.RootJob(namespace=root_namespace, name=root_job),
        ),
        producer=producer,
    )


def nominal_time_facet(start: datetime, end: datetime | None = None, *, producer: str) -> Any:
    """The ``nominalTime`` run facet (the scheduled time of the run).

    Examples:
        >>> from datetime import datetime, timezone
        >>> nominal_time_facet(datetime(2026, 1, 1, tzinfo=timezone.utc), producer="urn:x").nominalStartTime
        '2026-01-01T00:00:00+00:00'
    """  # noqa: E501
    from openlineage.client.facet_v2 import nominal_time_run

    return nominal_time_run.NominalTimeRunFacet(
        nominalStartTime=start.isoformat(),
        nominalEndTime=end.isoformat() if end else None,
        producer=producer,
    )


def schema_facet(columns: Mapping[str, str | None] | Sequence[str], *, producer: str) -> Any:
    """The ``schema`` dataset facet from known columns (name -> type, or names alone).

    Examples:
        >>> [f.name for f in schema_facet({"id": "BIGINT", "name": None}, producer="urn:x").fields]
        ['id', 'name']
    """
    from openlineage.client.facet_v2 import schema_dataset

    pairs = columns.items() if isinstance(columns, Mapping) else ((name, None) for name in columns)
    return schema_dataset.SchemaDatasetFacet(
        fields=[
            schema_dataset.SchemaDatasetFacetFields(name=name, type=kind) for name, kind in pairs
        ],
        producer=producer,
    )
