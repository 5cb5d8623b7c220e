{{/*
Helpers of the observability chart. Each workload is its own component: its pods carry
`app: <component>` (the runbook's `kubectl get pods -l app=prometheus`), so the helpers take a
dict {ctx: ., component: "<name>"}.
*/}}

{{/*
Chart name and version for the helm.sh/chart label. Label values are limited to 63 characters
by Kubernetes, so the result is truncated.
*/}}
{{- define "observability.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object of a component: {ctx, component, version}. */}}
{{- define "observability.labels" -}}
{{ include "observability.selectorLabels" . }}
app.kubernetes.io/name: {{ .component | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/component: {{ .component | trunc 63 | trimSuffix "-" }}
{{- with .version }}
app.kubernetes.io/version: {{ . | toString | trunc 63 | trimSuffix "-" | quote }}
{{- end }}
app.kubernetes.io/part-of: lakehouse
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "observability.chart" .ctx }}
{{- end }}

{{/* Labels that select a component's pods (must never change: selectors are immutable). */}}
{{- define "observability.selectorLabels" -}}
app: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
An image reference `[registry/]repository[:tag][@digest]` from {image, ctx}: the image's own
registry, else global.imageRegistry, else none (Docker Hub).
*/}}
{{- define "observability.image" -}}
{{- $registry := .image.registry | default .ctx.Values.global.imageRegistry | default "" -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .image.repository }}
{{- with .image.tag }}:{{ . }}{{ end }}
{{- with .image.digest }}@{{ . }}{{ end }}
{{- end }}

{{- define "observability.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod security context: a fixed non-root UID per image ({uid}); fsGroup makes volumes writable. */}}
{{- define "observability.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid | default .uid }}
fsGroup: {{ .gid | default .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "observability.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Spread a component's pods over nodes when it can; never block scheduling for it. */}}
{{- define "observability.topologySpread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "observability.selectorLabels" . | nindent 8 }}
{{- end }}

{{/* The `lakehouse_env` label value ("" when global.environment is unset). */}}
{{- define "observability.env" -}}
{{- .Values.global.environment | default "" }}
{{- end }}

{{/*
Whether a component of another chart is enabled in the environment's values: the env file gives
every section, but this chart's own values.yaml only `observability`, so an absent key takes the
schema's default ({values, section, default}).
*/}}
{{- define "observability.componentEnabled" -}}
{{- $section := index .values .section | default dict -}}
{{- if hasKey $section "enabled" }}{{ index $section "enabled" }}{{ else }}{{ .default }}{{ end -}}
{{- end }}

{{/* A relabel step that adds `lakehouse_env` to a discovered target (nothing when unset). */}}
{{- define "observability.envRelabel" -}}
{{- if . -}}
- target_label: lakehouse_env
  replacement: {{ . | quote }}
{{- end }}
{{- end }}
