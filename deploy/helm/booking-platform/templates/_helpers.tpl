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
dropped so the service's default applies. (dict "root" $ "service" name ["migration" true]): a
migration job gets no Kafka TLS/SASL settings, as it does not talk to Kafka.
*/}}
{{- define "bp.environment" -}}
{{- $root := .root -}}
{{- $svc := index $root.Values.services .service -}}
{{- $env := dict -}}
{{- range $key, $value := $root.Values.config }}{{ $_ := set $env $key (toString $value) }}{{ end -}}
{{- $_ := set $env "PORT" (toString $svc.port) -}}
{{- if not .migration }}{{ $_ := set $env "METRICS_PORT" (toString $root.Values.metrics.port) }}{{ end -}}
{{- $_ := set $env "KAFKA_BROKERS" $root.Values.kafka.brokers -}}
{{- if not .migration }}{{ range $key, $value := include "bp.kafkaEnvironment" $root | fromYaml }}{{ $_ := set $env $key $value }}{{ end }}{{ end -}}
{{- if and (not $root.Values.secrets.existingSecret) $root.Values.secrets.allowDevelopmentValues }}{{ $_ := set $env "ALLOW_DEVELOPMENT_SECRETS" "true" }}{{ end -}}
{{- if has "MONGO_URL" $svc.secretEnv }}{{ $_ := set $env "MONGO_DB" (include "bp.database" .service) }}{{ end -}}
{{- range $name := $svc.calls }}
{{- $other := index $root.Values.services $name }}
{{- if $other.enabled }}
{{- $_ := set $env (printf "%s_URL" ($name | upper | replace "-" "_")) (printf "http://%s:%v" (include "bp.serviceName" (dict "root" $root "service" $name)) $other.port) -}}
{{- end }}
{{- end -}}
{{- if not .migration }}{{ with include "bp.callerKeys" (dict "root" $root "service" .service) }}{{ $_ := set $env "INTERNAL_CALLER_KEYS" . }}{{ end }}{{ end -}}
{{- range $key, $value := $svc.config }}{{ $_ := set $env $key (toString $value) }}{{ end -}}
{{- range $key, $value := $env }}{{ if eq $value "" }}{{ $_ := unset $env $key }}{{ end }}{{ end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
Whether the services use their development internal keys: the chart's own Secret on a local cluster
(secrets.allowDevelopmentValues), where each service derives its key from its name.
*/}}
{{- define "bp.developmentInternalKeys" -}}
{{- if and (not .Values.secrets.existingSecret) .Values.secrets.allowDevelopmentValues }}true{{ end -}}
{{- end -}}

{{/*
INTERNAL_CALLER_KEYS of a service: `caller=<public key>` for every enabled service whose `calls` list
it (internalAuth.publicKeys; required outside development). Empty for a service nobody calls.
*/}}
{{- define "bp.callerKeys" -}}
{{- $root := .root -}}
{{- $keys := list -}}
{{- range $caller, $other := $root.Values.services }}
{{- if and $other.enabled (has $.service $other.calls) }}
{{- $key := index ($root.Values.internalAuth.publicKeys | default dict) $caller }}
{{- if $key }}{{ $keys = append $keys (printf "%s=%s" $caller $key) }}
{{- else if not (include "bp.developmentInternalKeys" $root) }}{{ fail (printf "internalAuth.publicKeys.%s is required: the public key %s signs its calls to %s with (docs/security.md)" $caller $caller $.service) }}
{{- end }}
{{- end }}
{{- end -}}
{{- join "," $keys -}}
{{- end -}}

{{/*
INTERNAL_SIGNING_KEY of a service that calls others, from the services' Secret (key
INTERNAL_SIGNING_KEY_<SERVICE>); none on a local cluster with development keys.
*/}}
{{- define "bp.signingKeyEnv" -}}
{{- $svc := index .root.Values.services .service -}}
{{- if and $svc.calls (not (include "bp.developmentInternalKeys" .root)) }}
- name: INTERNAL_SIGNING_KEY
  valueFrom:
    secretKeyRef: { name: {{ include "bp.secretName" .root }}, key: {{ printf "INTERNAL_SIGNING_KEY_%s" (.service | upper | replace "-" "_") }} }
{{- end }}
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

{{/* Where the Kafka TLS files are mounted in a service's container (read-only). */}}
{{- define "bp.kafkaTlsDir" -}}
/etc/booking-platform/kafka
{{- end -}}

