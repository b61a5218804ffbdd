"""Resource presets and Helm values: the facade's side.

floe-dagster-deploy owns the presets and the values model; this module maps the plugin's
``deploy:`` settings onto them and converts a preset into floe-core's ``ResourceSpec``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_core.plugins.orchestrator import ResourceSpec

    from floe_orchestrator_dagster._deploy_settings import DeploySettings


def _image(reference: str) -> dict[str, str]:
    """``repo[:tag]`` -> ``{"repository", "tag"}``; a colon inside a registry port is no tag."""
    repository, sep, tag = reference.rpartition(":")
    if not sep or "/" in tag:
        return {"repository": reference, "tag": ""}
    return {"repository": repository, "tag": tag}


def values_overrides(settings: DeploySettings) -> dict[str, Any]:
    """The chart values the settings change (values-shaped, camelCase keys).

    Examples:
        >>> from floe_orchestrator_dagster._deploy_settings import DeploySettings
        >>> values_overrides(DeploySettings(replicas={"webserver": 2}))["dagster-webserver"]
        {'replicaCount': 2}
    """
    webserver: dict[str, Any] = {"replicaCount": settings.replicas.webserver}
    daemon: dict[str, Any] = {}
    user_code: dict[str, Any] = {"replicaCount": settings.replicas.user_code}
    for section, reference in (
        (webserver, settings.images.webserver),
        (daemon, settings.images.daemon),
        (user_code, settings.images.user_code),
    ):
        if reference is not None:
            section["image"] = _image(reference)
        if settings.images.pull_policy is not None:
            section.setdefault("image", {})["pullPolicy"] = settings.images.pull_policy
    overrides: dict[str, Any] = {
        "dagster-webserver": webserver,
        "dagster-user-code": user_code,
        "runLauncher": {
            "type": "K8sRunLauncher" if settings.run_launcher == "k8s" else "DefaultRunLauncher"
        },
    }
    if daemon:
        overrides["dagster-daemon"] = daemon
    if settings.dagster_version is not None:
        overrides["dagsterVersion"] = settings.dagster_version
    location = settings.code_location
    if location is not None:
        user_code["name"] = location.name
        user_code["codeLocation"] = {
            "type": "module" if location.module is not None else "pythonFile",
            "target": location.module if location.module is not None else location.python_file,
        }
        if location.working_directory is not None:
            user_code["codeLocation"]["workingDirectory"] = location.working_directory
    database = settings.database
    if database is not None:
        overrides["postgresql"] = {
            "enabled": False,
            "host": database.host,
            "port": database.port,
            "database": database.database,
            "username": database.username,
            "params": dict(database.params),
            "passwordSecret": {
                "name": database.password_secret,
                "key": database.password_secret_key,
            },
        }
    return overrides


def helm_values(settings: DeploySettings) -> dict[str, Any]:
    """Helm values for the floe-dagster chart: every key the chart reads, no password.

    Examples:
        >>> from floe_orchestrator_dagster._deploy_settings import DeploySettings
        >>> values = helm_values(DeploySettings(workload_size="small"))
        >>> values["dagster-user-code"]["resources"]["limits"]
        {'cpu': '1000m', 'memory': '2Gi'}
    """
    from floe_dagster_deploy import HelmValues

    values = HelmValues.for_workload_size(settings.workload_size, values_overrides(settings))
    return values.to_values()


def resource_requirements(workload_size: str) -> ResourceSpec:
    """Kubernetes requests and limits of the user-code servers for one workload size.

    Raises:
        ValueError: the size is not small, medium or large; the message lists them.

    Examples:
        >>> resource_requirements("medium").cpu_limit
        '2000m'
    """
    from floe_core.plugins.orchestrator import ResourceSpec

    from floe_dagster_deploy import resource_preset

    return ResourceSpec(**resource_preset(workload_size, "user_code").as_dict())
