{{/*
Object names are fixed by the runbook (Service `minio`, StatefulSet `minio`, Secret
`minio-credentials`): other charts reach MinIO by these names, so they do not follow the release
name. Names and label values are truncated to 63 characters, the limit of a DNS label and of a
label value.
*/}}
{{- define "minio.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/* The Secret holding MinIO's root credentials; the catalog, Trino and Airflow read it. */}}
{{- define "minio.secretName" -}}
minio-credentials
{{- end }}

{{- define "minio.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/* Labels every object of the release carries, except `app`. */}}
{{- define "minio.commonLabels" -}}
app.kubernetes.io/name: {{ include "minio.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .Values.minio.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: lakehouse
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "minio.chart" . }}
{{- end }}

{{/* `app: minio` is what the runbook selects on (`kubectl get pods -l app=minio`). */}}
{{- define "minio.labels" -}}
app: minio
{{ include "minio.commonLabels" . }}
{{- end }}

{{- define "minio.selectorLabels" -}}
app: minio
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
An image reference `[registry/]repository[:tag][@digest]`. Takes a dict: `image` (the values'
image map), `global` (.Values.global) and `tag` (used when image.tag is "").
*/}}
{{- define "minio.imageRef" -}}
{{- $registry := .image.registry | default .global.imageRegistry -}}
{{- $tag := .image.tag | default .tag -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .image.repository }}{{ if $tag }}:{{ $tag }}{{ end }}{{ if .image.digest }}@{{ .image.digest }}{{ end }}
{{- end }}

{{- define "minio.image" -}}
{{- include "minio.imageRef" (dict "image" .Values.minio.image "global" .Values.global "tag" .Chart.AppVersion) -}}
{{- end }}

{{/*
The MinIO client for the bucket job and the helm test. Its image is not in the values schema
(one client, used only by hooks): the tag is pinned here, the registry follows global.imageRegistry
and a per-image registry of the server image is not applied to it.
*/}}
{{- define "minio.mcImage" -}}
{{- include "minio.imageRef" (dict "image" (dict "registry" "" "repository" "minio/mc" "tag" "RELEASE.2025-08-13T08-35-41Z" "digest" "") "global" .Values.global "tag" "") -}}
{{- end }}

{{- define "minio.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* StorageClass of the data volume: its own, else the global one, else the cluster default. */}}
{{- define "minio.storageClass" -}}
{{- .Values.minio.persistence.storageClass | default .Values.global.storageClass | default "" -}}
{{- end }}

{{/* The pod-level security context: MinIO's image runs any UID; 1000 owns the data volume. */}}
{{- define "minio.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "minio.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
{{- end }}

{{/*
`mc` reads its alias from MC_HOST_<alias>; the credentials come from the Secret through env
expansion, so they appear in no manifest. Writes its config under /tmp (read-only root).
*/}}
{{- define "minio.mcEnv" -}}
- name: MINIO_ROOT_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "minio.secretName" . }}
      key: root-user
- name: MINIO_ROOT_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "minio.secretName" . }}
      key: root-password
- name: MC_CONFIG_DIR
  value: /tmp/.mc
- name: MC_HOST_lakehouse
  value: "http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@{{ include "minio.name" . }}:{{ .Values.minio.ports.api }}"
{{- end }}
