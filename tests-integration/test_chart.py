"""SC-005: the values the plugin generates pass Helm's lint and render valid Kubernetes objects.

For the chart's defaults and every workload size: ``get_helm_values()`` -> YAML -> Helm's own lint
(Helm v4 Go SDK through helm-python-sdk, strict) with zero errors; render with
``helm_python.Chart.render``; every manifest validated against the Kubernetes OpenAPI schemas by
kubernetes-validate (strict); the rendered ``dagster.yaml`` checked with Dagster's own config
validation: the instance schema, then each storage, scheduler, coordinator and compute-log block
against its class's ``config_type()``, and the run launcher against dagster-k8s's declared schema
(``chart_data/``; dagster-k8s itself cannot be installed beside floe-core).

Each case is linted and rendered once per module (tens of milliseconds each).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from floe_dagster_deploy import HelmValues, values_schema_json, values_yaml
from floe_orchestrator_dagster import DagsterOrchestratorPlugin
from floe_orchestrator_dagster._deploy import helm_values
from floe_orchestrator_dagster._deploy_settings import DeploySettings

ROOT = Path(__file__).resolve().parents[1]
CHART = ROOT / "charts" / "floe-dagster"
K8S_LAUNCHER_SCHEMA = Path(__file__).parent / "chart_data" / "dagster_k8s_run_launcher_schema.yaml"
KUBE_VERSION = "1.35.0"  # a current Kubernetes release; kubernetes-validate ships its schemas
NAMESPACE = "data"
RELEASE = "floe"
WARNING, ERROR = 2, 3  # helm lint severities; --strict fails on warnings too

# credentials the product's code needs, a job namespace of its own, chosen webserver clients
HARDENED = {
    "dagster-user-code": {
        "env": [
            {"name": "DBT_TARGET", "value": "prod"},
            {
                "name": "SNOWFLAKE_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "snowflake", "key": "password"}},
            },
            {
                "name": "CATALOG_URI",
                "valueFrom": {"configMapKeyRef": {"name": "catalog", "key": "uri"}},
            },
            {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/var/secrets/gcp/key.json"},
        ],
        "envFrom": [{"secretRef": {"name": "warehouse"}}, {"configMapRef": {"name": "platform"}}],
        "secretVolumes": [
            {
                "name": "gcp",
                "secretName": "gcp-sa",
                "mountPath": "/var/secrets/gcp",
                "items": [{"key": "key.json", "path": "key.json"}],
            }
        ],
    },
    "runLauncher": {
        "jobNamespace": "runs",
        "env": [{"name": "OPENLINEAGE_NAMESPACE", "value": "prod=eu"}],
        "envFrom": [{"secretRef": {"name": "lineage"}}],
        "secretVolumes": [{"name": "ca", "secretName": "corp-ca", "mountPath": "/etc/corp-ca"}],
    },
    "networkPolicy": {
        "webserver": {
            "fromNamespaces": ["ingress-nginx"],
            "fromPods": [
                {"namespace": "monitoring", "podLabels": {"app": "prometheus"}},
                {"podLabels": {"app.kubernetes.io/name": "floe-platform"}},
            ],
        }
    },
    "postgresql": {"password": "only-for-dev"},
}

EXTERNAL_DB = {
    "host": "pg.example.internal",
    "port": 6432,
    "database": "dagster_prod",
    "username": "dagster_app",
    "password_secret": "dagster-pg",
    "password_secret_key": "password",
    "params": {"sslmode": "require"},
}


def _through_yaml(values: Mapping[str, Any]) -> dict[str, Any]:
    """What `floe-dagster helm-values > values.yaml; helm install -f values.yaml` hands Helm."""
    loaded: dict[str, Any] = yaml.safe_load(yaml.safe_dump(dict(values), sort_keys=False))
    return loaded


def _case_values(case: str) -> dict[str, Any]:
    if case == "chart-defaults":
        return {}
    if case == "plugin-defaults":
        return _through_yaml(DagsterOrchestratorPlugin().get_helm_values())
    if case in ("small", "medium", "large"):
        return _through_yaml(helm_values(DeploySettings(workload_size=case)))
    if case == "external-db":
        settings = DeploySettings.model_validate(
            {
                "workload_size": "large",
                "replicas": {"webserver": 2, "user_code": 3},
                "images": {"user_code": "registry.example:5000/acme/orders:2.1.0"},
                "code_location": {"name": "orders", "module": "orders.definitions"},
                "database": EXTERNAL_DB,
            }
        )
        return _through_yaml(helm_values(settings))
    if case == "default-launcher":
        return _through_yaml(helm_values(DeploySettings(run_launcher="default")))
    if case == "hardened":
        return _through_yaml(HelmValues.model_validate(HARDENED).to_values())
    if case == "public-webserver":
        service = {"type": "LoadBalancer", "allowPublic": True}
        return {"dagster-webserver": {"service": service}}
    if case == "open-network":
        return {"networkPolicy": {"enabled": False}}
    raise AssertionError(case)


CASES = [
    "chart-defaults",
    "plugin-defaults",
    "small",
    "medium",
    "large",
    "external-db",
    "default-launcher",
    "hardened",
    "public-webserver",
    "open-network",
]


class Rendered:
    """One case linted and rendered once."""

    def __init__(self, case: str) -> None:
        self.values = _case_values(case)
        self.lint = helm.lint(
            str(CHART),
            self.values,
            strict=True,
            namespace=NAMESPACE,
            kube_version=f"v{KUBE_VERSION}",
        )
        with helm.Chart.load(str(CHART)) as chart:
            self.files = chart.render(self.values, name=RELEASE, namespace=NAMESPACE)
        self.objects = [
            doc
            for path, text in sorted(self.files.items())
            if not path.endswith("NOTES.txt")
            for doc in yaml.safe_load_all(text)
            if doc
        ]

    def kind(self, kind: str, namespace: str | None = NAMESPACE) -> list[dict[str, Any]]:
        """Objects of one kind, in the release namespace (or in ``namespace``; None: any)."""
        return [
            o
            for o in self.objects
            if o["kind"] == kind
            and (namespace is None or o["metadata"].get("namespace", NAMESPACE) == namespace)
        ]

    def one(self, kind: str, name_suffix: str, namespace: str = NAMESPACE) -> dict[str, Any]:
        found = [
            o for o in self.kind(kind, namespace) if o["metadata"]["name"].endswith(name_suffix)
        ]
        assert len(found) == 1, f"{kind} *{name_suffix}: {[o['metadata']['name'] for o in found]}"
        return found[0]

    def pod(self, name_suffix: str) -> dict[str, Any]:
        """The pod template of a Deployment or StatefulSet: its metadata and spec."""
        workloads = self.kind("Deployment") + self.kind("StatefulSet")
        (workload,) = [w for w in workloads if w["metadata"]["name"].endswith(name_suffix)]
        template: dict[str, Any] = workload["spec"]["template"]
        return template

    def launcher(self) -> dict[str, Any]:
        config: dict[str, Any] = self.dagster_yaml()["run_launcher"]["config"]
        return config

    def dagster_yaml(self) -> dict[str, Any]:
        text = self.one("ConfigMap", "-instance")["data"]["dagster.yaml"]
        loaded: dict[str, Any] = yaml.safe_load(text)
        return loaded

    def notes(self) -> str:
        return next(t for p, t in self.files.items() if p.endswith("NOTES.txt"))


@pytest.fixture(scope="module")
def rendered() -> dict[str, Rendered]:
    return {case: Rendered(case) for case in CASES}


# -- the schema and the defaults are generated from the model -------------------------------------


def test_values_schema_json_is_generated_from_the_model():
    committed = (CHART / "values.schema.json").read_text(encoding="utf-8")
    assert committed == values_schema_json(), (
        "charts/floe-dagster/values.schema.json drifted from floe_dagster_deploy.HelmValues; run "
        "python -m floe_dagster_deploy.schema > charts/floe-dagster/values.schema.json"
    )


def test_values_yaml_is_generated_from_the_model():
    committed = (CHART / "values.yaml").read_text(encoding="utf-8")
    assert committed == values_yaml(), (
        "charts/floe-dagster/values.yaml drifted from floe_dagster_deploy.HelmValues; run "
        "python -m floe_dagster_deploy.schema --values > charts/floe-dagster/values.yaml"
    )
    assert yaml.safe_load(committed) == HelmValues().to_values()


def test_chart_app_version_is_the_default_dagster_version():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    assert chart["appVersion"] == HelmValues().dagster_version


# -- SC-005: lint, render, Kubernetes schemas ------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_helm_lint_strict_finds_no_error_or_warning(rendered, case):
    report = rendered[case].lint
    errors = [m for m in report["messages"] if m["severity"] >= WARNING]
    assert report["total_charts_linted"] == 1
    assert errors == [], errors
    assert report["errors"] == []


@pytest.mark.parametrize("case", CASES)
def test_every_manifest_is_valid_kubernetes(rendered, case):
    objects = rendered[case].objects
    assert len(objects) >= 8
    failures = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            failures.append(f"{obj['kind']} {obj['metadata']['name']}: {str(exc).splitlines()[0]}")
    assert failures == []


def test_kubernetes_validate_is_strict_here():
    """The check above would catch a field Kubernetes does not know."""
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"x": 1}}
    with pytest.raises(kubernetes_validate.ValidationError, match="'x' was unexpected"):
        kubernetes_validate.validate(service, KUBE_VERSION, strict=True)


@pytest.mark.parametrize("case", ["small", "medium", "large"])
def test_each_size_reaches_the_pods(rendered, case):
    from floe_dagster_deploy import resource_preset

    r = rendered[case]
    for suffix, component in (("-webserver", "webserver"), ("-daemon", "daemon")):
        container = r.one("Deployment", suffix)["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"] == resource_preset(case, component).to_kubernetes()
    user_code = r.one("Deployment", "-floe-product")["spec"]["template"]["spec"]["containers"][0]
    assert user_code["resources"] == resource_preset(case, "user_code").to_kubernetes()


# -- what the chart deploys ------------------------------------------------------------------------


def test_layout_follows_the_community_chart(rendered):
    r = rendered["plugin-defaults"]
    webserver = r.one("Deployment", "-webserver")["spec"]["template"]["spec"]["containers"][0]
    assert webserver["command"][0] == "dagster-webserver"
    assert webserver["ports"] == [{"name": "http", "containerPort": 3000, "protocol": "TCP"}]
    assert webserver["readinessProbe"]["httpGet"] == {"path": "/server_info", "port": "http"}
    service = r.one("Service", "-webserver")["spec"]
    assert service["ports"][0]["port"] == 3000
    assert service["ports"][0]["targetPort"] == "http"

    daemon = r.one("Deployment", "-daemon")
    assert daemon["spec"]["strategy"] == {"type": "Recreate"}
    assert daemon["spec"]["template"]["spec"]["containers"][0]["command"][:2] == [
        "dagster-daemon",
        "run",
    ]

    code = r.one("Deployment", "-floe-product")["spec"]["template"]["spec"]["containers"][0]
    assert code["command"][:3] == ["dagster", "api", "grpc"]
    assert code["ports"][0]["containerPort"] == 3030
    assert code["readinessProbe"]["exec"]["command"] == [
        "dagster",
        "api",
        "grpc-health-check",
        "--port",
        "3030",
    ]
    code_service = r.one("Service", "-floe-product")
    workspace = yaml.safe_load(r.one("ConfigMap", "-workspace")["data"]["workspace.yaml"])
    assert workspace == {
        "load_from": [
            {
                "grpc_server": {
                    "host": code_service["metadata"]["name"],
                    "port": 3030,
                    "location_name": "floe-product",
                }
            }
        ]
    }


def test_pods_are_non_root_and_locked_down(rendered):
    for case in CASES:
        for workload in rendered[case].kind("Deployment") + rendered[case].kind("StatefulSet"):
            pod = workload["spec"]["template"]["spec"]
            where = f"{case}: {workload['metadata']['name']}"
            assert pod["securityContext"]["runAsNonRoot"] is True, where
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
            for container in pod["containers"] + pod.get("initContainers", []):
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["capabilities"] == {"drop": ["ALL"]}, where
                assert container["resources"]["limits"], where


def test_read_only_root_where_dagster_allows_it(rendered):
    r = rendered["medium"]
    for suffix in ("-webserver", "-daemon"):
        container = r.one("Deployment", suffix)["spec"]["template"]["spec"]["containers"][0]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {m["mountPath"] for m in container["volumeMounts"]} >= {
            "/tmp",
            "/opt/dagster/dagster_home",
        }
    code = r.one("Deployment", "-floe-product")["spec"]["template"]["spec"]
    assert code["automountServiceAccountToken"] is False


def _grants(role: Mapping[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


def test_role_grants_only_what_the_run_launcher_needs(rendered):
    """Exactly the calls dagster-k8s's K8sRunLauncher makes: launch, monitor, debug, terminate."""
    r = rendered["medium"]
    role = r.one("Role", "-run-launcher")
    assert role["metadata"]["namespace"] == NAMESPACE
    assert _grants(role) == {
        ("batch", "jobs", "create"),
        ("batch", "jobs", "delete"),
        ("batch", "jobs", "get"),
        ("batch", "jobs", "list"),
        ("batch", "jobs/status", "get"),
        ("", "pods", "delete"),  # terminating a run deletes its pods too
        ("", "pods", "get"),
        ("", "pods", "list"),
        ("", "pods/log", "get"),
        ("", "events", "list"),
    }
    binding = r.one("RoleBinding", "-run-launcher")
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "floe-floe-dagster", "namespace": NAMESPACE}
    ]
    assert rendered["default-launcher"].kind("Role", None) == []
    assert rendered["default-launcher"].kind("RoleBinding", None) == []


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def test_no_secret_and_no_password_unless_given(rendered):
    for case in set(CASES) - {"hardened"}:  # hardened gives a development password
        assert rendered[case].kind("Secret", None) == [], case
        assert "password" not in _keys(rendered[case].values), case
    assert "create secret generic floe-floe-dagster-postgresql" in rendered["medium"].notes()


