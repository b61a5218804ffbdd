"""``IcebergExporter``: floe-dagster-core's ``ModelExporter`` writing each built model to Iceberg.

For each model a dbt step built, after dbt has exited (core calls ``export`` in dbt's order):

1. read the model's relation from its compute target's DuckDB file (``_source``; the exporter is
   also core's ``StepObserver``, so the file stays open from the step's first export to the
   step's end instead of being opened again for each model);
2. connect once per run: floe-iceberg's ``IcebergTableManager`` with the product's catalog and
   storage plugins and the connection properties of ``_connection`` (a catalog that does not
   answer fails this model and, without retrying, the rest of the run's models, with the
   catalog's message);
3. create the namespace when missing, at the storage plugin's location for it;
4. a new table is created with its data in one transaction (pyiceberg's
   ``create_table_transaction``), so it appears complete or not at all; an existing one gets its
   compatible schema changes (``_schema``, one commit) and then one overwrite commit of the whole
   relation (``IcebergTableManager.write_data``, ``WriteMode.OVERWRITE``): DuckDB holds the
   model's full state, so a re-run converges and never duplicates rows;
5. expire snapshots by the governance policy (``_snapshots``).

Any failure raises ``IcebergExportError`` naming the table, the step that failed and the catalog's
or storage's own message (credential values removed); core then fails that model's asset only.
``export`` returns the materialization metadata: ``floe/iceberg_table``,
``floe/iceberg_snapshot_id``, ``floe/iceberg_row_count``, ``floe/iceberg_metadata_location``,
``floe/iceberg_snapshots_expired`` and, when the schema evolved, ``floe/iceberg_schema_change``.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from floe_orchestrator_dagster._errors import IcebergExportError
from floe_orchestrator_dagster._lakehouse._naming import table_identifier, table_location
from floe_orchestrator_dagster._lakehouse._plugins import Lakehouse
from floe_orchestrator_dagster._lakehouse._source import DuckDBSource, ModelReader


class IcebergExporter:
    """Exports every model dbt built to ``<namespace>.<model>`` (see the module docstring).

    Args:
        lakehouse: The product's catalog and storage plugins, resolved when Definitions load.
        sources: The DuckDB file of each compute target.
        environ: Where credentials are read from (the process environment by default).
        clock: Epoch milliseconds, for snapshot expiry (the system clock by default).
    """

    def __init__(
        self,
        lakehouse: Lakehouse,
        sources: Mapping[str, DuckDBSource],
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], int] | None = None,
    ) -> None:
        self.lakehouse = lakehouse
        self.sources = dict(sources)
        self._environ = environ
        self._clock = clock
        self._lock = threading.Lock()
        self._run: str | None = None
        self._session: _Session | None = None
        self._refused: str | None = None  # the catalog's refusal, for the rest of the run
        self._reader: ModelReader | None = None  # the running dbt step's open DuckDB files

    def export(self, info: Any) -> dict[str, Any]:
        """Write ``info.model`` to Iceberg; returns its materialization metadata.

        Raises:
            IcebergExportError: The export failed; nothing half-written is left behind.
        """
        from floe_orchestrator_dagster._lakehouse._source import read_model

        identifier = table_identifier(self.lakehouse.namespace, info.model)
        source = self.sources.get(info.compute)
        if source is None:
            raise IcebergExportError(
                f"Model {info.model!r} ran on compute target {info.compute!r}, which has no "
                f"DuckDB file known to the export; {identifier} was not written."
            )
        with self._lock:
            if self._reader is not None:
                data = self._reader.read(source, info.relation, info.model)
            else:  # outside a dbt step core told us of: the file is opened for this model only
                data = read_model(source, info.relation, info.model)
            session = self._session_for(info.run_id, identifier)
            return session.write(info.model, identifier, data)

    def step_started(self, step: Any) -> None:
        """A dbt step starts (core's ``StepObserver``): its exports may share a DuckDB reader."""
        from floe_orchestrator_dagster._lakehouse._source import ModelReader

        with self._lock:
            self._close_reader()
            self._reader = ModelReader()

    def step_finished(self, step: Any, success: bool) -> None:
        """The dbt step ended, its exports done: close its DuckDB files for the next dbt."""
        with self._lock:
            self._close_reader()

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _session_for(self, run_id: str, identifier: str) -> _Session:
        if run_id != self._run:
            self._run, self._session, self._refused = run_id, None, None
        if self._session is not None:
            return self._session
        if self._refused is not None:
            raise IcebergExportError(self._refused)
        try:
            self._session = _Session(self.lakehouse, self._environ, self._clock)
        except IcebergExportError:
            raise
        except Exception as error:  # noqa: BLE001 - the catalog's own failure, reported as is
            self._refused = (
                f"Connecting to the {self.lakehouse.catalog_type!r} catalog (plugins.catalog) "
                f"failed, so {identifier} and the run's other models were not written: "
                f"{_message(error)}. Check that the catalog answers and that its credentials are "
                "set, then re-run: each table is overwritten in one commit."
            )
            raise IcebergExportError(self._refused) from None
        return self._session


class _Session:
    """One connection to the catalog (one ``IcebergTableManager``), for one run."""

    def __init__(
        self,
        lakehouse: Lakehouse,
        environ: Mapping[str, str] | None,
        clock: Callable[[], int] | None,
    ) -> None:
        from floe_iceberg.manager import IcebergTableManager
        from floe_iceberg.models import IcebergTableManagerConfig

        from floe_orchestrator_dagster._lakehouse._connection import connection_config
        from floe_orchestrator_dagster._lakehouse._snapshots import RetentionPolicy

        self.lakehouse = lakehouse
        self.clock = clock
        config, self.secrets = connection_config(lakehouse, environ)
        try:
            self.config = IcebergTableManagerConfig.from_governance(
                lakehouse.governance
            ).model_copy(update={"catalog_connection_config": config})
            self.manager = IcebergTableManager(lakehouse.catalog, lakehouse.storage, self.config)
        except Exception as error:  # noqa: BLE001 - re-raised with the secrets removed
            raise _Redacted(_message(error, self.secrets)) from None
        self.policy = RetentionPolicy.from_config(self.config)
        self.namespace_ready = False

    def write(self, model: str, identifier: str, data: Any) -> dict[str, Any]:
        """Write ``data`` to ``identifier`` (steps 3 to 5 of the module docstring)."""
        from floe_orchestrator_dagster._lakehouse._snapshots import expire_snapshots

        namespace_uri = self._step(identifier, "creating its namespace", self._ensure_namespace)
        table, plan = self._step(
            identifier,
            "committing the data",
            lambda: self._commit(model, identifier, table_location(namespace_uri, model), data),
        )
        snapshot = table.current_snapshot()
        expired = self._step(
            identifier,
            f"expiring old snapshots (the data was committed as snapshot "
            f"{snapshot.snapshot_id if snapshot else 'none'})",
            lambda: expire_snapshots(
                self.manager, table, self.policy, self.clock() if self.clock else None
            ),
        )
        metadata: dict[str, Any] = {
            "floe/iceberg_table": identifier,
            "floe/iceberg_snapshot_id": str(snapshot.snapshot_id) if snapshot else "",
            "floe/iceberg_row_count": int(data.num_rows),
            "floe/iceberg_metadata_location": str(table.metadata_location),
            "floe/iceberg_snapshots_expired": expired,
        }
        if plan is not None and plan.changed:
            metadata["floe/iceberg_schema_change"] = plan.describe()
        return metadata

    def _ensure_namespace(self) -> str:
        uri = self.lakehouse.namespace_uri()
        if self.namespace_ready:
            return uri
        namespace = self.lakehouse.namespace
        if (namespace,) not in self.manager.catalog.list_namespaces():
            try:
                self.lakehouse.catalog.create_namespace(namespace, {"location": uri})
            except Exception:
                # another step may have created it meanwhile: only then is this no failure
                if (namespace,) not in self.manager.catalog.list_namespaces():
                    raise
        self.namespace_ready = True
        return uri

    def _commit(self, model: str, identifier: str, location: str, data: Any) -> tuple[Any, Any]:
        from floe_iceberg.errors import NoSuchTableError as FloeNoSuchTable
        from floe_iceberg.models import WriteConfig, WriteMode
        from pyiceberg.exceptions import NoSuchTableError

        from floe_orchestrator_dagster._lakehouse._schema import evolve, plan_changes

        try:
            table = self.manager.load_table(identifier)
        except (NoSuchTableError, FloeNoSuchTable):
            catalog: Any = self.manager.catalog  # pyiceberg's Catalog (floe types a Protocol)
            transaction = catalog.create_table_transaction(
                identifier,
                schema=data.schema,
                location=location,
                properties=_table_properties(self.config),
            )
            transaction.append(data)
            transaction.commit_transaction()
            return self.manager.load_table(identifier), None
        plan = plan_changes(table.schema(), data.schema, identifier, model)
        if plan.changed:
            table = evolve(self.manager, table, plan, data.schema)
        with warnings.catch_warnings():
            # pyiceberg's overwrite deletes every row first and warns when there was none (the
            # table was empty): that is an ordinary overwrite here, not a mistake to report
            warnings.filterwarnings("ignore", "Delete operation did not match any records")
            table = self.manager.write_data(table, data, WriteConfig(mode=WriteMode.OVERWRITE))
        return table, plan

    def _step(self, identifier: str, what: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except IcebergExportError:
            raise
        except Exception as error:  # noqa: BLE001 - the catalog's or storage's own failure
            raise IcebergExportError(
                f"Writing Iceberg table {identifier} failed while {what}: "
                f"{_message(error, self.secrets)}. A failed commit changes nothing: the table "
                "keeps its previous snapshot. Fix the cause, then re-run the asset."
            ) from None


def _table_properties(config: Any) -> dict[str, str]:
    """floe-iceberg's properties for a new table (format, file size, ``history.expire.*``).

    Without ``write.parquet.row-group-size-bytes``: its value is Iceberg's default, and pyiceberg's
    writer, which writes every commit here, does not implement it and warns on each write.
    """
    unused = "write.parquet.row-group-size-bytes"
    return {k: v for k, v in config.default_table_properties.items() if k != unused}


class _Redacted(Exception):
    """A connection failure whose message already has its secrets removed."""


def _message(error: BaseException, secrets: tuple[str, ...] = ()) -> str:
    from floe_orchestrator_dagster._lakehouse._connection import redacted

    if isinstance(error, _Redacted):
        return str(error)
    text = str(error).strip() or "no message"
    return f"{redacted(text, secrets)} ({type(error).__name__})"
