{{/*
Object names are fixed by the runbook (Service `trino`, Deployments `trino-coordinator` and
`trino-worker`), so they do not follow the release name. Names and label values are truncated to
63 characters, the limit of a DNS label and of a label value.
*/}}
{{- define "trino.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "trino.coordinator" -}}
{{- printf "%s-coordinator" (include "trino.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "trino.worker" -}}
{{- printf "%s-worker" (include "trino.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "trino.catalog" -}}
{{- printf "%s-catalog" (include "trino.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "trino.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "trino.instance" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "trino.commonLabels" -}}
app.kubernetes.io/name: {{ include "trino.name" . }}
app.kubernetes.io/instance: {{ include "trino.instance" . }}
app.kubernetes.io/version: {{ .Values.trino.image.tag | default .Values.trino.version | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: lakehouse
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "trino.chart" . }}
{{- end }}

{{/* `app: trino` is what the runbook selects on (`kubectl get pods -l app=trino`). */}}
{{- define "trino.labels" -}}
app: trino
{{ include "trino.commonLabels" . }}
{{- end }}

{{/* Selector of one workload: pass a dict with `ctx` (the root) and `component`. */}}
{{- define "trino.selectorLabels" -}}
app: trino
app.kubernetes.io/instance: {{ include "trino.instance" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "trino.image" -}}
{{- $img := .Values.trino.image -}}
{{- $registry := $img.registry | default .Values.global.imageRegistry -}}
{{- $tag := $img.tag | default .Values.trino.version -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ $img.repository }}{{ if $tag }}:{{ $tag }}{{ end }}{{ if $img.digest }}@{{ $img.digest }}{{ end }}
{{- end }}

{{- define "trino.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* `2G` / `1536M` → megabytes. */}}
{{- define "trino.heapMb" -}}
{{- $n := int (trimSuffix "G" (trimSuffix "M" .)) -}}
{{- if hasSuffix "G" . }}{{ mul $n 1024 }}{{ else }}{{ $n }}{{ end -}}
{{- end }}

{{/* A Prometheus-style duration (`7d`, `1d12h`, `90m`) → whole seconds, for Trino's `<n>s`. */}}
{{- define "trino.durationSeconds" -}}
{{- $units := dict "ms" 0 "s" 1 "m" 60 "h" 3600 "d" 86400 "w" 604800 "y" 31536000 -}}
{{- $total := 0 -}}
{{- range regexFindAll "[0-9]+(ms|s|m|h|d|w|y)" . -1 -}}
{{- $n := int (regexFind "^[0-9]+" .) -}}
{{- $total = add $total (mul $n (get $units (regexReplaceAll "^[0-9]+" . ""))) -}}
{{- end -}}
{{- $total -}}
{{- end }}

{{/* The catalog's and MinIO's addresses inside the namespace (their charts' Services). */}}
{{- define "trino.catalogUri" -}}
{{- $catalog := .Values.icebergCatalog | default dict -}}
http://iceberg-catalog:{{ $catalog.port | default 8181 }}
{{- end }}

{{- define "trino.s3Endpoint" -}}
{{- $minio := .Values.minio | default dict -}}
{{- $ports := $minio.ports | default dict -}}
http://minio:{{ $ports.api | default 9000 }}
{{- end }}

{{/*
The pods' security: the image's `trino` user (UID 1000); the root filesystem is read-only, the
data dir and /tmp are emptyDirs.
*/}}
{{- define "trino.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "trino.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
{{- end }}

{{/*
Secrets reach the catalog files as environment variables, which Trino substitutes for
`${ENV:NAME}`: the ConfigMaps hold no credential.
*/}}
{{- define "trino.secretEnv" -}}
- name: S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: minio-credentials
      key: root-user
- name: S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: minio-credentials
      key: root-password
- name: ICEBERG_CATALOG_TOKEN
  valueFrom:
    secretKeyRef:
      name: iceberg-catalog-auth
      key: token
{{- end }}

{{/* jvm.config for a heap: Trino's recommended options; temp files in the /tmp emptyDir. */}}
{{- define "trino.jvmConfig" -}}
-server
-Xmx{{ . }}
-XX:+UseG1GC
-XX:G1HeapRegionSize=32M
-XX:+ExplicitGCInvokesConcurrent
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=512M
-XX:PerMethodRecompilationCutoff=10000
-XX:PerBytecodeRecompilationCutoff=10000
-Djdk.attach.allowAttachSelf=true
-Djdk.nio.maxCachedBufferSize=2000000
-XX:+EnableDynamicAgentLoading
-Dfile.encoding=UTF-8
-Djava.io.tmpdir=/tmp
{{- end }}

{{/* The seconds a draining worker waits before and after its tasks (`shutdown.grace-period`). */}}
{{- define "trino.shutdownGraceSeconds" -}}
30
{{- end }}
