#!/usr/bin/env bash
# Installs everything slow the test suite needs, before the first test starts: `npm test` runs
# this first, .ci/run through it. On a fresh machine the Go builds take minutes of both cores;
# run beside timing-sensitive tests they once made a Kafka-outage test miss its window, so they
# happen here instead, never while tests run. Idempotent: on a warm machine every step returns at
# once (each tool script checks its own cache).
#
# The network-bound steps (apt for Chromium, Maven for the Kafka jars) run beside the Go builds;
# the Go builds run one after another, because they share one build cache and both cores.
# (Downloading the next tool's modules while one compiles was tried on a brand-new machine and
# gained nothing: `go get` loads packages too, and took CPU from the build beside it.)
#
# Environment: SETUP_TEST_TOOLS_GO="promtool jaeger helm" overrides the Go tools to build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/setup-test-tools.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

go_tools="${SETUP_TEST_TOOLS_GO:-$(bash "$ROOT/infra/tools/go-tool.sh" --list | awk '{ print $1 }' | xargs)}"

# step <name> <command...>: runs in the background, logs to $LOGS/<name>, records its seconds.
pids=()
names=()
step() {
  local name="$1"
  shift
  (
    started=$SECONDS
    "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.log"
    echo $((SECONDS - started)) >"$LOGS/$name.seconds"
  ) &
  pids+=($!)
  names+=("$name")
}

# Its own variables: step() times the whole function with a `started` of its own.
go_builds() {
  local tool started
  for tool in $go_tools; do
    started=$SECONDS
    bash "$ROOT/infra/tools/go-tool.sh" "$tool"
    echo "$tool $((SECONDS - started))s" >&2
  done
}

started=$SECONDS
step chromium bash "$ROOT/infra/tools/chromium.sh"
step kafka-jars bash "$ROOT/infra/kafka/kafka.sh" fetch
step go-tools go_builds

failed=0
for i in "${!pids[@]}"; do
  name="${names[$i]}"
  if wait "${pids[$i]}"; then
    detail=""
    [[ $name == go-tools ]] && detail=" ($(grep -E '^[a-z]+ [0-9]+s$' "$LOGS/$name.log" | xargs))"
    echo "setup-test-tools: $name ready in $(cat "$LOGS/$name.seconds")s$detail"
  else
    failed=1
    echo "setup-test-tools: $name FAILED; last lines of its output:" >&2
    tail -n 40 "$LOGS/$name.log" >&2
  fi
done
echo "setup-test-tools: done in $((SECONDS - started))s"
exit $failed
