"""``runLauncher``: how runs start, and what their pods get."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from floe_dagster_deploy._components import PullPolicy, Resources, ValuesModel, preset_resources
from floe_dagster_deploy._env import (
    EnvFromSource,
    EnvVar,
    SecretVolume,
    env_field,
    env_from_field,
    secret_volumes_field,
)
from floe_dagster_deploy._kubernetes import OptionalDnsLabel

K8sField = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=128)]


class UserK8sConfigAllowlist(ValuesModel):
    """What a run's ``dagster-k8s/config`` tag may set; a launch using anything else fails.

    Anyone who can launch a run can tag it, and the webserver has no authentication: without
    this list a tag could give the run pod another ServiceAccount and its token, mount a host
    path or run privileged. Field names as dagster-k8s spells them, per section (dagster-k8s's
    ``only_allow_user_defined_k8s_config_fields``).
    """

    enforced: bool = Field(
        default=True, description="false: a tag may set any field (Dagster's own default)."
    )
    container_config: list[K8sField] = Field(
        default_factory=lambda: ["resources"], description="e.g. resources, env."
    )
    pod_spec_config: list[K8sField] = Field(
        default_factory=list, description="e.g. node_selector, tolerations."
    )
    pod_template_spec_metadata: list[K8sField] = Field(
        default_factory=list, description="e.g. annotations."
    )
    job_metadata: list[K8sField] = Field(default_factory=list)
    job_spec_config: list[K8sField] = Field(default_factory=list)
    namespace: bool = Field(default=False, description="May a tag choose the run's namespace.")


class RunLauncher(ValuesModel):
    """How runs start: as Kubernetes Jobs (dagster-k8s ``K8sRunLauncher``) or in the code server.

    Run pods get the user code's ``env``, ``envFrom`` and ``secretVolumes`` and, in addition,
    the ones given here.
    """

    type: Literal["K8sRunLauncher", "DefaultRunLauncher"] = "K8sRunLauncher"
    job_namespace: OptionalDnsLabel = Field(
        default="",
        description=(
            "Empty: the release namespace. Another namespace gets the run ServiceAccount, the "
            "instance ConfigMap and the Role; Secrets the runs read must exist there too."
        ),
    )
    image_pull_policy: PullPolicy = "IfNotPresent"
    resources: Resources = Field(
        default_factory=lambda: preset_resources("medium", "user_code"),
        description="Requests and limits of each run pod (defaults to the user-code preset).",
    )
    env: list[EnvVar] = env_field()
    env_from: list[EnvFromSource] = env_from_field()
    secret_volumes: list[SecretVolume] = secret_volumes_field()
    allowed_user_k8s_config: UserK8sConfigAllowlist = Field(
        default_factory=UserK8sConfigAllowlist, alias="allowedUserK8sConfig"
    )

    @model_validator(mode="after")
    def _requests_within_limits(self) -> RunLauncher:
        problems = self.resources.problems()
        if problems:
            raise ValueError(
                f"`runLauncher`: {'; '.join(problems)}. Lower the request or raise the limit in "
                "runLauncher.resources."
            )
        return self
