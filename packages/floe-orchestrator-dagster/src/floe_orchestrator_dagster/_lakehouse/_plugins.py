"""The product's catalog and storage plugins, found and configured through floe-core's registry.

``plugins.catalog`` and ``plugins.storage`` of the compiled artifacts name the plugins and carry
their configuration (secret-free: floe's compiler refuses credentials there). Each type is looked
up in the process's registry (``_registry.registry()``); an unknown type gets the list of the
installed ones. ``registry.configure`` validates the configuration with the plugin's own schema,
and the export gets a private instance configured with it, so two products in one process never
share a configured plugin.

This runs when Definitions load and only validates: nothing connects to the catalog here, so an
unreachable catalog fails the runs that export, not the code location.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

from floe_orchestrator_dagster._errors import LakehouseError
from floe_orchestrator_dagster._lakehouse._naming import iceberg_namespace

#: What the export imports when it runs (the ``iceberg`` extra of this package).
EXTRA_MODULES = ("floe_iceberg", "pyiceberg", "pyarrow", "duckdb")
_KINDS = {"catalog": ("CATALOG", "catalogs"), "storage": ("STORAGE", "storage plugins")}


@dataclass(frozen=True)
class Lakehouse:
    """What the export needs of a product, resolved once when Definitions load.

    Attributes:
        product: The product name.
        namespace: The Iceberg namespace of the product's tables.
        catalog: The catalog plugin (a private instance, configured).
        storage: The storage plugin (a private instance, configured).
        connection: floe-core's runtime catalog binding (``RuntimeCatalogConnection``) built
            from the artifacts' ``deployment``, or None when they carry none.
        governance: The artifacts' ``governance`` (snapshot retention), or None.
        glue: The deployment's AWS Glue catalog binding (region, account), or None.
    """

    product: str
    namespace: str
    catalog: Any
    storage: Any
    connection: Any
    governance: Any
    glue: Any = None

    @property
    def catalog_type(self) -> str:
        """``plugins.catalog.type``."""
        return str(self.catalog.name)

    @property
    def storage_type(self) -> str:
        """``plugins.storage.type``."""
        return str(self.storage.name)

    def namespace_uri(self) -> str:
        """Where the storage plugin puts the namespace (``get_warehouse_uri``)."""
        return str(self.storage.get_warehouse_uri(self.namespace))


def lakehouse_of(artifacts: Any) -> Lakehouse | None:
    """The product's lakehouse, or None when the artifacts configure no catalog and storage.

    Args:
        artifacts: The facade's ``ProductArtifacts``.

    Raises:
        LakehouseError: The ``iceberg`` extra is not installed, a plugin type is not installed
            (the message lists the installed ones), or its configuration is invalid.
    """
    plugins = artifacts.model.plugins
    if plugins is None or plugins.catalog is None or plugins.storage is None:
        return None
    require_extra()
    from floe_orchestrator_dagster._registry import registry

    found = registry()
    catalog = _configured(found, "catalog", plugins.catalog)
    storage = _configured(found, "storage", plugins.storage)
    return Lakehouse(
        product=artifacts.product_name,
        namespace=iceberg_namespace(artifacts.product_name),
        catalog=catalog,
        storage=storage,
        connection=_runtime_connection(artifacts.model.deployment),
        governance=artifacts.model.governance,
        glue=_glue(artifacts.model.deployment),
    )


def require_extra() -> None:
    """Refuse, with the install command, when the ``iceberg`` extra is not installed.

    Raises:
        LakehouseError: floe-iceberg, pyiceberg, pyarrow or duckdb cannot be imported.
    """
    missing = [name for name in EXTRA_MODULES if find_spec(name) is None]
    if missing:
        raise LakehouseError(
            "The compiled artifacts configure a catalog and a storage plugin (plugins.catalog, "
            "plugins.storage), so every dbt model is exported to Iceberg, but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed. "
            "Install the export: pip install 'floe-orchestrator-dagster[iceberg]'."
        )


def _configured(registry: Any, kind: str, ref: Any) -> Any:
    """A private instance of the ``kind`` plugin ``ref.type``, configured with ``ref.config``."""
    from floe_core.plugin_errors import PluginConfigurationError, PluginError
    from floe_core.plugin_types import PluginType

    member, plural = _KINDS[kind]
    plugin_type = PluginType[member]
    installed = sorted(registry.list_all().get(plugin_type, []))
    if ref.type not in installed:
        options = ", ".join(_described(registry, plugin_type, name) for name in installed)
        fix = (
            f"Installed {plural}: {options}. Set plugins.{kind}.type in manifest.yaml to one of "
            "them, or install"
            if installed
            else f"No {kind} plugin is installed. Install"
        )
        raise LakehouseError(
            f"Unknown {kind} {ref.type!r} (plugins.{kind}.type in the compiled artifacts). "
            f"{fix} the floe {kind} plugin package that provides {ref.type!r}, then recompile "
            "the product."
        )
    try:
        validated = registry.configure(plugin_type, ref.type, dict(ref.config or {}))
        shared = registry.get(plugin_type, ref.type)
    except PluginConfigurationError as error:
        problems = "; ".join(
            f"{e.get('field') or '(root)'}: {e.get('message')}" for e in error.errors
        )
        raise LakehouseError(
            f"`plugins.{kind}.config` is invalid for the {kind} plugin {ref.type!r}: {problems}. "
            "Fix it in manifest.yaml and recompile the product."
        ) from None
    except PluginError as error:
        raise LakehouseError(
            f"The {kind} plugin {ref.type!r} (plugins.{kind}.type) cannot be loaded: {error}. "
            "Install a release of it that supports the installed floe-core."
        ) from None
    instance = type(shared)()
    instance.configure(validated)
    return instance


def _described(registry: Any, plugin_type: Any, name: str) -> str:
    try:
        return f"{name} {registry.get(plugin_type, name).version}"
    except Exception:  # noqa: BLE001 - a broken third-party plugin must not hide the others
        return name


def _runtime_connection(deployment: Any) -> Any:
    """floe-core's runtime catalog binding of the deployment, or None without one."""
    if deployment is None or (deployment.storage is None and deployment.catalog is None):
        return None
    from floe_core.runtime_catalog_connection import build_runtime_catalog_connection

    return build_runtime_catalog_connection(storage=deployment.storage, catalog=deployment.catalog)


def _glue(deployment: Any) -> Any:
    catalog = deployment.catalog if deployment is not None else None
    return catalog.glue if catalog is not None else None
