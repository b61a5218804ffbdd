"""Loading a compiled data product's Dagster Definitions from its folder.

This is what a generated ``definitions.py`` calls (floe-core's docs name it
``load_product_definitions(product_name, project_dir)``): the folder holds
``compiled_artifacts.json`` (from ``floe platform compile``) and the product's dbt project.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from floe_orchestrator_dagster._errors import ProductLoadError

ARTIFACTS_FILE = "compiled_artifacts.json"


def load_product_definitions(
    product_name: str, project_dir: str | Path, *, lineage_enabled: bool = True
) -> Any:
    """The ``dagster.Definitions`` of the product compiled in ``project_dir``.

    Args:
        product_name: The product's ``metadata.name``; must match the compiled artifacts.
        project_dir: Folder with ``compiled_artifacts.json`` and the dbt project.
        lineage_enabled: Emit OpenLineage events through the artifacts' lineage backend.

    Raises:
        ProductLoadError: the artifacts file is missing, unreadable, or for another product.

    Examples:
        >>> defs = load_product_definitions("jaffle-shop", "products/jaffle-shop")
    """
    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._plugin import DagsterOrchestratorPlugin

    folder = Path(project_dir)
    path = folder / ARTIFACTS_FILE
    try:
        artifacts = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProductLoadError(
            f"{path} not found. Compile the product first: floe platform compile --spec "
            f"floe.yaml --manifest manifest.yaml --output {path}"
        ) from None
    except json.JSONDecodeError as exc:
        raise ProductLoadError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}. "
            "Recompile the product."
        ) from None
    found = (artifacts.get("metadata") or {}).get("product_name")
    if found != product_name:
        raise ProductLoadError(
            f"{path} holds the compiled artifacts of product {found!r}, not {product_name!r}. "
            "Regenerate definitions.py for this folder, or compile the right product here."
        )
    settings: dict[str, Any] = {"project_dir": folder}
    if not lineage_enabled:
        settings["lineage"] = {"enabled": False}
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate(settings))
    return plugin.create_definitions(path)  # type: ignore[arg-type]  # a path is accepted too
