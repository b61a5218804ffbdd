"""The dbt resource floe binds: dagster-dbt's ``DbtCliResource``, less a ``dbt --version`` per step.

dagster-dbt 0.28 and later (Dagster 1.12, 1.13) ask the dbt executable for its version, running
``dbt --version``, on the first ``cli()`` call of each resource instance. Dagster builds the
resources anew for every run, so every dbt step, and the ``dbt parse`` of a cold load, started one
more dbt process before its own: 9.6 s on a 2-core CI machine (dbt imports itself, then asks PyPI
for its latest release). When the executable is the dbt installed beside the running Python
(floe's default, see ``dbt_executable``), its version is the installed ``dbt-core``'s, read from
the package metadata at no cost. Any other executable (dbt Fusion, a dbt in another environment)
is asked as before. Older dagster-dbt never asks, and this class changes nothing there.
"""

from __future__ import annotations

import shutil
import sys
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


def installed_dbt_version(executable: str) -> version.Version | None:
    """The version of ``executable`` when it is the dbt of this Python's environment, else None.

    Examples:
        >>> installed_dbt_version("/nowhere/dbt") is None
        True
    """
    found = shutil.which(executable)
    beside = Path(sys.executable).parent / "dbt"
    if found is None or not beside.is_file() or Path(found).resolve() != beside.resolve():
        return None
    try:
        return version.parse(metadata.version("dbt-core"))
    except (metadata.PackageNotFoundError, version.InvalidVersion):
        return None


class FloeDbtCliResource(DbtCliResource):
    """``DbtCliResource`` that knows its own dbt's version without starting it (see the module)."""

    @cached_property
    def _cli_version(self) -> Any:
        known = installed_dbt_version(self.dbt_executable)
        if known is not None:
            return known
        return super()._cli_version
