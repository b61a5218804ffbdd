"""Loading a compiled data product's Dagster Definitions from its folder.

This is what a generated ``definitions.py`` calls (floe-core's docs name it
``load_product_definitions(product_name, project_dir)``): the folder holds
``compiled_artifacts.json`` (from ``floe platform compile``) and the product's dbt project. The
artifacts are read and validated once; the plugin is configured from the manifest's
``plugins.orchestrator.config`` carried in them (with ``project_dir`` set to the folder), so the
code location honours the same compute targets, lineage namespace and telemetry as
``create_definitions``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from floe_orchestrator_dagster._errors import ProductLoadError


def load_product_definitions(
    product_name: str, project_dir: str | Path, *, lineage_enabled: bool = True
) -> Any:
    """The ``dagster.Definitions`` of the product compiled in ``project_dir``.

    Args:
        product_name: The product's ``metadata.name``; must match the compiled artifacts.
        project_dir: Folder with ``compiled_artifacts.json`` and the dbt project.
        lineage_enabled: Emit OpenLineage events through the artifacts' lineage backend.

    Raises:
        floe_dagster_core.ArtifactsNotFoundError: No ``compiled_artifacts.json`` in the folder.
        pydantic.ValidationError: The artifacts or the orchestrator config are invalid.
        ProductLoadError: The artifacts are for another product.

    Examples:
        >>> defs = load_product_definitions("jaffle-shop", "products/jaffle-shop")  # doctest: +SKIP
    """
    from floe_orchestrator_dagster._artifacts import read_artifacts
    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._plugin import DagsterOrchestratorPlugin

    folder = Path(project_dir)
    artifacts = read_artifacts(folder)
    if artifacts.product_name != product_name:
        raise ProductLoadError(
            f"The file {artifacts.path} holds the compiled artifacts of product "
            f"{artifacts.product_name!r}, not {product_name!r}. Regenerate definitions.py for "
            "this folder, or compile the right product here."
        )
    # the manifest's orchestrator config in the artifacts applies under these (create_definitions)
    settings: dict[str, Any] = {"project_dir": folder}
    if not lineage_enabled:
        settings["lineage"] = {**(artifacts.orchestrator_config or {}).get("lineage", {})}
        settings["lineage"]["enabled"] = False
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate(settings))
    return plugin.create_definitions(artifacts)  # type: ignore[arg-type]  # read already
