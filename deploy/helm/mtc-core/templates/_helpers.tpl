{{- define "mtc.name" -}}{{ .Release.Name }}-mtc{{- end -}}
{{- define "mtc.namespace" -}}{{ .Values.namespace | default .Release.Namespace }}{{- end -}}
{{- define "mtc.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end -}}
{{- define "mtc.labels" -}}
app.kubernetes.io/name: mtc-core
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "mtc.secretName" -}}{{ .Values.database.existingSecret | default (printf "%s-database" (include "mtc.name" .)) }}{{- end -}}
{{/* The environment every workload shares: the settings and the database URL. */}}
{{- define "mtc.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "mtc.name" . }}-settings
env:
  - name: DATABASE_URL
    valueFrom:
      secretKeyRef:
        name: {{ include "mtc.secretName" . }}
        key: DATABASE_URL
{{- end -}}
{{/* Prometheus's pod-discovery annotations for a workload's /metrics on the given port (metrics.scrapeAnnotations). */}}
{{- define "mtc.scrapeAnnotations" -}}
{{- if .root.Values.metrics.scrapeAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end -}}
{{- end -}}
