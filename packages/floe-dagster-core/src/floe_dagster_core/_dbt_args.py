"""dbt selection arguments that every supported dagster-dbt reads the way dbt does.

dagster-dbt 0.29 (Dagster 1.13) pulls ``--select`` and ``--exclude`` out of the arguments given to
``DbtCliResource.cli`` with ``argparse``, which takes one value per flag: ``--select a b`` keeps
``a`` and leaves ``b`` behind as a stray positional argument (``dbt build`` then fails with "Got
unexpected extra argument (b)"). dbt itself, and dagster-dbt's own selections, put the names in
one space-separated value, so floe does the same. Linux refuses any single argument over 128 KiB
("Argument list too long"); a value longer than ``ARG_LIMIT`` bytes is passed as one flag per
name instead (``--select a --select b``), which dbt unites. dagster-dbt 0.29 joins those into one
value again, so on Dagster 1.13 a selection of more than about 4,000 model names is still
refused by the kernel: dagster-dbt's limit, not floe's.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Longest value passed as one argument, in bytes (below Linux's 128 KiB per argument).
ARG_LIMIT = 100_000


def selection_args(flag: str, values: Sequence[str]) -> list[str]:
    """``[flag, "a b c"]``, or ``[flag, "a", flag, "b", ...]`` when that value is too long.

    >>> selection_args("--select", ["stg_a", "stg_b"])
    ['--select', 'stg_a stg_b']
    """
    joined = " ".join(values)
    if len(joined.encode()) <= ARG_LIMIT:
        return [flag, joined]
    args: list[str] = []
    for value in values:
        args += [flag, value]
    return args
