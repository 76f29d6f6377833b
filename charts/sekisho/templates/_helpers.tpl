{{- define "sekisho.name" -}}sekisho-operator{{- end -}}
{{- define "sekisho.labels" -}}
app.kubernetes.io/name: sekisho-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: sekisho
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
{{- define "sekisho.selector" -}}
app.kubernetes.io/name: sekisho-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- define "sekisho.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- define "sekisho.tlsSecret" -}}
{{ .Values.scanApi.tlsSecretName | default "sekisho-scan-api-tls" }}
{{- end -}}
