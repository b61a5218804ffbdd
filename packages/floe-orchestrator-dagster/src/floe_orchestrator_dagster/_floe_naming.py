"""floe-core's dbt naming rule, without importing floe-core's whole compiler.

The compiler names a product's dbt profile with ``floe_core.compilation.naming.dbt_project_name``
(``shop-analytics`` -> ``shop_analytics``); loading definitions must apply the same rule to find
that profile. Importing the module the usual way runs ``floe_core.compilation``'s ``__init__``,
which imports every compiler stage: about 0.2 s of a cold code-location load, for a one-line
function. ``dbt_project_name_rule`` runs floe-core's own ``naming.py`` file on its own instead
(it imports only ``re``), and falls back to the normal import when that file is not where it
is expected.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

_MODULE = "floe_core.compilation.naming"
_found: list[Callable[[str], str]] = []


def dbt_project_name_rule() -> Callable[[str], str]:
    """floe-core's ``dbt_project_name``, loaded once.

    Examples:
        >>> dbt_project_name_rule()("shop-analytics")
        'shop_analytics'
    """
    if _found:
        return _found[0]
    loaded = sys.modules.get(_MODULE)
    rule = getattr(loaded, "dbt_project_name", None) if loaded else None
    if rule is None:
        rule = _standalone() or _imported()
    _found.append(rule)
    return rule


def _standalone() -> Callable[[str], str] | None:
    package = importlib.util.find_spec("floe_core")
    if package is None or package.origin is None:
        return None
    path = Path(package.origin).parent / "compilation" / "naming.py"
    spec = importlib.util.spec_from_file_location("_floe_dagster_floe_naming", path)
    if spec is None or spec.loader is None or not path.is_file():
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rule = getattr(module, "dbt_project_name", None)
    return rule if callable(rule) else None


def _imported() -> Callable[[str], str]:
    from floe_core.compilation.naming import dbt_project_name

    return dbt_project_name
