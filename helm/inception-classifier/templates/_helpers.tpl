{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "inception-classifier.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release-chart, or the release name when it already contains the chart name. */}}
{{- define "inception-classifier.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "inception-classifier.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "inception-classifier.labels" -}}
helm.sh/chart: {{ include "inception-classifier.chart" . }}
{{ include "inception-classifier.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "inception-classifier.selectorLabels" -}}
app.kubernetes.io/name: {{ include "inception-classifier.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "inception-classifier.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "inception-classifier.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The CPU image, or the CUDA image when gpu.enabled. */}}
{{- define "inception-classifier.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.gpu.enabled }}
{{- $tag = default (printf "%s-gpu" .Chart.AppVersion) .Values.gpu.imageTag }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/* The pod's grace period: every step of the shutdown (values.shutdown), one after the other. */}}
{{- define "inception-classifier.terminationGracePeriodSeconds" -}}
{{- $s := .Values.shutdown }}
{{- add $s.preStopSleepSeconds $s.gracefulSeconds $s.drainSeconds $s.workerStopSeconds $s.marginSeconds }}
{{- end }}

{{/* The classifier.* tree the service runs with; fallback-to-random is always off (fail closed). The shutdown
timeouts come from values.shutdown, the same figures the grace period adds up. */}}
{{- define "inception-classifier.applicationYaml" -}}
{{- $classifier := deepCopy .Values.classifier }}
{{- $_ := set $classifier "fallbackToRandom" false }}
{{- $_ := set $classifier "modelCache" (printf "%s/models" .Values.cache.mountPath) }}
{{- $inference := default (dict) $classifier.inference }}
{{- $_ := set $inference "drainTimeout" (printf "%ds" (int .Values.shutdown.drainSeconds)) }}
{{- $_ := set $inference "workerStopTimeout" (printf "%ds" (int .Values.shutdown.workerStopSeconds)) }}
{{- $_ := set $classifier "inference" $inference }}
spring:
  lifecycle:
    timeout-per-shutdown-phase: {{ printf "%ds" (int .Values.shutdown.gracefulSeconds) }}
classifier:
{{ toYaml $classifier | indent 2 }}
{{- end }}

{{/* PromQL selector of this release's pods, as labelled by the ServiceMonitor. */}}
{{- define "inception-classifier.promSelector" -}}
{{- printf "namespace=\"%s\", pod=~\"%s-.*\"" .Release.Namespace (include "inception-classifier.fullname" .) }}
{{- end }}
