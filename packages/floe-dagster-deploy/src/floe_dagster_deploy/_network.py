"""Who may reach the Dagster pods: the values behind the chart's NetworkPolicies.

Neither the webserver nor the gRPC code server authenticates its callers, so by default the
chart admits only what Dagster itself needs: the code server (gRPC) from the webserver, the
daemon and the run pods; the embedded PostgreSQL from Dagster's own pods; the webserver from
nobody but the namespaces and pods listed here (``kubectl port-forward`` and the kubelet's
probes are not subject to NetworkPolicies). Run pods and the daemon accept no connections.
Egress is left open: warehouses, catalogs and lineage backends are specific to each platform.
"""

from __future__ import annotations

from pydantic import Field

from floe_dagster_deploy._components import ValuesModel
from floe_dagster_deploy._kubernetes import (
    STRICT_MAP,
    DnsLabel,
    LabelKey,
    LabelValue,
    OptionalDnsLabel,
)


class PodPeer(ValuesModel):
    """Pods with these labels, in one namespace, may reach the webserver."""

    namespace: OptionalDnsLabel = Field(default="", description="Empty: the release namespace.")
    pod_labels: dict[LabelKey, LabelValue] = Field(
        min_length=1,
        description="matchLabels of the pods, e.g. app.kubernetes.io/name: ingress-nginx.",
        json_schema_extra=STRICT_MAP,
    )


class WebserverAccess(ValuesModel):
    """Who may open a connection to the webserver (port 3000) inside the cluster."""

    from_namespaces: list[DnsLabel] = Field(
        default_factory=list,
        description="Every pod of these namespaces, e.g. the ingress controller's.",
    )
    from_pods: list[PodPeer] = Field(
        default_factory=list, description="Pods chosen by labels (and namespace)."
    )


class NetworkPolicy(ValuesModel):
    """NetworkPolicies for every Dagster pod (ingress only).

    On by default: the webserver is reachable from the namespaces and pods in ``webserver``
    only, the gRPC code server from the webserver, daemon and run pods only, the embedded
    PostgreSQL from Dagster's pods only.
    """

    enabled: bool = Field(
        default=True,
        description="false: no NetworkPolicy (e.g. the platform applies its own).",
    )
    webserver: WebserverAccess = Field(default_factory=WebserverAccess)
