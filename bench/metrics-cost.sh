#!/usr/bin/env bash
# What a /metrics scrape costs (README, "Metrics"): bench/MetricsCost.java against target/launcher.jar, ~10 s.
#
#   bench/metrics-cost.sh            builds the jar if it is missing (mvn -B -q package -DskipTests)
#   JAVA=/path/to/java bench/metrics-cost.sh     another JDK (default: java on the PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAVA=${JAVA:-java}
JAVAC=${JAVAC:-$(dirname "$(command -v "$JAVA")")/javac}

[ -f "$ROOT/target/launcher.jar" ] || (cd "$ROOT" && mvn -B -q package -DskipTests)
TMP=$(mktemp -d /tmp/launcher-metrics-cost.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cp "$ROOT/target/launcher.jar" "$TMP/launcher.jar"   # a stable copy: others may rebuild target/ meanwhile
"$JAVAC" --release 17 -cp "$TMP/launcher.jar" -d "$TMP/classes" "$HERE/MetricsCost.java"
"$JAVA" -cp "$TMP/launcher.jar:$TMP/classes" dev.launcher.app.MetricsCost 2>"$TMP/launcher.log"
