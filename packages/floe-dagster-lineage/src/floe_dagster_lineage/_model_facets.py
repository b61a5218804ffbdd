"""Builders of the facets a data-governance team expects of a model run (dbt-ol's, and more).

Each returns an openlineage-python ``facet_v2`` object that validates against the shipped schemas:

======================================  ===========  ==============================================
builder                                 where        key
======================================  ===========  ==============================================
``datasource_facet``                    dataset      ``dataSource``
``documentation_facet``                 dataset/job  ``documentation``
``data_quality_assertions_facet``       input        ``dataQualityAssertions`` (the model's tests)
``output_statistics_facet``             output       ``outputStatistics``
``sql_job_facet``                       job          ``sql``
``processing_engine_facet``             run          ``processing_engine``
``tags_facet``                          run/job/ds   ``tags``
======================================  ===========  ==============================================

Column lineage is in ``_column_lineage``, floe's own run facet in ``_floe_facet``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from floe_dagster_lineage._errors import FacetError
from floe_dagster_lineage._events import DEFAULT_PRODUCER
from floe_dagster_lineage._redact import safe_url

_KINDS = ("run", "job", "dataset")


def datasource_facet(name: str, uri: str | None = None, *, producer: str = DEFAULT_PRODUCER) -> Any:
    """The ``dataSource`` dataset facet: the data source's name and URI (without user info).

    Args:
        name: The data source's name (dbt-ol uses the dataset namespace).
        uri: Its URI; the name when None. User info and query are removed. A value that is no
            valid URI (``duckdb://:memory:`` has no valid authority) is left out: the spec wants
            a URI there.
        producer: The producer URI.

    Examples:
        >>> facet = datasource_facet("postgres://db:5432", "postgres://user:pw@db:5432")
        >>> facet.name, facet.uri
        ('postgres://db:5432', 'postgres://db:5432')
        >>> datasource_facet("duckdb://:memory:").uri is None
        True
    """
    from openlineage.client.facet_v2 import datasource_dataset

    if not name:
        raise FacetError(
            "`datasource_facet` needs the data source's name, e.g. 'postgres://db:5432'."
        )
    candidate = safe_url(uri or name)
    return datasource_dataset.DatasourceDatasetFacet(
        name=safe_url(name), uri=candidate if _is_uri(candidate) else None, producer=producer
    )


def _is_uri(value: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        _ = parts.port  # raises for an authority that is not host[:port]
    except ValueError:
        return False
    return bool(parts.scheme)


def documentation_facet(
    description: str,
    *,
    kind: str = "dataset",
    content_type: str | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> Any:
    """The ``documentation`` facet of a dataset or a job (a model's description).

    Args:
        description: The text.
        kind: ``dataset`` or ``job``.
        content_type: E.g. ``text/markdown`` (dbt descriptions are Markdown).
        producer: The producer URI.

    Examples:
        >>> documentation_facet("One row per customer", kind="job").description
        'One row per customer'
    """
    from openlineage.client.facet_v2 import documentation_dataset, documentation_job

    if kind == "dataset":
        return documentation_dataset.DocumentationDatasetFacet(
            description=description, contentType=content_type, producer=producer
        )
    if kind == "job":
        return documentation_job.DocumentationJobFacet(
            description=description, contentType=content_type, producer=producer
        )
    raise FacetError(f"`documentation_facet` kind must be 'dataset' or 'job', got {kind!r}.")


def data_quality_assertions_facet(
    assertions: Iterable[Mapping[str, Any]], *, producer: str = DEFAULT_PRODUCER
) -> Any:
    """The ``dataQualityAssertions`` input-dataset facet: each test run on the dataset.

    Args:
        assertions: One mapping per test: ``assertion`` (the test, e.g. ``not_null``) and
            ``success`` (bool) are required; ``column``, ``severity`` (``error``/``warn``),
            ``name`` (the test's node name), ``description``, ``expected``, ``actual``,
            ``content`` (its SQL) and ``contentType`` are optional.
        producer: The producer URI.

    Raises:
        FacetError: For an assertion without ``assertion`` or a boolean ``success``, or with a
            key the spec does not know.

    Examples:
        >>> facet = data_quality_assertions_facet(
        ...     [{"assertion": "not_null", "column": "id", "success": True, "severity": "error"}]
        ... )
        >>> facet.assertions[0].column
        'id'
    """
    from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa

    known = {"assertion", "success", "column", "severity", "name", "description"}
    known |= {"expected", "actual", "content", "contentType", "params"}
    built = []
    for index, item in enumerate(assertions):
        unknown = sorted(set(item) - known)
        if unknown:
            raise FacetError(
                f"`assertion [{index}]` has the unknown key(s) {', '.join(unknown)}; valid keys: "
                f"{', '.join(sorted(known))}."
            )
        if not item.get("assertion") or not isinstance(item.get("success"), bool):
            raise FacetError(
                f"`assertion [{index}]` needs 'assertion' (the test, e.g. 'not_null') and a "
                f"boolean 'success', got {dict(item)!r}."
            )
        fields = {key: value for key, value in item.items() if value is not None}
        for key in ("expected", "actual"):  # the spec has them as strings
            if key in fields:
                fields[key] = str(fields[key])
        built.append(dqa.Assertion(**fields))
    return dqa.DataQualityAssertionsDatasetFacet(assertions=built, producer=producer)


def output_statistics_facet(
    row_count: int | None,
    size: int | None = None,
    *,
    file_count: int | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> Any:
    """The ``outputStatistics`` output-dataset facet (rows written, bytes, files).

    Raises:
        FacetError: For a count that is not a whole number >= 0.

    Examples:
        >>> output_statistics_facet(42).rowCount
        42
    """
    from openlineage.client.facet_v2 import output_statistics_output_dataset as stats

    values = {"row_count": row_count, "size": size, "file_count": file_count}
    for name, value in values.items():
        bad = value is not None and (isinstance(value, bool) or not isinstance(value, int))
        if bad or (value is not None and value < 0):
            raise FacetError(
                f"`output_statistics_facet` {name} must be a whole number >= 0 or None, got "
                f"{value!r}."
            )
    return stats.OutputStatisticsOutputDatasetFacet(
        rowCount=row_count, size=size, fileCount=file_count, producer=producer
    )


def sql_job_facet(
    query: str, dialect: str | None = None, *, producer: str = DEFAULT_PRODUCER
) -> Any:
    """The ``sql`` job facet: the compiled SQL and its dialect (the dbt adapter type).

    Examples:
        >>> sql_job_facet("select 1", "duckdb").dialect
        'duckdb'
    """
    from openlineage.client.facet_v2 import sql_job

    if not query:
        raise FacetError("`sql_job_facet` needs the query (the model's compiled SQL).")
    return sql_job.SQLJobFacet(query=query, dialect=dialect, producer=producer)


def processing_engine_facet(
    name: str,
    version: str,
    adapter_version: str | None = None,
    *,
    producer: str = DEFAULT_PRODUCER,
) -> Any:
    """The ``processing_engine`` run facet: the engine (e.g. dbt, Dagster) and its version.

    Args:
        name: The engine, e.g. ``dbt``.
        version: Its version, e.g. ``1.10.2``.
        adapter_version: The version of what turned its runs into OpenLineage (this package's).
        producer: The producer URI.

    Examples:
        >>> processing_engine_facet("dbt", "1.10.2", "0.1.0").openlineageAdapterVersion
        '0.1.0'
    """
    from openlineage.client.facet_v2 import processing_engine_run

    if not name or not version:
        raise FacetError(
            f"`processing_engine_facet` needs a name and a version, got {name!r} and {version!r}."
        )
    return processing_engine_run.ProcessingEngineRunFacet(
        version=str(version),
        name=name,
        openlineageAdapterVersion=adapter_version,
        producer=producer,
    )


def tags_facet(
    tags: Mapping[str, Any] | Iterable[str],
    *,
    kind: str = "run",
    source: str | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> Any:
    """The ``tags`` facet of a run, job or dataset.

    Args:
        tags: ``key -> value`` pairs, or bare tags (dbt's ``tags:``), which get the value
            ``"true"`` as dbt-ol gives them. Booleans become ``"true"``/``"false"``.
        kind: ``run``, ``job`` or ``dataset``.
        source: Where the tags come from, e.g. ``DBT``, ``DAGSTER``, ``FLOE``.
        producer: The producer URI.

    Examples:
        >>> [(t.key, t.value) for t in tags_facet(["finance"], source="DBT").tags]
        [('finance', 'true')]
        >>> tags_facet({"team": "data"}, kind="dataset").tags[0].value
        'data'
    """
    from openlineage.client.facet_v2 import tags_dataset, tags_job, tags_run

    classes = {
        "run": (tags_run.TagsRunFacet, tags_run.TagsRunFacetFields),
        "job": (tags_job.TagsJobFacet, tags_job.TagsJobFacetFields),
        "dataset": (tags_dataset.TagsDatasetFacet, tags_dataset.TagsDatasetFacetFields),
    }
    if kind not in classes:
        raise FacetError(f"`tags_facet` kind must be one of {', '.join(_KINDS)}, got {kind!r}.")
    pairs = tags.items() if isinstance(tags, Mapping) else ((tag, True) for tag in tags)
    facet, field = classes[kind]
    return facet(
        tags=[field(key=str(key), value=_tag_value(value), source=source) for key, value in pairs],
        producer=producer,
    )


def _tag_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
