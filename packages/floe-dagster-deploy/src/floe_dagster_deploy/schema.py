"""Print the chart's ``values.schema.json`` or ``values.yaml``, generated from the model.

Regenerate the chart files after changing the model::

    python -m floe_dagster_deploy.schema > charts/floe-dagster/values.schema.json
    python -m floe_dagster_deploy.schema --values > charts/floe-dagster/values.yaml
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from floe_dagster_deploy._schema import values_schema_json
from floe_dagster_deploy._values_file import values_yaml

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schema (or with ``--values`` the default values) to stdout.

    Examples:
        >>> main(["--help"])  # doctest: +ELLIPSIS
        usage: ...
        0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["-h"], ["--help"]):
        print("usage: python -m floe_dagster_deploy.schema [--values]")
        return 0
    if args == ["--values"]:
        sys.stdout.write(values_yaml())
        return 0
    if args:
        print(f"Unknown arguments {args}; usage: [--values].", file=sys.stderr)
        return 2
    sys.stdout.write(values_schema_json())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
