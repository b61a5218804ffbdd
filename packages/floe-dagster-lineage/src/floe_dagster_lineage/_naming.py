"""OpenLineage job names that are unique across data products, after dbt-ol's convention.

dbt-ol (openlineage-dbt, ``DbtArtifactProcessor``) names a model's job
``<database>.<schema>.<unique_id without "model.">`` and, for ``dbt build``, appends
``.build.run``; the unique id is ``model.<project>.<model>``. So ``dim_customers`` of project
``jaffle_shop``, built into ``jaffle_shop.main_marts``, is
``jaffle_shop.main_marts.jaffle_shop.dim_customers.build.run``.
Snapshots end in ``.build.snapshot`` (``.snapshot`` outside ``build``), tests in ``.build.test``
(``.test``). Two products with a ``stg_customers`` model therefore get two jobs, because their
database, schema or project differ. The product run's job is the Dagster job's name.
"""

from __future__ import annotations

from floe_dagster_lineage._errors import LineageError

_KINDS = ("model", "snapshot", "test")
_COMMANDS = ("build", "run", "test", "snapshot", "seed")


def model_job_name(
    database: str | None,
    schema: str | None,
    model: str,
    *,
    project: str | None = None,
    command: str = "build",
    kind: str = "model",
) -> str:
    """The OpenLineage job name of one dbt node's run, as dbt-ol names it.

    Rule: the non-empty parts of ``database.schema.project.model`` joined with dots, then
    ``.build.run`` for a model built by ``dbt build`` (nothing for ``dbt run``),
    ``.build.snapshot``/``.snapshot`` for a snapshot and ``.build.test``/``.test`` for a test.

    Args:
        database: The node's database (DuckDB: the file's stem; Trino: the catalog).
        schema: The node's schema.
        model: The node's name (a versioned model's name includes it: ``orders.v2``).
        project: The dbt project (package) name, the middle part of the node's unique id.
        command: The dbt command that ran it: build, run, test, snapshot or seed.
        kind: ``model``, ``snapshot`` or ``test``.

    Raises:
        LineageError: For an empty model name, or a command or kind outside the valid ones.

    Examples:
        >>> model_job_name("jaffle_shop", "main_marts", "dim_customers", project="jaffle_shop")
        'jaffle_shop.main_marts.jaffle_shop.dim_customers.build.run'
        >>> model_job_name("warehouse", "main", "stg_orders", command="run")
        'warehouse.main.stg_orders'
        >>> model_job_name(None, "snapshots", "orders_snapshot", kind="snapshot", project="shop")
        'snapshots.shop.orders_snapshot.build.snapshot'
    """
    if not model:
        raise LineageError("`model_job_name` needs the model's name, e.g. 'dim_customers'.")
    if command not in _COMMANDS:
        raise LineageError(
            f"`model_job_name` command must be one of {', '.join(_COMMANDS)}, got {command!r}."
        )
    if kind not in _KINDS:
        raise LineageError(
            f"`model_job_name` kind must be one of {', '.join(_KINDS)}, got {kind!r}."
        )
    name = ".".join(part for part in (database, schema, project, model) if part)
    built = command == "build"
    if kind == "model":
        return name + (".build.run" if built else "")
    return name + (".build." if built else ".") + kind


def product_job_name(dagster_job: str) -> str:
    """The OpenLineage job of a product run: the Dagster job's name, as it is.

    Each Dagster run is one OpenLineage run of this job (run id = the Dagster run id), in the
    product's lineage namespace; every model run names it as its ``parent`` and ``root``.

    Raises:
        LineageError: For an empty name.

    Examples:
        >>> product_job_name("jaffle_shop_job")
        'jaffle_shop_job'
    """
    if not dagster_job:
        raise LineageError(
            "`product_job_name` needs the Dagster job's name, e.g. 'jaffle_shop_job'."
        )
    return dagster_job
