{{/* dagster.yaml of the instance, shared by the release's ConfigMap and its copy in jobNamespace. */}}
{{- define "floe-dagster.dagsterYaml" -}}
{{- $pg := .Values.postgresql -}}
{{- $userCode := index .Values "dagster-user-code" -}}
{{- $daemon := index .Values "dagster-daemon" -}}
{{- $launcher := .Values.runLauncher -}}
scheduler:
  module: dagster._core.scheduler
  class: DagsterDaemonScheduler
{{- if $daemon.enabled }}
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_use_threads: true
    dequeue_num_workers: 4
{{- end }}
run_launcher:
{{- if eq $launcher.type "K8sRunLauncher" }}
{{- /* run pods get the user code's environment and the run launcher's */ -}}
{{- $env := concat $userCode.env $launcher.env -}}
{{- $envFrom := concat $userCode.envFrom $launcher.envFrom -}}
{{- $volumes := concat $userCode.secretVolumes $launcher.secretVolumes -}}
{{- $literals := list -}}
{{- $secrets := list -}}
{{- $configMaps := list -}}
{{- range $env }}{{ if not .valueFrom }}{{ $literals = append $literals (printf "%s=%s" .name (.value | default "" | toString)) }}{{ end }}{{ end -}}
{{- range $envFrom }}{{ with .secretRef }}{{ $secrets = append $secrets .name }}{{ end }}{{ with .configMapRef }}{{ $configMaps = append $configMaps .name }}{{ end }}{{ end }}
  module: dagster_k8s
  class: K8sRunLauncher
  config:
    load_incluster_config: true
    job_namespace: {{ include "floe-dagster.jobNamespace" . | quote }}
    image_pull_policy: {{ $launcher.imagePullPolicy | quote }}
    # the run pods' own ServiceAccount: no token, no RBAC (see pod_spec_config below)
    service_account_name: {{ include "floe-dagster.userCodeServiceAccountName" . | quote }}
    dagster_home: /opt/dagster/dagster_home
    instance_config_map: {{ include "floe-dagster.instanceConfigMap" . | quote }}
    {{- with .Values.imagePullSecrets }}
    image_pull_secrets:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    labels:
      {{- include "floe-dagster.runPodLabels" . | nindent 6 }}
    {{- with $literals }}
    env_vars:
      {{- range . }}
      - {{ . | toJson }}
      {{- end }}
    {{- end }}
    {{- with $secrets }}
    env_secrets:
      {{- range . }}
      - {{ . | quote }}
      {{- end }}
    {{- end }}
    {{- with $configMaps }}
    env_config_maps:
      {{- range . }}
      - {{ . | quote }}
      {{- end }}
    {{- end }}
    {{- with $volumes }}
    volumes:
      {{- range . }}
      - name: {{ .name | quote }}
        secret:
          secret_name: {{ .secretName | quote }}
          default_mode: {{ include "floe-dagster.secretMode" . }}
          {{- with .items }}
          items:
            {{- range . }}
            - key: {{ .key | quote }}
              path: {{ .path | quote }}
            {{- end }}
          {{- end }}
      {{- end }}
    volume_mounts:
      {{- range . }}
      - name: {{ .name | quote }}
        mount_path: {{ .mountPath | quote }}
        read_only: true
      {{- end }}
    {{- end }}
    resources:
      {{- toYaml $launcher.resources | nindent 6 }}
    security_context:
      allow_privilege_escalation: false
      privileged: false
      read_only_root_filesystem: {{ $userCode.readOnlyRootFilesystem }}
      run_as_non_root: true
      capabilities:
        drop:
          - ALL
    run_k8s_config:
      container_config:
        env:
          # the password reaches run pods from the Secret, under any key name
          - name: DAGSTER_PG_PASSWORD
            value_from:
              secret_key_ref:
                name: {{ include "floe-dagster.postgresql.secretName" . | quote }}
                key: {{ $pg.passwordSecret.key | quote }}
          {{- range $env }}
          {{- if .valueFrom }}
          - name: {{ .name | quote }}
            value_from:
              {{- with .valueFrom.secretKeyRef }}
              secret_key_ref:
                name: {{ .name | quote }}
                key: {{ .key | quote }}
              {{- end }}
              {{- with .valueFrom.configMapKeyRef }}
              config_map_key_ref:
                name: {{ .name | quote }}
                key: {{ .key | quote }}
              {{- end }}
          {{- end }}
          {{- end }}
      pod_spec_config:
        # dagster-k8s mounts the token unless told otherwise, whatever the ServiceAccount says
        automount_service_account_token: {{ $userCode.serviceAccount.automountToken }}
        security_context:
          run_as_non_root: true
          run_as_user: {{ .Values.securityContext.runAsUser }}
          run_as_group: {{ .Values.securityContext.runAsGroup }}
          fs_group: {{ .Values.securityContext.fsGroup }}
          seccomp_profile:
            type: RuntimeDefault
    {{- with $launcher.allowedUserK8sConfig }}
    {{- if .enforced }}
    # what a run's dagster-k8s/config tag may set; anything else fails the launch
    only_allow_user_defined_k8s_config_fields:
      {{- range $section, $key := dict "container_config" "containerConfig" "pod_spec_config" "podSpecConfig" "pod_template_spec_metadata" "podTemplateSpecMetadata" "job_metadata" "jobMetadata" "job_spec_config" "jobSpecConfig" }}
      {{ $section }}:
        {{- range (get $.Values.runLauncher.allowedUserK8sConfig $key) }}
        {{ . }}: true
        {{- else }} {}
        {{- end }}
      {{- end }}
      namespace: {{ .namespace }}
    {{- end }}
    {{- end }}
{{- else }}
  module: dagster._core.launcher
  class: DefaultRunLauncher
{{- end }}
{{- range $storage := list "run_storage" "event_log_storage" "schedule_storage" }}
{{ $storage }}:
  module: {{ get (dict "run_storage" "dagster_postgres.run_storage" "event_log_storage" "dagster_postgres.event_log" "schedule_storage" "dagster_postgres.schedule_storage") $storage }}
  class: {{ get (dict "run_storage" "PostgresRunStorage" "event_log_storage" "PostgresEventLogStorage" "schedule_storage" "PostgresScheduleStorage") $storage }}
  config:
    postgres_db:
      username: {{ $pg.username | quote }}
      password:
        env: DAGSTER_PG_PASSWORD
      hostname: {{ include "floe-dagster.postgresql.host" $ | quote }}
      db_name: {{ $pg.database | quote }}
      port: {{ $pg.port }}
      {{- with $pg.params }}
      params:
        {{- toYaml . | nindent 8 }}
      {{- else }}
      params: {}
      {{- end }}
{{- end }}
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
run_monitoring:
  enabled: {{ eq $launcher.type "K8sRunLauncher" }}
  start_timeout_seconds: 300
  poll_interval_seconds: 120
telemetry:
  enabled: {{ .Values.telemetry.enabled }}
{{- end -}}
