{{/* Names, labels and the pieces every Dagster pod shares. */}}

{{- define "floe-dagster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-floe-dagster, or the release name when it already contains the chart name. */}}
{{- define "floe-dagster.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "floe-dagster.component-name" -}}
{{- printf "%s-%s" (include "floe-dagster.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-dagster.selector-labels" -}}
app.kubernetes.io/name: {{ include "floe-dagster.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "floe-dagster.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "floe-dagster.selector-labels" . }}
app.kubernetes.io/version: {{ .root.Values.dagsterVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: floe-dagster
{{- end -}}

{{/* The webserver's and daemon's ServiceAccount: the one bound to the run launcher's Role. */}}
{{- define "floe-dagster.serviceAccountName" -}}
{{- default (include "floe-dagster.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The code server's and run pods' ServiceAccount: no token, no RBAC. */}}
{{- define "floe-dagster.userCodeServiceAccountName" -}}
{{- $sa := (index .Values "dagster-user-code").serviceAccount -}}
{{- default (printf "%s-user-code" (include "floe-dagster.fullname" .) | trunc 63 | trimSuffix "-") $sa.name -}}
{{- end -}}

{{/* "true" when runs are Kubernetes Jobs: only then do the webserver and daemon need a token. */}}
{{- define "floe-dagster.launchesJobs" -}}
{{- if eq .Values.runLauncher.type "K8sRunLauncher" -}}true{{- end -}}
{{- end -}}

{{/* Labels of the run pods (set through the K8sRunLauncher), which the NetworkPolicies select. */}}
{{- define "floe-dagster.runPodLabels" -}}
floe.dev/release: {{ .Release.Name | quote }}
floe.dev/release-namespace: {{ .Release.Namespace | quote }}
floe.dev/component: run
{{- end -}}

{{- define "floe-dagster.instanceConfigMap" -}}
{{- printf "%s-instance" (include "floe-dagster.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-dagster.workspaceConfigMap" -}}
{{- printf "%s-workspace" (include "floe-dagster.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-dagster.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "floe-dagster.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-dagster.postgresql.host" -}}
{{- if .Values.postgresql.enabled -}}
{{- /* namespace-qualified, so run pods in another jobNamespace find it too */ -}}
{{- printf "%s.%s.svc" (include "floe-dagster.postgresql.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- required "postgresql.host is required when postgresql.enabled is false" .Values.postgresql.host -}}
{{- end -}}
{{- end -}}

{{- define "floe-dagster.postgresql.secretName" -}}
{{- default (include "floe-dagster.postgresql.fullname" .) .Values.postgresql.passwordSecret.name -}}
{{- end -}}

{{- define "floe-dagster.userCodeServiceName" -}}
{{- printf "%s-%s" (include "floe-dagster.fullname" .) (index .Values "dagster-user-code").name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "floe-dagster.jobNamespace" -}}
{{- default .Release.Namespace .Values.runLauncher.jobNamespace -}}
{{- end -}}

{{/* The namespaces the run pods' objects live in, as JSON: the release's, and jobNamespace when
it differs (its ServiceAccount, instance ConfigMap and chart-made Secret get a copy there). */}}
{{- define "floe-dagster.runNamespaces" -}}
{{- $namespaces := list .Release.Namespace -}}
{{- $jobNamespace := include "floe-dagster.jobNamespace" . -}}
{{- if and (eq .Values.runLauncher.type "K8sRunLauncher") (ne $jobNamespace .Release.Namespace) -}}
{{- $namespaces = append $namespaces $jobNamespace -}}
{{- end -}}
{{- toJson $namespaces -}}
{{- end -}}

{{/* repository:tag, the tag defaulting to dagsterVersion. Call with (dict "image" ... "root" $). */}}
{{- define "floe-dagster.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Values.dagsterVersion (toString .image.tag)) -}}
{{- end -}}

{{- define "floe-dagster.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Call with (dict "readOnly" bool). */}}
{{- define "floe-dagster.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: {{ .readOnly }}
runAsNonRoot: true
capabilities:
  drop:
    - ALL
{{- end -}}

{{- define "floe-dagster.env" -}}
- name: DAGSTER_HOME
  value: /opt/dagster/dagster_home
- name: DAGSTER_PG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "floe-dagster.postgresql.secretName" . | quote }}
      key: {{ .Values.postgresql.passwordSecret.key | quote }}
{{- end -}}

{{/* The user's env entries as Kubernetes EnvVars. Call with the list. */}}
{{- define "floe-dagster.userEnv" -}}
{{- range . }}
- name: {{ .name | quote }}
  {{- if .valueFrom }}
  valueFrom:
    {{- with .valueFrom.secretKeyRef }}
    secretKeyRef:
      name: {{ .name | quote }}
      key: {{ .key | quote }}
    {{- end }}
    {{- with .valueFrom.configMapKeyRef }}
    configMapKeyRef:
      name: {{ .name | quote }}
      key: {{ .key | quote }}
    {{- end }}
  {{- else }}
  value: {{ .value | default "" | toString | quote }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* The user's envFrom entries. Call with the list. */}}
{{- define "floe-dagster.userEnvFrom" -}}
{{- range . }}
{{- with .secretRef }}
- secretRef:
    name: {{ .name | quote }}
{{- end }}
{{- with .configMapRef }}
- configMapRef:
    name: {{ .name | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A secret volume's file mode: its defaultMode, else 0440 (values list items get no defaults). */}}
{{- define "floe-dagster.secretMode" -}}
{{- if hasKey . "defaultMode" }}{{ int .defaultMode }}{{ else }}288{{ end -}}
{{- end -}}

{{/* secretVolumes as pod volumes. Call with the list. */}}
{{- define "floe-dagster.secretVolumes" -}}
{{- range . }}
- name: {{ .name | quote }}
  secret:
    secretName: {{ .secretName | quote }}
    defaultMode: {{ include "floe-dagster.secretMode" . }}
    {{- with .items }}
    items:
      {{- range . }}
      - key: {{ .key | quote }}
        path: {{ .path | quote }}
      {{- end }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* secretVolumes as read-only container mounts. Call with the list. */}}
{{- define "floe-dagster.secretVolumeMounts" -}}
{{- range . }}
- name: {{ .name | quote }}
  mountPath: {{ .mountPath | quote }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* Writable places on a read-only root: DAGSTER_HOME and /tmp. */}}
{{- define "floe-dagster.volumeMounts" -}}
- name: dagster-home
  mountPath: /opt/dagster/dagster_home
- name: dagster-instance
  mountPath: /opt/dagster/dagster_home/dagster.yaml
  subPath: dagster.yaml
  readOnly: true
- name: dagster-workspace
  mountPath: /dagster-workspace/
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "floe-dagster.volumes" -}}
- name: dagster-home
  emptyDir: {}
- name: tmp
  emptyDir: {}
- name: dagster-instance
  configMap:
    name: {{ include "floe-dagster.instanceConfigMap" . | quote }}
- name: dagster-workspace
  configMap:
    name: {{ include "floe-dagster.workspaceConfigMap" . | quote }}
{{- end -}}

{{- define "floe-dagster.checksums" -}}
checksum/dagster-instance: {{ include (print .Template.BasePath "/configmap-instance.yaml") . | sha256sum }}
checksum/dagster-workspace: {{ include (print .Template.BasePath "/configmap-workspace.yaml") . | sha256sum }}
{{- end -}}

{{/* Wait for PostgreSQL before starting Dagster (pg_isready from the postgresql image). */}}
{{- define "floe-dagster.waitForPostgres" -}}
- name: check-db-ready
  image: {{ printf "%s:%s" .Values.postgresql.image.repository (required "postgresql.image.tag is required" .Values.postgresql.image.tag) | quote }}
  imagePullPolicy: {{ .Values.postgresql.image.pullPolicy | quote }}
  command:
    - sh
    - -c
    - until pg_isready -h "$PGHOST" -p "$PGPORT" -U "$PGUSER"; do echo waiting for PostgreSQL; sleep 2; done
  env:
    - name: PGHOST
      value: {{ include "floe-dagster.postgresql.host" . | quote }}
    - name: PGPORT
      value: {{ .Values.postgresql.port | quote }}
    - name: PGUSER
      value: {{ .Values.postgresql.username | quote }}
  securityContext:
    {{- include "floe-dagster.containerSecurityContext" (dict "readOnly" true) | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      cpu: 100m
      memory: 64Mi
{{- end -}}

{{- define "floe-dagster.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
