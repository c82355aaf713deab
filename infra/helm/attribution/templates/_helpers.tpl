{{/* Names: <release>-attribution, or the release name alone when it already says attribution. */}}
{{- define "attribution.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The Kubernetes recommended labels; "component" is the app. Call with (dict "root" $ "component" "ingest-api"). */}}
{{- define "attribution.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "attribution.selectorLabels" . }}
{{- end -}}

{{- define "attribution.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An app's image reference. Call with (dict "root" $ "app" .Values.ingestApi). */}}
{{- define "attribution.image" -}}
{{- printf "%s:%s" .app.image.repository (.app.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL and CREDENTIALS_KEY. */}}
{{- define "attribution.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "attribution.fullname" .) -}}
{{- end -}}

{{/* An env entry read from the Secret. Call with (dict "root" $ "key" "DATABASE_URL"). */}}
{{- define "attribution.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "attribution.secretName" .root }}
      key: {{ .key }}
{{- end -}}

{{/*
The dispatcher's consumer group, as the dispatcher computes it (apps/dispatcher/src/env.ts):
DISPATCHER_GROUP_ID, else <KAFKA_TOPIC_PREFIX>dispatcher. Its retry consumer is <group>-retry.
*/}}
{{- define "attribution.dispatcherGroup" -}}
{{- .Values.dispatcher.config.DISPATCHER_GROUP_ID | default (printf "%sdispatcher" (.Values.kafkaConfig.KAFKA_TOPIC_PREFIX | default "")) -}}
{{- end -}}

{{/* Pod-level settings every workload shares. Call with (dict "root" $ "app" .Values.ingestApi). */}}
{{- define "attribution.podSpec" -}}
automountServiceAccountToken: false
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .app.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .app.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .app.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  # The only writable path: the root filesystem is read-only.
  - name: tmp
    emptyDir:
      sizeLimit: 64Mi
{{- end -}}

{{/* Container-level settings every workload shares (security, /tmp, resources). */}}
{{- define "attribution.containerCommon" -}}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
securityContext:
  {{- toYaml .root.Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
resources:
  {{- toYaml .app.resources | nindent 2 }}
{{- end -}}

{{/* Prometheus' pod annotations for an ops port. */}}
{{- define "attribution.scrapeAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ . | quote }}
prometheus.io/path: /metrics
{{- end -}}