def test_explicit_password_renders_the_secret():
    values = {"postgresql": {"password": "only-for-dev"}}
    with helm.Chart.load(str(CHART)) as chart:
        files = chart.render(values, name=RELEASE, namespace=NAMESPACE)
    (secret,) = yaml.safe_load_all(files["floe-dagster/templates/secret-postgresql.yaml"])
    assert secret["metadata"]["name"] == "floe-floe-dagster-postgresql"
    assert set(secret["data"]) == {"postgresql-password"}
    kubernetes_validate.validate(secret, KUBE_VERSION, strict=True)


def test_external_database_reads_the_existing_secret(rendered):
    r = rendered["external-db"]
    assert r.kind("StatefulSet") == []
    postgres = r.dagster_yaml()["run_storage"]["config"]["postgres_db"]
    assert postgres == {
        "username": "dagster_app",
        "password": {"env": "DAGSTER_PG_PASSWORD"},
        "hostname": "pg.example.internal",
        "db_name": "dagster_prod",
        "port": 6432,
        "params": {"sslmode": "require"},
    }
    webserver = r.one("Deployment", "-webserver")["spec"]["template"]["spec"]
    env = {e["name"]: e for e in webserver["containers"][0]["env"]}
    assert env["DAGSTER_PG_PASSWORD"]["valueFrom"] == {
        "secretKeyRef": {"name": "dagster-pg", "key": "password"}
    }
    assert webserver["containers"][0]["resources"]["requests"]["cpu"] == "500m"  # large
    assert r.one("Deployment", "-webserver")["spec"]["replicas"] == 2
    code = r.one("Deployment", "-orders")
    assert code["spec"]["replicas"] == 3
    container = code["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example:5000/acme/orders:2.1.0"
    assert container["command"][-2:] == ["--module-name", "orders.definitions"]
    launcher_env = r.dagster_yaml()["run_launcher"]["config"]["run_k8s_config"]
    assert launcher_env["container_config"]["env"][0]["value_from"] == {
        "secret_key_ref": {"name": "dagster-pg", "key": "password"}
    }


# -- security defaults: who may connect --------------------------------------------------------


def _selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    match = selector["matchLabels"]
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def _policy_for(r: Rendered, pod_labels: Mapping[str, str], namespace: str = NAMESPACE) -> Any:
    (policy,) = [
        p
        for p in r.kind("NetworkPolicy", namespace)
        if _selects(p["spec"]["podSelector"], pod_labels)
    ]
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    return policy["spec"]


def _run_pod_labels(r: Rendered) -> dict[str, str]:
    labels: dict[str, str] = r.launcher()["labels"]
    return labels


def test_every_dagster_pod_has_a_network_policy_that_selects_it(rendered):
    r = rendered["medium"]
    for suffix in ("-webserver", "-daemon", "-floe-product", "-postgresql"):
        _policy_for(r, r.pod(suffix)["metadata"]["labels"])
    assert _policy_for(r, _run_pod_labels(r)).get("ingress", []) == []
    assert _policy_for(r, r.pod("-daemon")["metadata"]["labels"]).get("ingress", []) == []


def test_webserver_is_reachable_from_nobody_by_default(rendered):
    r = rendered["medium"]
    assert _policy_for(r, r.pod("-webserver")["metadata"]["labels"])["ingress"] == []


def test_grpc_only_from_webserver_daemon_and_run_pods(rendered):
    r = rendered["medium"]
    (rule,) = _policy_for(r, r.pod("-floe-product")["metadata"]["labels"])["ingress"]
    assert rule["ports"] == [{"port": 3030, "protocol": "TCP"}]
    peers = rule["from"]
    assert all(set(peer) == {"podSelector"} for peer in peers), "same namespace only"
    allowed = [
        labels
        for labels in (
            r.pod("-webserver")["metadata"]["labels"],
            r.pod("-daemon")["metadata"]["labels"],
            r.pod("-floe-product")["metadata"]["labels"],
            r.pod("-postgresql")["metadata"]["labels"],
            _run_pod_labels(r),
        )
        if any(_selects(peer["podSelector"], labels) for peer in peers)
    ]
    assert allowed == [
        r.pod("-webserver")["metadata"]["labels"],
        r.pod("-daemon")["metadata"]["labels"],
        _run_pod_labels(r),
    ]


def test_postgresql_only_from_dagster_pods(rendered):
    r = rendered["medium"]
    (rule,) = _policy_for(r, r.pod("-postgresql")["metadata"]["labels"])["ingress"]
    assert rule["ports"] == [{"port": 5432, "protocol": "TCP"}]
    for suffix in ("-webserver", "-daemon", "-floe-product"):
        labels = r.pod(suffix)["metadata"]["labels"]
        assert any(_selects(peer["podSelector"], labels) for peer in rule["from"]), suffix
    assert any(_selects(peer["podSelector"], _run_pod_labels(r)) for peer in rule["from"])
    assert len(rule["from"]) == 4
    assert rendered["external-db"].kind("NetworkPolicy") != []
    assert not any(
        p["metadata"]["name"].endswith("-postgresql")
        for p in rendered["external-db"].kind("NetworkPolicy")
    )


def test_webserver_reachable_from_the_namespaces_and_pods_in_values(rendered):
    r = rendered["hardened"]
    (rule,) = _policy_for(r, r.pod("-webserver")["metadata"]["labels"])["ingress"]
    assert rule["ports"] == [{"port": 3000, "protocol": "TCP"}]
    assert rule["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
        {
            "podSelector": {"matchLabels": {"app": "prometheus"}},
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
        },
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "floe-platform"}}},
    ]


