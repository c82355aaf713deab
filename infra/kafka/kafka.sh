#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) for development
# and tests. Kafka's binary tarball and Docker images are not reachable from our machines, so the
# broker runs from its jars on Maven Central, and the main classes are called directly because
# those jars carry no bin/ scripts. See docs/kafka.md.
#
#   kafka.sh fetch
#   kafka.sh start [--port P] [--controller-port C] [--data-dir D]
#
# Defaults: port 9092, controller port P+1, data dir infra/kafka/.data/P (kept between runs, so
# topics and offsets survive a restart; delete it to start empty).
#
# Environment: KAFKA_HEAP_OPTS (default "-Xms128m -Xmx512m"), JAVA_HOME (else java on PATH; 17+).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# pom.xml holds the only copy of the version, so the script and the classpath cannot disagree.
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/pom.xml")"
JARS_DIR="$HERE/.jars/$KAFKA_VERSION"

usage() {
  echo "usage: $0 fetch | start [--port P] [--controller-port C] [--data-dir D]" >&2
  exit 2
}

fetch() {
  [[ -f "$JARS_DIR/.complete" ]] && return 0
  command -v mvn >/dev/null || { echo "kafka.sh: mvn not found (Maven is needed once to fetch the jars)" >&2; exit 1; }
  # Download into a private folder and rename it into place, so a concurrent or interrupted fetch
  # never leaves a half-filled classpath behind.
  local staging="$JARS_DIR.partial.$$"
  rm -rf "$staging"
  local out
  # Quiet unless it fails: even with -q, Maven 3.8 prints stray colour codes.
  if ! out="$(mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$staging" 2>&1)"; then
    echo "$out" >&2
    rm -rf "$staging"
    exit 1
  fi
  touch "$staging/.complete"
  mv -T "$staging" "$JARS_DIR" 2>/dev/null || rm -rf "$staging"
  [[ -f "$JARS_DIR/.complete" ]] || { echo "kafka.sh: $JARS_DIR exists but is incomplete; delete it" >&2; exit 1; }
}

# Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. Made here rather than
# by `StorageTool random-uuid` to save a JVM start; Kafka's own generator also skips ids beginning
# with '-', because they would be read as a command-line flag.
new_cluster_id() {
  local id
  while id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" && [[ $id == -* ]]; do :; done
  printf '%s' "$id"
}

write_config() {
  local port="$1" controller_port="$2" data_dir="$3"
  cat >"$data_dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data_dir/kraft
# Topics are created explicitly by the code that owns them; a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=1
# One node: every internal topic must fit on one replica, or groups and transactions never start.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer internal partitions and no join delay: consumer groups become ready in milliseconds.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
EOF
}

start() {
  local port=9092 controller_port="" data_dir=""
  while (($#)); do
    case "$1" in
      --port) port="${2:-}"; shift 2 || usage ;;
      --controller-port) controller_port="${2:-}"; shift 2 || usage ;;
      --data-dir) data_dir="${2:-}"; shift 2 || usage ;;
      *) usage ;;
    esac
  done
  [[ $port =~ ^[0-9]+$ ]] || usage
  controller_port="${controller_port:-$((port + 1))}"
  data_dir="${data_dir:-$HERE/.data/$port}"

  fetch
  mkdir -p "$data_dir"
  data_dir="$(cd "$data_dir" && pwd)"
  write_config "$port" "$controller_port" "$data_dir"

  local heap
  read -ra heap <<<"${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
  local jvm=("${JAVA_HOME:+$JAVA_HOME/bin/}java" "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dkafka.logs.dir="$data_dir" -Dlog4j2.configurationFile="$HERE/log4j2.properties"
    -cp "$JARS_DIR/*")

  # Format only once: a restart must keep the topics and committed offsets of the data dir.
  if [[ ! -f "$data_dir/kraft/meta.properties" ]]; then
    "${jvm[@]}" kafka.tools.StorageTool format -t "$(new_cluster_id)" \
      -c "$data_dir/server.properties" >"$data_dir/format.log" 2>&1 \
      || { cat "$data_dir/format.log" >&2; exit 1; }
  fi

  echo "kafka.sh: Kafka $KAFKA_VERSION on 127.0.0.1:$port (controller $controller_port); log: $data_dir/server.log"
  # exec: the caller's pid is the JVM itself, so its signals reach the broker directly.
  exec "${jvm[@]}" kafka.Kafka "$data_dir/server.properties"
}

case "${1:-}" in
  fetch) fetch ;;
  start) shift; start "$@" ;;
  *) usage ;;
esac
