{{/*
Object names are fixed by the runbook and by the charts that connect here (Service
`iceberg-catalog`, Deployment `iceberg-catalog`, StatefulSet and Service `postgresql`, Secrets
`iceberg-catalog-auth` and `postgresql-credentials`), so they do not follow the release name.
Names and label values are truncated to 63 characters, the limit of a DNS label and of a label
value.
*/}}
{{- define "iceberg-catalog.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "iceberg-catalog.postgresqlName" -}}
postgresql
{{- end }}

{{/* Bearer token (key `token`) and the server's --auth-tokens file (key `auth-tokens.yaml`). */}}
{{- define "iceberg-catalog.authSecretName" -}}
iceberg-catalog-auth
{{- end }}

{{/* Keys postgres-password, catalog-password, airflow-password. */}}
{{- define "iceberg-catalog.postgresqlSecretName" -}}
postgresql-credentials
{{- end }}

{{- define "iceberg-catalog.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "iceberg-catalog.instance" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/* Labels every object of the release carries, except `app` and the name/version pair. */}}
{{- define "iceberg-catalog.commonLabels" -}}
app.kubernetes.io/instance: {{ include "iceberg-catalog.instance" . }}
app.kubernetes.io/part-of: lakehouse
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "iceberg-catalog.chart" . }}
{{- end }}

{{/* `app: iceberg-catalog` is what the runbook selects on. */}}
{{- define "iceberg-catalog.labels" -}}
app: iceberg-catalog
app.kubernetes.io/name: {{ include "iceberg-catalog.name" . }}
app.kubernetes.io/version: {{ .Values.icebergCatalog.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: catalog
{{ include "iceberg-catalog.commonLabels" . }}
{{- end }}

{{- define "iceberg-catalog.selectorLabels" -}}
app: iceberg-catalog
app.kubernetes.io/instance: {{ include "iceberg-catalog.instance" . }}
app.kubernetes.io/component: catalog
{{- end }}

{{- define "iceberg-catalog.postgresqlLabels" -}}
app: postgresql
app.kubernetes.io/name: postgresql
app.kubernetes.io/version: {{ .Values.postgresql.image.tag | default "15" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: database
{{ include "iceberg-catalog.commonLabels" . }}
{{- end }}

{{- define "iceberg-catalog.postgresqlSelectorLabels" -}}
app: postgresql
app.kubernetes.io/instance: {{ include "iceberg-catalog.instance" . }}
app.kubernetes.io/component: database
{{- end }}

{{/*
An image reference `[registry/]repository[:tag][@digest]`. Takes a dict: `image` (the values'
image map), `global` (.Values.global) and `tag` (used when image.tag is "").
*/}}
{{- define "iceberg-catalog.imageRef" -}}
{{- $registry := .image.registry | default .global.imageRegistry -}}
{{- $tag := .image.tag | default .tag -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .image.repository }}{{ if $tag }}:{{ $tag }}{{ end }}{{ if .image.digest }}@{{ .image.digest }}{{ end }}
{{- end }}

{{- define "iceberg-catalog.image" -}}
{{- include "iceberg-catalog.imageRef" (dict "image" .Values.icebergCatalog.image "global" .Values.global "tag" .Chart.AppVersion) -}}
{{- end }}

{{- define "iceberg-catalog.postgresqlImage" -}}
{{- include "iceberg-catalog.imageRef" (dict "image" .Values.postgresql.image "global" .Values.global "tag" "15") -}}
{{- end }}

{{- define "iceberg-catalog.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* True ("true") when the catalog's database is SQLite, which lives on the catalog's volume. */}}
{{- define "iceberg-catalog.sqlite" -}}
{{- if hasPrefix "sqlite" .Values.icebergCatalog.database }}true{{ end -}}
{{- end }}

{{/* Where the catalog's volume is mounted. */}}
{{- define "iceberg-catalog.dataDir" -}}
/var/lib/iceberg-catalog
{{- end }}

{{/*
The --db argument. `sqlite` is a file on the catalog's volume; `sqlite:<path>` must name a file
on that volume too, or the catalog would lose it with the pod. A postgres URL is passed as is:
its password comes from PGPASSWORD, which node-postgres reads when the URL has none.
*/}}
{{- define "iceberg-catalog.db" -}}
{{- $db := .Values.icebergCatalog.database -}}
{{- $dir := include "iceberg-catalog.dataDir" . -}}
{{- if eq $db "sqlite" -}}
sqlite:{{ $dir }}/catalog.db
{{- else if hasPrefix "sqlite:" $db -}}
{{- if not (hasPrefix (printf "sqlite:%s/" $dir) $db) -}}
{{- fail (printf "icebergCatalog.database: %q is not on the catalog's volume; in Kubernetes use \"sqlite\" or a path under %s/" $db $dir) -}}
{{- end -}}
{{- $db -}}
{{- else -}}
{{- $db -}}
{{- end -}}
{{- end }}

{{/* Refuses settings that cannot work, before anything is applied. */}}
{{- define "iceberg-catalog.validate" -}}
{{- if and (include "iceberg-catalog.sqlite" .) (gt (int .Values.icebergCatalog.replicas) 1) -}}
{{- fail (printf "icebergCatalog.replicas is %d but icebergCatalog.database is %q: SQLite lives on one pod's volume, so the catalog can only run 1 replica on it. Set icebergCatalog.replicas: 1, or icebergCatalog.database to a postgres://user@host:port/db URL (the platform's own: postgres://catalog@postgresql:5432/catalog)" (int .Values.icebergCatalog.replicas) .Values.icebergCatalog.database) -}}
{{- end -}}
{{- end }}

{{/* MinIO's S3 endpoint inside the namespace (the minio chart's Service and port). */}}
{{- define "iceberg-catalog.s3Endpoint" -}}
{{- $minio := .Values.minio | default dict -}}
{{- $ports := $minio.ports | default dict -}}
http://minio:{{ $ports.api | default 9000 }}
{{- end }}

{{- define "iceberg-catalog.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "iceberg-catalog.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
{{- end }}

{{/*
GET /v1/config with the bearer token from the mounted Secret: /v1/config sits behind
authentication, and an httpGet probe could only carry the token written into the manifest.
Used by the readiness probe and the helm test. Takes a dict: `url`, `tokenFile`.
*/}}
{{- define "iceberg-catalog.configCheck" -}}
const token = require('node:fs').readFileSync('{{ .tokenFile }}', 'utf8').trim();
fetch('{{ .url }}/v1/config', { headers: { authorization: 'Bearer ' + token }, signal: AbortSignal.timeout(4000) })
  .then(async (r) => { const body = await r.json(); if (r.status !== 200 || typeof body.defaults !== 'object' || typeof body.overrides !== 'object') { console.error('GET /v1/config: ' + r.status + ' ' + JSON.stringify(body)); process.exit(1); } console.log('GET /v1/config: 200 ' + JSON.stringify(body)); })
  .catch((e) => { console.error('GET /v1/config: ' + e.message); process.exit(1); });
{{- end }}
