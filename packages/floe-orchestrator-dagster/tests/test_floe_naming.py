"""floe-core's dbt naming rule, loaded without floe-core's compiler (issue 14)."""

from __future__ import annotations

import subprocess
import sys

from floe_core.compilation.naming import dbt_project_name

from floe_orchestrator_dagster._floe_naming import _standalone, dbt_project_name_rule

NAMES = ["shop-analytics", "9lives", "a.b c", "__", "", "ok_name"]


def test_the_rule_is_floe_cores_own() -> None:
    standalone = _standalone()
    assert standalone is not None
    assert [standalone(n) for n in NAMES] == [dbt_project_name(n) for n in NAMES]
    assert [dbt_project_name_rule()(n) for n in NAMES] == [dbt_project_name(n) for n in NAMES]


def test_loading_it_imports_no_floe_compiler() -> None:
    code = (
        "import sys\n"
        "from floe_orchestrator_dagster._floe_naming import dbt_project_name_rule\n"
        "print(dbt_project_name_rule()('shop-analytics'))\n"
        "print(sorted(m for m in sys.modules if m.startswith('floe_core.compilation')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.splitlines() == ["shop_analytics", "[]"]
