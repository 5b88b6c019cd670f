{{/* The chart's name, overridable. */}}
{{- define "bp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart> (or fullnameOverride); the prefix of every object's name. */}}
{{- define "bp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A service's object name: (dict "root" $ "service" "booking-svc"). */}}
{{- define "bp.serviceName" -}}
{{- printf "%s-%s" (include "bp.fullname" .root) .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the release's pods (every service). */}}
{{- define "bp.releaseSelector" -}}
app.kubernetes.io/name: {{ include "bp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels that select one service's pods: (dict "root" $ "service" name). */}}
{{- define "bp.selector" -}}
{{ include "bp.releaseSelector" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{/* Every object's labels: (dict "root" $ "service" name), service may be empty. */}}
{{- define "bp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "bp.releaseSelector" .root }}
{{- if .service }}
app.kubernetes.io/component: {{ .service }}
{{- end }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: booking-platform
{{- end -}}

{{/* A service's image: (dict "root" $ "service" name). */}}
{{- define "bp.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .service (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{- define "bp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "bp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret the services read: existingSecret, or the chart's own. */}}
{{- define "bp.secretName" -}}
{{- default (printf "%s-secrets" (include "bp.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* The short database name of a service: booking-svc → booking. */}}
{{- define "bp.database" -}}
{{- trimSuffix "-svc" . -}}
{{- end -}}

{{/*
A service's non-secret environment, as a dict: the shared config, what the chart derives (port,
Kafka, database, the URLs of the services it calls), then the service's own config. Empty values are
dropped so the service's default applies. (dict "root" $ "service" name)
*/}}
{{- define "bp.environment" -}}
{{- $root := .root -}}
{{- $svc := index $root.Values.services .service -}}
{{- $env := dict -}}
{{- range $key, $value := $root.Values.config }}{{ $_ := set $env $key (toString $value) }}{{ end -}}
{{- $_ := set $env "PORT" (toString $svc.port) -}}
{{- $_ := set $env "KAFKA_BROKERS" $root.Values.kafka.brokers -}}
{{- if and (not $root.Values.secrets.existingSecret) $root.Values.secrets.allowDevelopmentValues }}{{ $_ := set $env "ALLOW_DEVELOPMENT_SECRETS" "true" }}{{ end -}}
{{- if has "MONGO_URL" $svc.secretEnv }}{{ $_ := set $env "MONGO_DB" (include "bp.database" .service) }}{{ end -}}
{{- range $name := $svc.calls }}
{{- $other := index $root.Values.services $name }}
{{- if $other.enabled }}
{{- $_ := set $env (printf "%s_URL" ($name | upper | replace "-" "_")) (printf "http://%s:%v" (include "bp.serviceName" (dict "root" $root "service" $name)) $other.port) -}}
{{- end }}
{{- end -}}
{{- range $key, $value := $svc.config }}{{ $_ := set $env $key (toString $value) }}{{ end -}}
{{- range $key, $value := $env }}{{ if eq $value "" }}{{ $_ := unset $env $key }}{{ end }}{{ end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
The env entries of a service's secrets: (dict "root" $ "service" name ["secret" name]), from the
release's Secret unless another is named. Required keys fail the render when the chart makes the
Secret and lacks them.
*/}}
{{- define "bp.secretEnv" -}}
{{- $root := .root -}}
{{- $svc := index $root.Values.services .service -}}
{{- $secret := default (include "bp.secretName" $root) .secret -}}
{{- range $svc.secretEnv }}
{{- if and (not $root.Values.secrets.existingSecret) (not (index $root.Values.secrets.values .)) }}
{{- fail (printf "secrets.values.%s is required by %s (or set secrets.existingSecret)" . $.service) }}
{{- end }}
- name: {{ . }}
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ . }} }
{{- end }}
{{- range $svc.optionalSecretEnv }}
- name: {{ . }}
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ . }}, optional: true }
{{- end }}
{{- end -}}

{{/* The fixed container security context. */}}
{{- define "bp.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The fixed pod security context. */}}
{{- define "bp.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* One egress rule to networkPolicy.egress.<name>: (dict "np" ... "name" ... "service" ...). */}}
{{- define "bp.egressRule" -}}
{{- $target := index .np.egress .name -}}
{{- if not $target }}{{ fail (printf "services.%s.egress names %q, which networkPolicy.egress does not define" .service .name) }}{{ end }}
    # {{ .name }}
    - to:
        {{- range $target.cidrs }}
        - ipBlock:
            cidr: {{ . }}
            {{- with $target.except }}
            except: {{ toJson . }}
            {{- end }}
        {{- end }}
      ports:
        {{- range $target.ports }}
        - { port: {{ . }}, protocol: TCP }
        {{- end }}
{{- end -}}
