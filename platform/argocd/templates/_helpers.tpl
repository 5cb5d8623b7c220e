{{/* Label values are limited to 63 characters by Kubernetes, so names are truncated. */}}
{{- define "argocd.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "argocd.labels" -}}
{{ include "argocd.selectorLabels" . }}
app.kubernetes.io/name: lakehouse-gitops
app.kubernetes.io/version: {{ .Values.argocd.version | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: lakehouse
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "argocd.chart" . }}
{{- end }}

{{- define "argocd.selectorLabels" -}}
app: argocd
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
ArgoCD reads Applications and AppProjects from its own namespace (install-argocd.sh installs it
into `argocd`), whatever namespace this release is recorded in.
*/}}
{{- define "argocd.namespace" -}}
argocd
{{- end }}

{{- define "argocd.environment" -}}
{{- .Values.global.environment | required "argocd: global.environment is empty: set it to the environment's folder name under env/ (e.g. environment: dev in env/dev/helm-values.yaml), the Applications read env/<environment>/helm-values.yaml" }}
{{- end }}

{{- define "argocd.repoURL" -}}
{{- .Values.argocd.repoURL | required "argocd: argocd.repoURL is empty: set it to this repository's git URL in env/<env>/helm-values.yaml" }}
{{- end }}

{{/* Whether a component's section says enabled ({values, section, default}). */}}
{{- define "argocd.componentEnabled" -}}
{{- $section := index .values .section | default dict -}}
{{- if hasKey $section "enabled" }}{{ index $section "enabled" }}{{ else }}{{ .default }}{{ end -}}
{{- end }}
