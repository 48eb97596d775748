{{/* The chart name, or nameOverride. */}}
{{- define "incidentbridge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of every resource: fullnameOverride, else "<release>-<chart>", unless the release name already holds the chart name. */}}
{{- define "incidentbridge.fullname" -}}
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

{{- define "incidentbridge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels that select the pods: never change them, a Deployment's selector is immutable. */}}
{{- define "incidentbridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "incidentbridge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "incidentbridge.labels" -}}
helm.sh/chart: {{ include "incidentbridge.chart" . }}
{{ include "incidentbridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "incidentbridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "incidentbridge.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "incidentbridge.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* "sqlite" or "postgres", from config.IncidentBridge.Storage.Provider (the worker's default is Sqlite). */}}
{{- define "incidentbridge.storageProvider" -}}
{{- dig "IncidentBridge" "Storage" "Provider" "Sqlite" .Values.config | toString | lower }}
{{- end }}

{{/* "true" when /app/data is a PersistentVolumeClaim: SQLite with persistence enabled. */}}
{{- define "incidentbridge.usesClaim" -}}
{{- if and .Values.persistence.enabled (eq (include "incidentbridge.storageProvider" .) "sqlite") }}true{{ end }}
{{- end }}

{{- define "incidentbridge.claimName" -}}
{{- default (printf "%s-data" (include "incidentbridge.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* The Secret loaded with envFrom: the existing one, the created one, or none. */}}
{{- define "incidentbridge.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else if .Values.secrets.create }}
{{- include "incidentbridge.fullname" . }}
{{- end }}
{{- end }}

{{/* The created Secret's entries: environment variable name -> value. */}}
{{- define "incidentbridge.secretEnv" -}}
{{- $s := .Values.secrets }}
{{- $env := dict }}
{{- range $i, $v := $s.alertmanagerBearerTokens }}
{{- $_ := set $env (printf "IncidentBridge__Sources__Alertmanager__BearerTokens__%d" $i) $v }}
{{- end }}
{{- range $i, $v := $s.grafanaBearerTokens }}
{{- $_ := set $env (printf "IncidentBridge__Sources__Grafana__BearerTokens__%d" $i) $v }}
{{- end }}
{{- range $i, $v := $s.pagerDutySigningSecrets }}
{{- $_ := set $env (printf "IncidentBridge__Sources__PagerDuty__SigningSecrets__%d" $i) $v }}
{{- end }}
{{- range $i, $v := $s.jiraWebhookSecrets }}
{{- $_ := set $env (printf "IncidentBridge__Sources__Jira__WebhookSecrets__%d" $i) $v }}
{{- end }}
{{- range $i, $v := $s.gitHubWebhookSecrets }}
{{- $_ := set $env (printf "IncidentBridge__Sources__GitHub__WebhookSecrets__%d" $i) $v }}
{{- end }}
{{- range $i, $v := $s.apiTokens }}
{{- $_ := set $env (printf "IncidentBridge__Api__Tokens__%d" $i) $v }}
{{- end }}
{{- with $s.jira.email }}{{ $_ := set $env "IncidentBridge__Trackers__Jira__Email" . }}{{ end }}
{{- with $s.jira.apiToken }}{{ $_ := set $env "IncidentBridge__Trackers__Jira__ApiToken" . }}{{ end }}
{{- with $s.jira.bearerToken }}{{ $_ := set $env "IncidentBridge__Trackers__Jira__BearerToken" . }}{{ end }}
{{- with $s.github.token }}{{ $_ := set $env "IncidentBridge__Trackers__GitHub__Token" . }}{{ end }}
{{- with $s.smtp.username }}{{ $_ := set $env "IncidentBridge__Email__Smtp__Username" . }}{{ end }}
{{- with $s.smtp.password }}{{ $_ := set $env "IncidentBridge__Email__Smtp__Password" . }}{{ end }}
{{- with $s.postgres.connectionString }}{{ $_ := set $env "IncidentBridge__Storage__ConnectionString" . }}{{ end }}
{{- range $k, $v := $s.extra }}
{{- $_ := set $env $k $v }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/* Stops the render on a setting that would deploy a broken or unsafe worker. */}}
{{- define "incidentbridge.validate" -}}
{{- $provider := include "incidentbridge.storageProvider" . }}
{{- if not (has $provider (list "sqlite" "postgres")) }}
{{- fail (printf "config.IncidentBridge.Storage.Provider must be Sqlite or Postgres (was %s)." $provider) }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (ne $provider "postgres") }}
{{- fail (printf "replicaCount %d needs PostgreSQL: a SQLite file belongs to one pod. Set config.IncidentBridge.Storage.Provider=Postgres and the connection string (secrets.postgres.connectionString or IncidentBridge__Storage__ConnectionString in secrets.existingSecret), or replicaCount=1." (int .Values.replicaCount)) }}
{{- end }}
{{- if and .Values.secrets.create .Values.secrets.existingSecret }}
{{- fail "secrets.create and secrets.existingSecret are both set: use one." }}
{{- end }}
{{- if and (eq $provider "postgres") (not .Values.secrets.existingSecret) (not .Values.secrets.postgres.connectionString) (not (dig "IncidentBridge" "Storage" "ConnectionString" "" .Values.config)) }}
{{- fail "config.IncidentBridge.Storage.Provider is Postgres but no connection string is given: set secrets.existingSecret (key IncidentBridge__Storage__ConnectionString) or secrets.create with secrets.postgres.connectionString." }}
{{- end }}
{{- $needed := add (int .Values.shutdownTimeoutSeconds) (int .Values.lifecycle.preStopSleepSeconds) }}
{{- if le (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be longer than lifecycle.preStopSleepSeconds + shutdownTimeoutSeconds (%d), or Kubernetes kills the worker before its graceful shutdown ends." (int .Values.terminationGracePeriodSeconds) (int $needed)) }}
{{- end }}
{{- end }}
