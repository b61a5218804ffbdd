"""Names in lineage: datasets after OpenLineage's naming conventions, jobs after dbt-ol's.

- **Datasets.** A model's table is named where dbt built it in this run (dbt's own relation:
  database, schema, alias), in the namespace of the warehouse of the dbt output its compute
  target runs on (``duckdb://<file>``, ``postgres://host:port``...). An upstream is named by its
  own compute target's warehouse (a DuckDB file another target attaches keeps its own namespace),
  with the database it sets itself, else that warehouse's.
- **Jobs.** A model's run is the job ``<database>.<schema>.<dbt project>.<model>.build.run`` and
  its tests ``....build.test`` (dbt-ol's rule, ``floe_dagster_lineage.model_job_name``), in the
  product's lineage namespace, so two products' ``stg_customers`` never share a job. The product
  run is the Dagster job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from floe_orchestrator_dagster._lineage_settings import LineageSettings


@dataclass(frozen=True)
class Place:
    """Where a dataset lives: its namespace, and how its name starts."""

    namespace: str
    database: str | None
    schema: str | None


class DatasetNaming:
    """Datasets of floe models and their upstreams (see the module docstring)."""

    def __init__(
        self, output_of: Callable[[str], Mapping[str, Any]], settings: LineageSettings
    ) -> None:
        self._output_of = output_of  # compute target -> the dbt output it runs on
        self._settings = settings
        self._places: dict[str, Place] = {}
        self._seen: dict[str, tuple[str, str]] = {}  # asset key -> where it ran in this process

    def place(self, compute: str) -> Place:
        """The namespace, database and default schema of a compute target's warehouse."""
        found = self._places.get(compute)
        if found is None:
            from floe_dagster_lineage import database_for_profile, namespace_for_profile

            output = self._output_of(compute)
            kind = output.get("type")
            namespace = self._settings.dataset_namespace or (
                namespace_for_profile(output) if kind else compute
            )
            schema = output.get("schema") or ("main" if kind == "duckdb" else None)
            found = Place(namespace, database_for_profile(output) if kind else None, schema)
            self._places[compute] = found
        return found

    def adapter_type(self, compute: str) -> str | None:
        """The dbt adapter type of a compute target's output (``duckdb``...), if known."""
        kind = self._output_of(compute).get("type")
        return str(kind) if kind else None

    def model(self, info: Any) -> tuple[str, str]:
        """``(namespace, name)`` of the table a model writes."""
        place = self.place(info.compute)
        relation = info.relation or {}
        metadata = info.metadata or {}
        database = relation.get("database") or metadata.get("database") or place.database
        schema = relation.get("schema") or metadata.get("schema") or place.schema
        alias = relation.get("alias") or metadata.get("alias") or info.model
        named = (place.namespace, _joined(database, schema, alias))
        self._seen[info.asset_key] = named
        return named

    def upstream(self, info: Any) -> list[tuple[str, str, Mapping[str, Any]]]:
        """``(namespace, name, relation facts)`` of every table a model reads.

        An upstream that ran in this process is named where it ran; else after its facts from
        the manifest; else (a per-transform asset) after its asset key.
        """
        from floe_dagster_lineage import dataset_name

        relations = {
            r["asset_key"]: r for r in (info.metadata or {}).get("upstream_relations") or ()
        }
        found = []
        for key in info.upstream:
            relation = relations.get(key, {})
            seen = self._seen.get(key)
            if seen is not None:
                found.append((*seen, relation))
                continue
            place = self.place(relation.get("compute") or info.compute)
            if relation:
                database = relation.get("database") or place.database
                schema = relation.get("schema") or place.schema
                name = _joined(database, schema, relation.get("alias") or key)
            else:
                name = dataset_name(key.split("/"), database=place.database, schema=place.schema)
            found.append((place.namespace, name, relation))
        return found


def _joined(*parts: Any) -> str:
    return ".".join(str(part) for part in parts if part)


def model_job(info: Any, naming: DatasetNaming, *, kind: str = "model") -> str:
    """dbt-ol's job name of a model's run (``kind="model"``) or of its tests (``"test"``)."""
    from floe_dagster_lineage import model_job_name

    place = naming.place(info.compute)
    relation = info.relation or {}
    metadata = info.metadata or {}
    return model_job_name(
        relation.get("database") or metadata.get("database") or place.database,
        relation.get("schema") or metadata.get("schema") or place.schema,
        info.model,
        project=metadata.get("project"),
        command="build",
        kind=kind,
    )