def test_public_webserver_only_on_purpose_and_with_a_warning(rendered):
    report = helm.lint(
        str(CHART),
        {"dagster-webserver": {"service": {"type": "LoadBalancer"}}},
        strict=True,
        kube_version=f"v{KUBE_VERSION}",
    )
    errors = [m["error"] for m in report["messages"] if m["severity"] >= ERROR]
    assert any("/dagster-webserver/service/allowPublic" in e for e in errors), errors
    r = rendered["public-webserver"]
    assert r.one("Service", "-webserver")["spec"]["type"] == "LoadBalancer"
    (rule,) = _policy_for(r, r.pod("-webserver")["metadata"]["labels"])["ingress"]
    assert "from" not in rule  # any source: the Service is public on purpose
    assert "WARNING: the Dagster webserver is exposed through a LoadBalancer" in r.notes()
    assert "Neither the webserver nor the gRPC code server has authentication" in r.notes()
    assert "WARNING" not in rendered["medium"].notes()


def test_network_policies_can_be_turned_off_with_a_warning(rendered):
    r = rendered["open-network"]
    assert r.kind("NetworkPolicy", None) == []
    assert "WARNING: networkPolicy.enabled is false" in r.notes()


# -- security defaults: ServiceAccounts and tokens -------------------------------------------------


