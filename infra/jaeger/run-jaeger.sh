#!/usr/bin/env bash
# Runs Jaeger v2 all-in-one (OTLP in, in-memory storage, query API + UI) on 127.0.0.1, from the
# binary infra/tools/go-tool.sh builds from the Go module proxy (no image, no vendor download).
# For development and tests; the compose stack uses the jaegertracing/jaeger image instead.
#
#   run-jaeger.sh [--otlp-http-port P] [--otlp-grpc-port P] [--query-port P] [--query-grpc-port P]
#
# Defaults: OTLP HTTP 4318, OTLP gRPC 4317, query HTTP (API + UI) 16686, query gRPC 16685.
# Runs in the foreground (exec: the process is Jaeger itself) and stops on SIGTERM/SIGINT.
# Environment: JAEGER_HOST (default 127.0.0.1), JAEGER_LOG_LEVEL (info), JAEGER_MAX_TRACES (100000).
# The first run builds Jaeger (minutes); later runs start at once.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

export JAEGER_HOST="${JAEGER_HOST:-127.0.0.1}"
export JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
export JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
export JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
export JAEGER_LOG_LEVEL="${JAEGER_LOG_LEVEL:-info}"
export JAEGER_MAX_TRACES="${JAEGER_MAX_TRACES:-100000}"

usage() {
  echo "usage: $0 [--otlp-http-port P] [--otlp-grpc-port P] [--query-port P] [--query-grpc-port P]" >&2
  exit 2
}

port_arg() {
  [[ ${2:-} =~ ^[0-9]+$ ]] || { echo "run-jaeger.sh: $1 needs a port number" >&2; usage; }
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --otlp-http-port) port_arg "$1" "${2:-}"; JAEGER_OTLP_HTTP_PORT="$2"; shift 2 ;;
    --otlp-grpc-port) port_arg "$1" "${2:-}"; JAEGER_OTLP_GRPC_PORT="$2"; shift 2 ;;
    --query-port) port_arg "$1" "${2:-}"; JAEGER_QUERY_PORT="$2"; shift 2 ;;
    --query-grpc-port) port_arg "$1" "${2:-}"; JAEGER_QUERY_GRPC_PORT="$2"; shift 2 ;;
    *) usage ;;
  esac
done

bin="$("$HERE/../tools/go-tool.sh" jaeger)"
echo "run-jaeger.sh: OTLP http://$JAEGER_HOST:$JAEGER_OTLP_HTTP_PORT grpc $JAEGER_HOST:$JAEGER_OTLP_GRPC_PORT, query/UI http://$JAEGER_HOST:$JAEGER_QUERY_PORT" >&2
exec "$bin" --config "$HERE/jaeger-local.yaml"
