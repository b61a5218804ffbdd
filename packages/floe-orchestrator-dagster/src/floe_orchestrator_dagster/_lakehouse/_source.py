"""Reading a model dbt built from its DuckDB file, as one Arrow table.

The export runs after dbt has exited, so the compute target's DuckDB file is free: it is opened
read-only, with the dbt output's ``attach`` entries attached read-only too (a model on a second
target may be a view over the first target's file), and the session time zone set to UTC
(pyiceberg stores ``timestamptz`` in UTC). The relation is the one dbt reports for this run
(``node_relation``: database, schema, alias).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floe_orchestrator_dagster._errors import IcebergExportError, LakehouseError


@dataclass(frozen=True)
class DuckDBSource:
    """A compute target's DuckDB file and the files its dbt output attaches.

    Attributes:
        compute: The compute target.
        path: The DuckDB file.
        attach: ``(path, alias)`` of each attached DuckDB file.
    """

    compute: str
    path: Path
    attach: tuple[tuple[Path, str | None], ...] = ()


def duckdb_source(compute: str, output: Mapping[str, Any], project_dir: Path) -> DuckDBSource:
    """The DuckDB file of ``compute``'s dbt output.

    Raises:
        LakehouseError: The output is not a DuckDB file (the export reads models from DuckDB).
    """
    kind = output.get("type")
    raw = output.get("path")
    if kind != "duckdb" or not isinstance(raw, str) or not raw or raw == ":memory:":
        what = f"dbt type {kind!r}" if kind != "duckdb" else f"DuckDB path {raw!r}"
        raise LakehouseError(
            f"Compute target {compute!r} runs dbt on {what}, but the Iceberg export reads each "
            "model dbt built from a DuckDB file. Run these models on a DuckDB compute target "
            "with a file path, or remove plugins.catalog and plugins.storage from manifest.yaml."
        )
    attach = []
    for entry in output.get("attach") or []:
        if isinstance(entry, Mapping) and entry.get("type", "duckdb") == "duckdb":
            attach.append((_resolved(str(entry["path"]), project_dir), entry.get("alias")))
    return DuckDBSource(compute, _resolved(raw, project_dir), tuple(attach))


def _resolved(path: str, project_dir: Path) -> Path:
    given = Path(path)
    return given if given.is_absolute() else (project_dir / given).resolve()


def relation_sql(relation: Mapping[str, Any] | None, model: str) -> str:
    """The quoted relation name of the model dbt built.

    Raises:
        IcebergExportError: dbt reported no relation for the model.

    Examples:
        >>> relation_sql({"database": "shop", "schema": "main", "alias": 'a"b'}, "a")
        '"shop"."main"."a""b"'
    """
    parts = [(relation or {}).get(key) for key in ("database", "schema", "alias")]
    if parts[2]:
        return ".".join(_quoted(str(p)) for p in parts if p)
    name = (relation or {}).get("relation_name")
    if name:
        return str(name)
    raise IcebergExportError(
        f"`dbt` reported no relation for model {model!r} (node_relation), so the export "
        "cannot find the table it built. Ephemeral models are not exported: materialize the "
        "model as a table or a view."
    )


class ModelReader:
    """Reads models from their DuckDB files, each file opened once until ``close``.

    Opening a DuckDB file loads its whole catalog, so a step that exports many models keeps the
    file open from its first export to its end (the exporter closes it when core says the step
    finished, before any later dbt step can need the file).
    """

    def __init__(self) -> None:
        self._open: dict[DuckDBSource, Any] = {}

    def read(self, source: DuckDBSource, relation: Mapping[str, Any] | None, model: str) -> Any:
        """The rows of the model, as a ``pyarrow.Table``.

        Raises:
            IcebergExportError: DuckDB cannot open the file or read the relation (its message).
        """
        import duckdb

        sql = relation_sql(relation, model)
        try:
            result = self._connection(source).execute(f"SELECT * FROM {sql}").arrow()
            # DuckDB 1.4+ returns a record batch reader here, earlier releases a table
            read_all = getattr(result, "read_all", None)
            return read_all() if read_all is not None else result
        except duckdb.Error as error:
            raise IcebergExportError(
                f"Reading model {model!r} ({sql}) from the DuckDB file {source.path} of compute "
                f"target {source.compute!r} failed: {error} ({type(error).__name__}). Nothing "
                "was written to Iceberg."
            ) from None

    def close(self) -> None:
        """Close every file this reader opened."""
        while self._open:
            _, connection = self._open.popitem()
            connection.close()

    def _connection(self, source: DuckDBSource) -> Any:
        import duckdb

        connection = self._open.get(source)
        if connection is None:
            connection = duckdb.connect(str(source.path), read_only=True)
            try:
                connection.execute("SET TimeZone = 'UTC'")
                for path, alias in source.attach:
                    target = f" AS {_quoted(alias)}" if alias else ""
                    connection.execute(f"ATTACH {_literal(str(path))}{target} (READ_ONLY)")
            except BaseException:
                connection.close()
                raise
            self._open[source] = connection
        return connection


def read_model(source: DuckDBSource, relation: Mapping[str, Any] | None, model: str) -> Any:
    """The rows of one model, its file opened and closed again (see ``ModelReader.read``)."""
    reader = ModelReader()
    try:
        return reader.read(source, relation, model)
    finally:
        reader.close()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