def test_only_webserver_and_daemon_mount_a_token(rendered):
    for case in CASES:
        r = rendered[case]
        k8s = r.values.get("runLauncher", {}).get("type", "K8sRunLauncher") == "K8sRunLauncher"
        for suffix, wants_token in (
            ("-webserver", k8s),
            ("-daemon", k8s),
            ("-floe-product", False),
            ("-orders", False),
            ("-postgresql", False),
        ):
            if not any(
                w["metadata"]["name"].endswith(suffix)
                for w in r.kind("Deployment") + r.kind("StatefulSet")
            ):
                continue
            spec = r.pod(suffix)["spec"]
            assert spec["automountServiceAccountToken"] is wants_token, (case, suffix)


def test_run_pods_have_their_own_service_account_without_token_or_rbac(rendered):
    r = rendered["medium"]
    launcher_sa = r.one("ServiceAccount", "-floe-dagster")
    run_sa = r.one("ServiceAccount", "-user-code")
    assert launcher_sa["automountServiceAccountToken"] is False  # pods opt in
    assert run_sa["automountServiceAccountToken"] is False
    config = r.launcher()
    assert config["service_account_name"] == run_sa["metadata"]["name"]
    # dagster-k8s sets the pod's automountServiceAccountToken itself, true unless told otherwise
    assert config["run_k8s_config"]["pod_spec_config"]["automount_service_account_token"] is False
    assert r.pod("-floe-product")["spec"]["serviceAccountName"] == run_sa["metadata"]["name"]
    for suffix in ("-webserver", "-daemon"):
        assert r.pod(suffix)["spec"]["serviceAccountName"] == launcher_sa["metadata"]["name"]
    bound = {s["name"] for b in r.kind("RoleBinding", None) for s in b["subjects"]}
    assert bound == {launcher_sa["metadata"]["name"]}


