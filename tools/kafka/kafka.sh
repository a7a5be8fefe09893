#!/usr/bin/env bash
# A real Apache Kafka broker for development and tests, without Docker (spec/architecture.md "Running it").
#
#   bash tools/kafka/kafka.sh start    reuse a broker answering on 127.0.0.1:9092, or start our own
#   bash tools/kafka/kafka.sh stop     stop the broker this script started (never anyone else's)
#   bash tools/kafka/kafka.sh status   say what answers on 9092; exit 0 when a broker answers
#   bash tools/kafka/kafka.sh fetch    only download the jars (CI pre-warms its cache with it)
#
# The jars of a pinned Kafka release come from Maven Central through Maven (the only registry this
# project's machines reach), into a cache outside the repository so that `git clean` and fresh
# clones keep it; a cache hit makes no Maven call at all. Data, logs and the pid file live outside
# the repository too. The broker is a single KRaft node (broker + controller), tuned for tests:
# automatic topic creation, replication factor 1, no initial rebalance delay, a small heap.
set -euo pipefail

KAFKA_VERSION=3.9.1            # last 3.x: KRaft is production-ready and kafkajs 2.2.4 still speaks
                               # every protocol version it needs (4.0 removed old ones, KIP-896)
SCALA_VERSION=2.13
SLF4J_VERSION=1.7.36           # the binding Kafka 3.9 itself ships (slf4j-reload4j) ...
RELOAD4J_VERSION=1.2.25        # ... with the reload4j its distribution ships (the pom's 1.2.19 has CVEs)
DEPENDENCY_PLUGIN_VERSION=3.6.1

HOST=127.0.0.1
PORT="${CUSTODY_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${CUSTODY_KAFKA_CONTROLLER_PORT:-9093}"
START_TIMEOUT_S="${CUSTODY_KAFKA_START_TIMEOUT:-120}"
HEAP="${CUSTODY_KAFKA_HEAP:-512m}"

CACHE_ROOT="${CUSTODY_CACHE:-$HOME/.cache/custody-hub}"
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIBS_DIR="$KAFKA_HOME/libs"
COMPLETE_MARKER="$KAFKA_HOME/.complete"
RUN_DIR="${CUSTODY_KAFKA_RUN_DIR:-$CACHE_ROOT/kafka-run-$PORT}"
DATA_DIR="$RUN_DIR/data"
CONFIG_FILE="$RUN_DIR/server.properties"
LOG4J_FILE="$RUN_DIR/log4j.properties"
LOG_FILE="$RUN_DIR/broker.log"
PID_FILE="$RUN_DIR/broker.pid"

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
PROBE="$SCRIPT_DIR/probe-broker.js"

say() { echo "kafka: $*"; }
fail() { echo "kafka: ERROR: $*" >&2; exit 1; }

# A broker "answers" only when it replies to a Metadata request; an open port alone is not enough
# (the socket server opens before the broker has caught up with the metadata log).
broker_answers() { node "$PROBE" "$HOST" "$PORT" "${1:-2000}" >/dev/null 2>&1; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The pid must still be our broker (pids get reused): a java process started with our config file.
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$CONFIG_FILE" || return 1
  echo "$pid"
}

run_maven() {
  # Offline first: when ~/.m2 already holds every artifact this costs no network at all.
  if mvn -q -B -o -f "$1/pom.xml" dependency:copy-dependencies >"$1/maven.log" 2>&1; then return 0; fi
  local attempt
  for attempt in 1 2 3; do
    say "downloading Kafka $KAFKA_VERSION jars from Maven Central (attempt $attempt/3)"
    if mvn -q -B -f "$1/pom.xml" dependency:copy-dependencies >"$1/maven.log" 2>&1; then return 0; fi
    sleep $((attempt * 3))
  done
  tail -n 30 "$1/maven.log" >&2
  return 1
}

write_pom() {
  cat >"$1/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>custody-hub.tools</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$SCALA_VERSION</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId>
      <artifactId>reload4j</artifactId>
      <version>$RELOAD4J_VERSION</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>$DEPENDENCY_PLUGIN_VERSION</version>
        <configuration>
          <outputDirectory>\${project.basedir}/libs</outputDirectory>
          <includeScope>runtime</includeScope>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
}

# The cache is keyed by the recipe (the generated pom), so changing a pinned version refetches.
recipe_hash() {
  local dir
  dir="$(mktemp -d)"
  write_pom "$dir"
  sha256sum "$dir/pom.xml" | cut -c1-16
  rm -rf "$dir"
}

jars_cached() { [[ -f "$COMPLETE_MARKER" && "$(cat "$COMPLETE_MARKER")" == "$(recipe_hash)" ]]; }

fetch_jars() {
  if jars_cached; then return 0; fi
  command -v mvn >/dev/null || fail "Maven (mvn) is needed once to download the Kafka jars"
  mkdir -p "$CACHE_ROOT"
  local staging
  staging="$(mktemp -d "$CACHE_ROOT/.kafka-$KAFKA_VERSION.XXXXXX")"
  write_pom "$staging"
  if ! run_maven "$staging"; then
    rm -rf "$staging"
    fail "could not download Kafka $KAFKA_VERSION from Maven Central (see the Maven output above)"
  fi
  [[ -f "$staging/libs/kafka_$SCALA_VERSION-$KAFKA_VERSION.jar" ]] \
    || { rm -rf "$staging"; fail "Maven finished but kafka_$SCALA_VERSION-$KAFKA_VERSION.jar is missing"; }
  recipe_hash >"$staging/.complete"
  # Moved into place only when complete, so an interrupted download never looks like a cache hit.
  rm -rf "$KAFKA_HOME"
  mv "$staging" "$KAFKA_HOME"
  say "cached $(ls "$LIBS_DIR" | wc -l) jars in $KAFKA_HOME"
}

