#!/usr/bin/env bash
# The side-by-side benchmark of issue 4: the launcher (JDK 17 and the newer JDK) beside a naive plain-JDK server,
# the Go errgroup reference server and nginx, all on 127.0.0.1. See bench/README.md.
#
#   bench/run.sh             full run (~10 min), prints the tables and writes docs/PERFORMANCE.md
#   bench/run.sh --quick     fewer, shorter runs (~3 min); prints only (add --out FILE to write somewhere)
#
# Own options: --no-build (use the existing target/launcher.jar), --keep-tmp (keep logs and raw wrk output),
# --no-fast (skip the fast-start systems: bin/launcher, when it exists, trained here on a copy of the jar).
# Everything else goes to bench/bench.py (--help lists it: --pin, --rounds, --repeats, --duration, --systems,
# --launcher-java-opts, --extra NAME=COMMAND, ...).
# Env: JDK17, JDK_NEW (JDK homes), ANCHOR (the Go server's source), JAVA_HOME for the Maven build (default JDK17).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK_NEW=${JDK_NEW:-/usr/lib/jvm/temurin-25-jdk-amd64}
ANCHOR=${ANCHOR:-$ROOT/../shared/anchors/go-errgroup-server}

build=1
fast=1
keep=0
quick=0
pass=()
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        --no-fast) fast=0 ;;
        --keep-tmp) keep=1 ;;
        --quick) quick=1; pass+=("$arg") ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) pass+=("$arg") ;;
    esac
done

log() { printf '[bench] %s\n' "$*" >&2; }

# ---- tools: install what is missing (Debian packages) ----
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v go >/dev/null || missing+=(golang-go)
[ -d /usr/share/gocode/src/golang.org/x/sync/errgroup ] || missing+=(golang-golang-x-sync-dev)
[ -x /usr/bin/python3 ] || command -v python3 >/dev/null || missing+=(python3)
command -v taskset >/dev/null || missing+=(util-linux)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    apt-get update -qq
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
        # nginx-light is a transitional package on some releases: fall back to nginx
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]/nginx-light/nginx}" >/dev/null
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
for jdk in "$JDK17" "$JDK_NEW"; do
    [ -x "$jdk/bin/java" ] || { log "no JDK at $jdk (set JDK17 / JDK_NEW)"; exit 1; }
done

# ---- a temp dir for everything built or written; every process we start is listed in $TMP/pids ----
TMP=$(mktemp -d /tmp/launcher-bench.XXXXXX)
bench_pid=
cleanup() {
    local rc=$?
    if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$bench_pid" 2>/dev/null || true
    fi
    # anything bench.py started and could not stop (it stops them itself; this is the backstop)
    if [ -f "$TMP/pids" ]; then
        while read -r pid; do
            [ -n "$pid" ] || continue
            if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -e "$TMP" -e NaiveServer \
                    -e launcher.jar -e go-errgroup-server; then
                # nginx workers first (children of the master we started)
                for kid in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill -KILL "$kid" 2>/dev/null || true; done
                kill -KILL "$pid" 2>/dev/null || true
                log "killed leftover pid $pid"
            fi
        done <"$TMP/pids"
    fi
    if [ "$keep" = 1 ] || [ "$rc" != 0 ]; then
        log "logs and raw wrk output kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- builds ----
if [ "$build" = 1 ]; then
    log "building the launcher jar (mvn -B -q package -DskipTests, JDK 17)"
    (cd "$ROOT" && JAVA_HOME=${JAVA_HOME:-$JDK17} mvn -B -q -Dstyle.color=never package -DskipTests 2>&1) \
        | sed -u 's/\x1b\[[0-9;]*m//g' >&2   # Maven's quiet mode still prints bare colour resets
fi
[ -f "$ROOT/target/launcher.jar" ] || { log "no $ROOT/target/launcher.jar"; exit 1; }
cp "$ROOT/target/launcher.jar" "$TMP/launcher.jar"   # a stable copy: others may rebuild target/ meanwhile

log "building the Go reference server from $ANCHOR (offline, Debian's x/sync)"
[ -f "$ANCHOR/main.go" ] || { log "no Go anchor at $ANCHOR (set ANCHOR)"; exit 1; }
cp -r "$ANCHOR" "$TMP/gosrc"
chmod -R u+w "$TMP/gosrc"
(cd "$TMP/gosrc" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= go build -o "$TMP/go-errgroup-server" .)

log "compiling bench/NaiveServer.java (JDK 17)"
mkdir -p "$TMP/naive"
"$JDK17/bin/javac" -d "$TMP/naive" "$HERE/NaiveServer.java"

# the documented fast start (bin/launcher, if the project has it): trained here, on the temp copy of the jar, so
# its archives land in $TMP; a training run that fails or hangs (2 min) only drops that system
fast_args=()
if [ "$fast" = 1 ] && [ -f "$ROOT/bin/launcher" ]; then
    mkdir -p "$TMP/bin"
    cp "$ROOT/bin/launcher" "$TMP/bin/launcher"
    for jdk in "$JDK17" "$JDK_NEW"; do
        log "training bin/launcher on $jdk"
        ( export JAVA_HOME="$jdk" LAUNCHER_JAR="$TMP/launcher.jar"; exec setsid bash "$TMP/bin/launcher" --train ) \
            >"$TMP/train-$(basename "$jdk").log" 2>&1 &
        tpid=$!
        echo "$tpid" >>"$TMP/pids"
        for _ in $(seq 1200); do kill -0 "$tpid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$tpid" 2>/dev/null; then
            kill -KILL -- "-$tpid" 2>/dev/null || true   # its own session: the script and its JVM
            wait "$tpid" 2>/dev/null || true
            log "bin/launcher --train hung on $jdk: that fast-start system is skipped"
        elif wait "$tpid"; then
            fast_args+=(--fast "$jdk")
        else
            log "bin/launcher --train failed on $jdk (see below): that fast-start system is skipped"
            tail -5 "$TMP/train-$(basename "$jdk").log" >&2
        fi
    done
    [ ${#fast_args[@]} -eq 0 ] || fast_args+=(--fast-script "$TMP/bin/launcher")
fi

# wrk at 1000 connections, and the servers, need more descriptors than the usual soft limit of 1024
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
[ "$(ulimit -n)" -ge 2100 ] || log "warning: ulimit -n is $(ulimit -n); 1000-connection runs may fail"

out=()
if [ "$quick" = 0 ] && [[ " ${pass[*]-} " != *" --out "* ]]; then
    out=(--out "$ROOT/docs/PERFORMANCE.md")
fi
shown="bench/run.sh${*:+ $*}"

log "running (temp dir $TMP)"
"$PY" "$HERE/bench.py" --tmp "$TMP" --root "$ROOT" --jar "$TMP/launcher.jar" --go-bin "$TMP/go-errgroup-server" \
    --naive-dir "$TMP/naive" --nginx "$NGINX" --jdk17 "$JDK17" --jdk-new "$JDK_NEW" --command "$shown" \
    "${fast_args[@]}" "${out[@]}" "${pass[@]}" &
bench_pid=$!
wait "$bench_pid"