def test_run_tags_may_not_change_the_run_pod(rendered):
    """A dagster-k8s/config tag could otherwise hand a run pod the launcher's ServiceAccount."""
    allowlist = rendered["medium"].launcher()["only_allow_user_defined_k8s_config_fields"]
    assert allowlist == {
        "container_config": {"resources": True},
        "job_metadata": {},
        "job_spec_config": {},
        "pod_spec_config": {},
        "pod_template_spec_metadata": {},
        "namespace": False,
    }


# -- credentials for the product's code -----------------------------------------------------------


def test_env_env_from_and_secret_volumes_reach_the_code_server(rendered):
    pod = rendered["hardened"].pod("-floe-product")["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["DBT_TARGET"] == {"name": "DBT_TARGET", "value": "prod"}
    assert env["SNOWFLAKE_PASSWORD"]["valueFrom"] == {
        "secretKeyRef": {"name": "snowflake", "key": "password"}
    }
    assert env["CATALOG_URI"]["valueFrom"] == {"configMapKeyRef": {"name": "catalog", "key": "uri"}}
    assert "OPENLINEAGE_NAMESPACE" not in env  # runLauncher.env is for run pods only
    assert container["envFrom"] == [
        {"secretRef": {"name": "warehouse"}},
        {"configMapRef": {"name": "platform"}},
    ]
    assert {"name": "gcp", "mountPath": "/var/secrets/gcp", "readOnly": True} in container[
        "volumeMounts"
    ]
    assert {
        "name": "gcp",
        "secret": {
            "secretName": "gcp-sa",
            "defaultMode": 0o440,
            "items": [{"key": "key.json", "path": "key.json"}],
        },
    } in pod["volumes"]


def test_env_env_from_and_secret_volumes_reach_the_run_pods(rendered):
    config = rendered["hardened"].launcher()
    assert config["env_vars"] == [
        "DBT_TARGET=prod",
        "GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/gcp/key.json",
        "OPENLINEAGE_NAMESPACE=prod=eu",
    ]
    assert config["env_secrets"] == ["warehouse", "lineage"]
    assert config["env_config_maps"] == ["platform"]
    assert config["volumes"] == [
        {
            "name": "gcp",
            "secret": {
                "secret_name": "gcp-sa",
                "default_mode": 0o440,
                "items": [{"key": "key.json", "path": "key.json"}],
            },
        },
        {"name": "ca", "secret": {"secret_name": "corp-ca", "default_mode": 0o440}},
    ]
    assert config["volume_mounts"] == [
        {"name": "gcp", "mount_path": "/var/secrets/gcp", "read_only": True},
        {"name": "ca", "mount_path": "/etc/corp-ca", "read_only": True},
    ]
    env = config["run_k8s_config"]["container_config"]["env"]
    assert [e["name"] for e in env] == ["DAGSTER_PG_PASSWORD", "SNOWFLAKE_PASSWORD", "CATALOG_URI"]
    assert env[1]["value_from"] == {"secret_key_ref": {"name": "snowflake", "key": "password"}}
    assert env[2]["value_from"] == {"config_map_key_ref": {"name": "catalog", "key": "uri"}}
    assert "env_vars" not in rendered["medium"].launcher()


# -- jobNamespace works: what the run pods need is created there -----------------------------------


def test_job_namespace_gets_what_the_run_pods_need(rendered):
    r = rendered["hardened"]
    assert r.launcher()["job_namespace"] == "runs"
    run_sa = r.one("ServiceAccount", "-user-code", "runs")
    assert run_sa["automountServiceAccountToken"] is False
    assert r.launcher()["service_account_name"] == run_sa["metadata"]["name"]
    instance = r.one("ConfigMap", "-instance", "runs")
    assert instance["data"] == r.one("ConfigMap", "-instance")["data"]
    assert r.launcher()["instance_config_map"] == instance["metadata"]["name"]
    secret = r.one("Secret", "-postgresql", "runs")
    assert secret["data"] == r.one("Secret", "-postgresql")["data"]
    assert r.one("Role", "-run-launcher", "runs")["rules"]
    binding = r.one("RoleBinding", "-run-launcher", "runs")
    assert binding["subjects"][0]["namespace"] == NAMESPACE
    assert r.kind("Role") == []  # nothing to do in the release namespace
    # run pods in "runs" reach the code server and PostgreSQL, by their full host name
    run_peer = {
        "podSelector": {"matchLabels": _run_pod_labels(r)},
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "runs"}},
    }
    for suffix in ("-floe-product", "-postgresql"):
        (rule,) = _policy_for(r, r.pod(suffix)["metadata"]["labels"])["ingress"]
        assert run_peer in rule["from"], suffix
    assert _policy_for(r, _run_pod_labels(r), "runs").get("ingress", []) == []
    host = r.dagster_yaml()["run_storage"]["config"]["postgres_db"]["hostname"]
    assert host == f"floe-floe-dagster-postgresql.{NAMESPACE}.svc"
    notes = r.notes()
    assert "Kubernetes Jobs in namespace runs" in notes
    assert "must exist there too: warehouse, lineage, snowflake, gcp-sa, corp-ca" in notes


