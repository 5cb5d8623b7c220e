{{/*
Helpers of the airflow chart. Every pod carries `app: airflow` (the runbook's
`kubectl get pods -l app=airflow`) and `app.kubernetes.io/component` (api-server, scheduler,
dag-processor, triggerer) to tell them apart; helpers that label take {ctx, component}.
*/}}

{{/* Label values are limited to 63 characters by Kubernetes, so names are truncated. */}}
{{- define "airflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "airflow.labels" -}}
{{ include "airflow.selectorLabels" . }}
app.kubernetes.io/name: airflow
app.kubernetes.io/version: {{ include "airflow.tag" .ctx | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: lakehouse
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "airflow.chart" .ctx }}
{{- end }}

{{/* Selects one component's pods; never changes (selectors are immutable). */}}
{{- define "airflow.selectorLabels" -}}
app: airflow
app.kubernetes.io/instance: {{ .ctx.Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Airflow's image tag: image.tag, else airflow.version. */}}
{{- define "airflow.tag" -}}
{{- .Values.airflow.image.tag | default .Values.airflow.version }}
{{- end }}

{{/* `[registry/]repository[:tag][@digest]` from {image, tag, ctx}. */}}
{{- define "airflow.imageRef" -}}
{{- $registry := .image.registry | default .ctx.Values.global.imageRegistry | default "" -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .image.repository }}
{{- with .tag }}:{{ . }}{{ end }}
{{- with .image.digest }}@{{ . }}{{ end }}
{{- end }}

{{- define "airflow.image" -}}
{{- include "airflow.imageRef" (dict "image" .Values.airflow.image "tag" (include "airflow.tag" .) "ctx" .) }}
{{- end }}

{{- define "airflow.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Airflow image's user 50000 in group 0: the image's files are group-0 owned and
group-writable where Airflow writes (its convention for arbitrary UIDs). GID 0 is not root.
*/}}
{{- define "airflow.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 50000
runAsGroup: 0
fsGroup: 0
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "airflow.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "airflow.topologySpread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "airflow.selectorLabels" . | nindent 8 }}
{{- end }}

{{/* In-cluster addresses. */}}
{{- define "airflow.apiURL" -}}
http://airflow-webserver.{{ .Release.Namespace }}.svc:8080
{{- end }}

{{/* The DAGs' repository: gitSync.repo, else argocd.repoURL; neither is a render error. */}}
{{- define "airflow.gitRepo" -}}
{{- $repo := .Values.airflow.gitSync.repo | default (dig "repoURL" "" (.Values.argocd | default dict)) -}}
{{- if not $repo -}}
{{- fail "airflow: the DAGs' git repository is unknown: set argocd.repoURL (this repository's URL) or airflow.gitSync.repo in env/<env>/helm-values.yaml" -}}
{{- end -}}
{{- $repo -}}
{{- end }}

{{/*
The environment of every Airflow process: configuration by AIRFLOW__SECTION__KEY variables only
(as the local target does, src/targets/local/airflow/config.ts), so no airflow.cfg drifts from
the values. Secrets come from Secrets, never from values.
*/}}
{{- define "airflow.env" -}}
{{- $ns := .Release.Namespace }}
{{- $a := .Values.airflow }}
{{- $statsd := dig "statsdExporter" "statsdPort" 9125 (.Values.observability | default dict) }}
- { name: AIRFLOW_HOME, value: /opt/airflow }
# Python writes no .pyc next to the DAGs (the root filesystem is read-only anyway).
- { name: PYTHONDONTWRITEBYTECODE, value: "1" }
- { name: AIRFLOW__CORE__DAGS_FOLDER, value: {{ printf "/git/repo/%s" (trimAll "/" $a.gitSync.subPath) | quote }} }
- { name: AIRFLOW__CORE__LOAD_EXAMPLES, value: "False" }
- { name: AIRFLOW__CORE__EXECUTOR, value: LocalExecutor }
- { name: AIRFLOW__CORE__PARALLELISM, value: {{ $a.parallelism | quote }} }
- { name: AIRFLOW__CORE__EXECUTION_API_SERVER_URL, value: {{ printf "%s/execution/" (include "airflow.apiURL" .) | quote }} }
# Task instances record the pod's IP, not its host name (which no DNS resolves), so the API
# server can fetch their logs from the scheduler's log server.
- { name: AIRFLOW__CORE__HOSTNAME_CALLABLE, value: airflow.utils.net.get_host_ip_address }
- { name: AIRFLOW__CORE__AUTH_MANAGER, value: airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager }
- { name: AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS, value: "admin:admin" }
- { name: AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE, value: /opt/airflow/auth/passwords.json }
- name: AIRFLOW__CORE__FERNET_KEY
  valueFrom: { secretKeyRef: { name: airflow-secrets, key: fernet-key } }
- name: AIRFLOW__API__SECRET_KEY
  valueFrom: { secretKeyRef: { name: airflow-secrets, key: api-secret-key } }
- name: AIRFLOW__API_AUTH__JWT_SECRET
  valueFrom: { secretKeyRef: { name: airflow-secrets, key: jwt-secret } }
{{ include "airflow.databaseEnv" . }}
- { name: AIRFLOW__LOGGING__BASE_LOG_FOLDER, value: /opt/airflow/logs }
- { name: AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT, value: {{ $a.workerLogServerPort | quote }} }
- { name: AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT, value: {{ $a.triggererLogServerPort | quote }} }
- { name: AIRFLOW__API__HOST, value: 0.0.0.0 }
- { name: AIRFLOW__API__PORT, value: {{ $a.port | quote }} }
- { name: AIRFLOW__API__BASE_URL, value: {{ include "airflow.apiURL" . | quote }} }
- { name: AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK, value: "True" }
- { name: AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST, value: 0.0.0.0 }
- { name: AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT, value: {{ $a.schedulerHealthPort | quote }} }
# Re-list the DAG folder every 60 s (git-sync pulls every 60 s), parse a file at most every 30 s.
- { name: AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL, value: "60" }
- { name: AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL, value: "30" }
# StatsD to the observability chart's statsd-exporter, tags in the InfluxDB form (without it
# Airflow 3 drops dag_id/task_id; platform/observability/statsd-mapping.yml).
- { name: AIRFLOW__METRICS__STATSD_ON, value: "True" }
- { name: AIRFLOW__METRICS__STATSD_HOST, value: {{ printf "statsd-exporter.%s.svc" $ns | quote }} }
- { name: AIRFLOW__METRICS__STATSD_PORT, value: {{ $statsd | quote }} }
- { name: AIRFLOW__METRICS__STATSD_PREFIX, value: airflow }
- { name: AIRFLOW__METRICS__STATSD_INFLUXDB_ENABLED, value: "True" }
# trino_default: the coordinator's Service, catalog iceberg, user lakehouse (as locally).
- { name: AIRFLOW_CONN_TRINO_DEFAULT, value: {{ printf "trino://lakehouse@trino.%s.svc:8080/?catalog=iceberg" $ns | quote }} }
{{- with .Values.retention }}
# The environment's retention: the maintenance DAG reads it as the Variable lakehouse_retention.
- { name: AIRFLOW_VAR_LAKEHOUSE_RETENTION, value: {{ toJson . | quote }} }
{{- end }}
{{- end }}

{{/*
Airflow's metadata database: database and user `airflow` on the platform's PostgreSQL (Service
`postgresql`, deployed by the iceberg-catalog chart, which also generates the password).
Kubernetes expands $(AIRFLOW_DB_PASSWORD) in the URL; the password is alphanumeric.
*/}}
{{- define "airflow.databaseEnv" -}}
- name: AIRFLOW_DB_PASSWORD
  valueFrom: { secretKeyRef: { name: postgresql-credentials, key: airflow-password } }
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
  value: {{ printf "postgresql+psycopg2://airflow:$(AIRFLOW_DB_PASSWORD)@postgresql.%s.svc:5432/airflow" .Release.Namespace | quote }}
{{- end }}

{{/* Writable places under a read-only root: AIRFLOW_HOME (logs, auth file) and /tmp. */}}
{{- define "airflow.volumeMounts" -}}
- { name: home, mountPath: /opt/airflow }
- { name: tmp, mountPath: /tmp }
{{- end }}

{{/* The git-sync sidecar: the DAGs of `gitSync.repo` (or argocd.repoURL) into /git/repo. */}}
{{- define "airflow.gitSyncContainer" -}}
{{- $g := .Values.airflow.gitSync }}
- name: git-sync
  image: {{ include "airflow.imageRef" (dict "image" $g.image "tag" $g.image.tag "ctx" .) | quote }}
  imagePullPolicy: {{ $g.image.pullPolicy }}
  args:
    - --repo={{ include "airflow.gitRepo" . }}
    - --ref={{ $g.branch }}
    - --root=/git
    - --link=repo
    - --depth=1
    - --period=60s
    # Keep retrying through a git server outage instead of crash-looping the pod.
    - --max-failures=-1
  env:
    - { name: HOME, value: /tmp }
  resources:
    requests: { cpu: 10m, memory: 32Mi }
    limits: { memory: 256Mi }
  securityContext:
    # git-sync's own user; the checkout is world-readable, so Airflow (50000) reads it.
    runAsUser: 65533
    runAsGroup: 65533
    {{- include "airflow.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - { name: dags, mountPath: /git }
    - { name: git-tmp, mountPath: /tmp }
{{- end }}

{{/* Volumes of a pod with the git-sync sidecar. */}}
{{- define "airflow.gitSyncVolumes" -}}
- { name: dags, emptyDir: {} }
- { name: git-tmp, emptyDir: {} }
{{- end }}