{{/*
The services' Kafka TLS and SASL settings (kafka.tls, kafka.sasl) as a dict, once the values are
checked to hold together: a SASL mechanism and the Secret with its credentials come together, CA and
client certificates only with TLS on, and no config map sets these variables itself (the migration
jobs, which share those maps, would then get half of them; the password belongs in a Secret). The
username and password are not here: bp.kafkaSecretEnv reads them from the Secret.
*/}}
{{- define "bp.kafkaEnvironment" -}}
{{- $kafka := .Values.kafka -}}
{{- $maps := dict "config" .Values.config -}}
{{- range $name, $svc := .Values.services }}{{ $_ := set $maps (printf "services.%s.config" $name) $svc.config }}{{ end -}}
{{- range $where, $map := $maps }}{{ range $key, $_ := $map }}
{{- if regexMatch "^KAFKA_(SSL|SASL)" $key }}{{ fail (printf "%s.%s: set Kafka TLS and SASL with kafka.tls and kafka.sasl (the SASL credentials only from a Secret)" $where $key) }}{{ end }}
{{- end }}{{ end -}}
{{- if and $kafka.sasl.mechanism (not $kafka.sasl.existingSecret) }}{{ fail "kafka.sasl.existingSecret is required with kafka.sasl.mechanism: the Secret holding the SASL username and password (keys kafka.sasl.usernameKey and kafka.sasl.passwordKey)" }}{{ end -}}
{{- if and $kafka.sasl.existingSecret (not $kafka.sasl.mechanism) }}{{ fail "kafka.sasl.mechanism is required with kafka.sasl.existingSecret: plain, scram-sha-256 or scram-sha-512" }}{{ end -}}
{{- if and (not $kafka.tls.enabled) (or $kafka.tls.caSecret.name $kafka.tls.clientSecret.name) }}{{ fail "kafka.tls.caSecret and kafka.tls.clientSecret are used only with kafka.tls.enabled=true" }}{{ end -}}
{{- $env := dict -}}
{{- if $kafka.tls.enabled -}}
{{- $_ := set $env "KAFKA_SSL" "true" -}}
{{- if $kafka.tls.caSecret.name }}{{ $_ := set $env "KAFKA_SSL_CA_FILE" (printf "%s/ca/ca.crt" (include "bp.kafkaTlsDir" .)) }}{{ end -}}
{{- if $kafka.tls.clientSecret.name -}}
{{- $_ := set $env "KAFKA_SSL_CERT_FILE" (printf "%s/client/tls.crt" (include "bp.kafkaTlsDir" .)) -}}
{{- $_ := set $env "KAFKA_SSL_KEY_FILE" (printf "%s/client/tls.key" (include "bp.kafkaTlsDir" .)) -}}
{{- end -}}
{{- end -}}
{{- with $kafka.sasl.mechanism }}{{ $_ := set $env "KAFKA_SASL_MECHANISM" . }}{{ end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
The SASL username and password of a service's Kafka client, by secretKeyRef only (none without SASL).
"{service}" in kafka.sasl.existingSecret names the service: each then has its own principal and ACLs.
*/}}
{{- define "bp.kafkaSecretEnv" -}}
{{- with .root.Values.kafka.sasl }}
{{- if .mechanism }}
{{- $secret := .existingSecret | replace "{service}" $.service }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ .usernameKey | quote }} }
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ .passwordKey | quote }} }
{{- end }}
{{- end }}
{{- end -}}

{{/*
The Secret volumes of the Kafka TLS files (none without them), each key mapped to the fixed file
name bp.kafkaEnvironment points at; 288 is mode 0440, readable by the pod's group (fsGroup) only.
*/}}
{{- define "bp.kafkaVolumes" -}}
{{- $tls := .Values.kafka.tls -}}
{{- if and $tls.enabled $tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ $tls.caSecret.name }}
    items: [{ key: {{ $tls.caSecret.key | quote }}, path: ca.crt }]
    defaultMode: 288
{{- end }}
{{- if and $tls.enabled $tls.clientSecret.name }}
- name: kafka-client
  secret:
    secretName: {{ $tls.clientSecret.name }}
    items: [{ key: {{ $tls.clientSecret.certKey | quote }}, path: tls.crt }, { key: {{ $tls.clientSecret.keyKey | quote }}, path: tls.key }]
    defaultMode: 288
{{- end }}
{{- end -}}

{{/* Where a service's container mounts the Kafka TLS volumes, read-only. */}}
{{- define "bp.kafkaVolumeMounts" -}}
{{- $tls := .Values.kafka.tls -}}
{{- if and $tls.enabled $tls.caSecret.name }}
- { name: kafka-ca, mountPath: {{ include "bp.kafkaTlsDir" . }}/ca, readOnly: true }
{{- end }}
{{- if and $tls.enabled $tls.clientSecret.name }}
- { name: kafka-client, mountPath: {{ include "bp.kafkaTlsDir" . }}/client, readOnly: true }
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