# -- names from values are quoted: YAML never reads them as numbers or booleans --------------------


def test_names_that_look_like_numbers_or_booleans_stay_strings():
    values = {
        "postgresql": {"passwordSecret": {"name": "1234", "key": "true"}},
        "runLauncher": {"jobNamespace": "2024"},
        "dagster-user-code": {
            "envFrom": [{"secretRef": {"name": "0755"}}],
            "env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "1e3", "key": "null"}}}],
        },
    }
    lint = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBE_VERSION}")
    assert [m for m in lint["messages"] if m["severity"] >= WARNING] == []
    with helm.Chart.load(str(CHART)) as chart:
        files = chart.render(values, name=RELEASE, namespace=NAMESPACE)
    objects = [
        doc
        for path, text in files.items()
        if not path.endswith("NOTES.txt")
        for doc in yaml.safe_load_all(text)
        if doc
    ]
    for obj in objects:
        kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
    (code,) = [
        o
        for o in objects
        if o["metadata"]["name"].endswith("-floe-product") and o["kind"] == "Deployment"
    ]
    env = {e["name"]: e for e in code["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["DAGSTER_PG_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "1234",
        "key": "true",
    }
    assert env["X"]["valueFrom"]["secretKeyRef"] == {"name": "1e3", "key": "null"}
    (role,) = [o for o in objects if o["kind"] == "Role"]
    assert role["metadata"]["namespace"] == "2024"
    instance = next(
        o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["namespace"] == "2024"
    )
    config = yaml.safe_load(instance["data"]["dagster.yaml"])["run_launcher"]["config"]
    assert config["job_namespace"] == "2024"
    assert config["env_secrets"] == ["0755"]
    password_ref = config["run_k8s_config"]["container_config"]["env"][0]["value_from"]
    assert password_ref == {"secret_key_ref": {"name": "1234", "key": "true"}}


# -- bad values are refused, naming the field -----------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"dagster-webserver": {"replicaCount": -1}}, "/dagster-webserver/replicaCount", "minimum"),
        (
            {"dagster-user-code": {"resources": {"requests": {"cpu": "5 cores"}}}},
            "/dagster-user-code/resources/requests/cpu",
            "does not match pattern",
        ),
        ({"dagster-daemon": {"surprise": True}}, "/dagster-daemon", "'surprise' not allowed"),
        ({"postgresql": {"enabled": False}}, "/postgresql/host", "minLength"),
        (
            {"postgresql": {"params": {"sslmode": "require", "password": "hunter2"}}},
            "/postgresql/params/password",
            "false schema",
        ),
        (
            {"postgresql": {"passwordSecret": {"key": "bad key"}}},
            "/postgresql/passwordSecret/key",
            "does not match pattern",
        ),
        (
            {"postgresql": {"passwordSecret": {"name": "Bad_Name"}}},
            "/postgresql/passwordSecret/name",
            "does not match pattern",
        ),
        ({"runLauncher": {"jobNamespace": "Runs"}}, "/runLauncher/jobNamespace", "pattern"),
        ({"runLauncher": {"jobNamespace": "runs\n"}}, "/runLauncher/jobNamespace", "pattern"),
        (
            {"dagster-user-code": {"envFrom": [{"secretRef": {"name": "a b"}}]}},
            "/dagster-user-code/envFrom/0/secretRef/name",
            "does not match pattern",
        ),
        (
            {"dagster-user-code": {"env": [{"name": "API_TOKEN", "value": "abc"}]}},
            "/dagster-user-code/env/0",
            "not",
        ),
        (
            {"dagster-webserver": {"service": {"type": "NodePort"}}},
            "/dagster-webserver/service/allowPublic",
            "value must be true",
        ),
    ],
)
def test_helm_lint_refuses_bad_values_naming_the_field(values, field, says):
    report = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBE_VERSION}")
    errors = [m["error"] for m in report["messages"] if m["severity"] >= ERROR]
    assert errors, report
    assert any(f"'{field}'" in e and says in e for e in errors), errors
    assert not any("hunter2" in e for e in errors), "Helm's message shows the password"