write_config() {
  mkdir -p "$DATA_DIR"
  cat >"$CONFIG_FILE" <<PROPS
# Generated by tools/kafka/kafka.sh; edits are overwritten at the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# Fewer offsets/transaction partitions than production: the first consumer group on a fresh broker
# waits for these internal topics to be created, and tests should not.
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
log.retention.hours=24
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=4
PROPS
  cat >"$LOG4J_FILE" <<'LOG4J'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.logger.kafka.server.ControllerServer=INFO
LOG4J
}

format_storage() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  # A KRaft cluster id is 16 random bytes in URL-safe base64 without padding. One that begins with '-' (1 in 64)
  # is read by the storage tool as an option and formatting fails, so draw again, as Kafka's own Uuid does.
  local cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  say "formatting KRaft storage in $DATA_DIR (cluster $cluster_id)"
  java -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$LOG4J_FILE" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$CONFIG_FILE" --ignore-formatted >>"$LOG_FILE" 2>&1 \
    || { tail -n 20 "$LOG_FILE" >&2; fail "formatting the KRaft storage failed (log: $LOG_FILE)"; }
}

wait_until_answering() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if broker_answers 1000; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2
      fail "the broker exited during start-up (log: $LOG_FILE)"
    fi
    sleep 0.5
  done
  tail -n 30 "$LOG_FILE" >&2
  fail "the broker (pid $pid) did not answer a metadata request on $HOST:$PORT within ${START_TIMEOUT_S}s (log: $LOG_FILE)"
}

start() {
  if broker_answers; then
    say "a broker already answers on $HOST:$PORT; reusing it"
    return 0
  fi
  # Two test runs starting at once must not start two brokers on one data directory.
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.start.lock"
  flock -w "$START_TIMEOUT_S" 9 || fail "another kafka.sh start holds $RUN_DIR/.start.lock"
  start_locked
  exec 9>&-
}

start_locked() {
  local started_at=$SECONDS pid
  if broker_answers; then
    say "a broker already answers on $HOST:$PORT; reusing it"
    return 0
  fi
  if pid="$(our_pid)"; then
    say "our broker (pid $pid) is still starting; waiting for it"
    wait_until_answering "$pid"
    say "broker ready on $HOST:$PORT"
    return 0
  fi
  port_open "$PORT" && fail "something listens on $HOST:$PORT but does not answer as a Kafka broker; free the port or set CUSTODY_KAFKA_PORT"
  port_open "$CONTROLLER_PORT" && fail "port $CONTROLLER_PORT (KRaft controller) is taken; free it or set CUSTODY_KAFKA_CONTROLLER_PORT"
  command -v java >/dev/null || fail "Java 17 is needed to run the broker"
  command -v node >/dev/null || fail "Node.js is needed to probe the broker"

  fetch_jars
  write_config
  # Keep one previous log; the broker appends to a single file otherwise forever.
  if [[ -f "$LOG_FILE" ]] && (($(stat -c %s "$LOG_FILE") > 50 * 1024 * 1024)); then mv -f "$LOG_FILE" "$LOG_FILE.1"; fi
  format_storage
  # A pid file left by a broker that died with an earlier session would be read below as if the new
  # broker had written it, and that dead pid taken for "the broker exited during start-up".
  rm -f "$PID_FILE"
  say "starting Kafka $KAFKA_VERSION on $HOST:$PORT (controller $CONTROLLER_PORT, heap $HEAP, log $LOG_FILE)"
  # setsid: the broker must outlive the shell, the test runner or CI step that started it, and must
  # not receive the signals sent to their process group. The inner shell records its own pid and
  # then becomes java (exec), so the pid file names the broker itself.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J_FILE" -Dkafka.logs.dir="$RUN_DIR" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$CONFIG_FILE" >>"$LOG_FILE" 2>&1 </dev/null 9>&- &
  local waited=0
  until [[ -s "$PID_FILE" ]] || ((waited > 50)); do sleep 0.1; waited=$((waited + 1)); done
  pid="$(cat "$PID_FILE" 2>/dev/null)" || fail "the broker did not start (log: $LOG_FILE)"
  wait_until_answering "$pid"
  say "broker ready on $HOST:$PORT (pid $pid, $((SECONDS - started_at))s)"
}

stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if broker_answers; then
      say "the broker on $HOST:$PORT was not started by this script; leaving it alone"
    else
      say "no broker started by this script is running"
    fi
    return 0
  fi
  say "stopping our broker (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then
    say "the broker did not stop within 30s; killing it"
    kill -KILL "$pid"
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

status() {
  local pid=""
  pid="$(our_pid)" || pid=""
  if broker_answers; then
    if [[ -n "$pid" ]]; then say "running on $HOST:$PORT (ours, pid $pid, log $LOG_FILE)"; else say "a broker not started by this script answers on $HOST:$PORT"; fi
    return 0
  fi
  if [[ -n "$pid" ]]; then say "our broker (pid $pid) runs but does not answer yet on $HOST:$PORT"; else say "no broker answers on $HOST:$PORT"; fi
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch)
    if jars_cached; then say "Kafka $KAFKA_VERSION jars already cached in $KAFKA_HOME"; else fetch_jars; fi
    ;;
  *)
    echo "usage: $0 start|stop|status|fetch" >&2
    exit 2
    ;;
esac