# -- the rendered dagster.yaml is valid Dagster instance configuration -----------------------------


def _config_type(spec: Any) -> Any:
    """A Dagster config type from the notation of chart_data/ (see the YAML file's header)."""
    import dagster

    scalars = {
        "StringSource": dagster.StringSource,
        "BoolSource": dagster.BoolSource,
        "IntSource": dagster.IntSource,
        "bool": bool,
        "str": str,
        "int": int,
        "dict": dagster.Permissive(),
    }
    if isinstance(spec, str):
        return scalars[spec]
    ((kind, inner),) = spec.items()
    if kind == "array":
        return dagster.Array(_config_type(inner))
    if kind == "map":
        return dagster.Map(_config_type(inner[0]), _config_type(inner[1]))
    fields = {name: _field(field) for name, field in inner.items()}
    return dagster.Shape(fields) if kind == "shape" else dagster.Permissive(fields)


def _field(spec: Mapping[str, Any]) -> Any:
    import dagster

    config_type = _config_type(spec["type"])
    if spec.get("noneable"):
        config_type = dagster.Noneable(config_type)
    return dagster.Field(config_type, is_required=bool(spec.get("required", False)))


def _k8s_run_launcher_schema() -> tuple[str, str, Any]:
    data = yaml.safe_load(K8S_LAUNCHER_SCHEMA.read_text(encoding="utf-8"))
    fields = {name: _field(spec) for name, spec in data["fields"].items()}
    import dagster

    return data["module"], data["class"], dagster.Shape(fields)


def _validate_instance(instance: Mapping[str, Any], tmp_path: Path) -> list[str]:
    """Problems Dagster finds in an instance config; empty when it is valid."""
    from dagster._config import validate_config
    from dagster._core.errors import DagsterInvalidConfigError
    from dagster._core.instance.config import dagster_instance_config
    from dagster._serdes import class_from_code_pointer

    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(dict(instance)), encoding="utf-8")
    try:
        dagster_instance_config(str(tmp_path))
    except DagsterInvalidConfigError as exc:
        return [f"instance: {exc}"]
    problems = []
    k8s_module, k8s_class, k8s_schema = _k8s_run_launcher_schema()
    for key, block in instance.items():
        if not (isinstance(block, dict) and "module" in block and "class" in block):
            continue
        if (block["module"], block["class"]) == (k8s_module, k8s_class):
            schema = k8s_schema
        else:
            schema = class_from_code_pointer(block["module"], block["class"]).config_type()  # type: ignore[attr-defined]
        result = validate_config(schema, block.get("config", {}))
        if not result.success:
            problems += [f"{key}: {error.message}" for error in result.errors]
    return problems


@pytest.mark.parametrize("case", CASES)
def test_rendered_dagster_yaml_is_valid_instance_config(rendered, case, tmp_path):
    instance = rendered[case].dagster_yaml()
    assert _validate_instance(instance, tmp_path) == []
    launcher = instance["run_launcher"]
    if case == "default-launcher":
        assert launcher == {"module": "dagster._core.launcher", "class": "DefaultRunLauncher"}
    else:
        assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
        config = launcher["config"]
        assert (
            config["instance_config_map"]
            == rendered[case].one("ConfigMap", "-instance")["metadata"]["name"]
        )
        assert (
            config["service_account_name"]
            == rendered[case].one("ServiceAccount", "-user-code")["metadata"]["name"]
        )
    for storage in ("run_storage", "event_log_storage", "schedule_storage"):
        assert instance[storage]["module"].startswith("dagster_postgres.")


@pytest.mark.parametrize("case", ["medium", "external-db"])
def test_rendered_workspace_yaml_is_valid_for_dagster(rendered, case):
    from dagster._core.workspace.config_schema import process_workspace_config

    text = rendered[case].one("ConfigMap", "-workspace")["data"]["workspace.yaml"]
    result = process_workspace_config(yaml.safe_load(text))
    assert result.success, [error.message for error in result.errors]


def test_dagster_validation_catches_a_wrong_key(rendered, tmp_path):
    """The check above is real: Dagster refuses a bogus key in a storage or launcher block."""
    instance = rendered["medium"].dagster_yaml()
    instance["run_storage"]["config"]["postgres_db"]["hostnme"] = "typo"
    instance["run_launcher"]["config"]["job_namespaces"] = "typo"
    problems = _validate_instance(instance, tmp_path)
    assert any(p.startswith("run_storage:") and "hostnme" in p for p in problems), problems
    assert any(p.startswith("run_launcher:") and "job_namespaces" in p for p in problems), problems
