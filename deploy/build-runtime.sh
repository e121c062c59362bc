#!/usr/bin/env bash
# Builds a minimal Java runtime for the launcher with jlink: only the modules jdeps finds in the jar.
#
#   deploy/build-runtime.sh [--jar FILE] [--output DIR] [--add-modules MODULE,...]
#
#   --jar FILE          the launcher jar; default target/launcher.jar, built with `mvn package` if missing
#   --output DIR        where the runtime goes; default target/runtime. Replaced if it holds a runtime already.
#   --add-modules LIST  modules to add to those jdeps finds, e.g. jdk.jcmd for jcmd/jstack in the image
#
# Uses the jdeps and jlink of $JAVA_HOME when it is set, else those on PATH; the runtime is of that JDK's version.
# Run the jar on it with:  target/runtime/bin/java -jar target/launcher.jar
# Ends by printing the runtime's size beside the full JDK's.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/target/launcher.jar"
output="$root/target/runtime"
extra=""

usage() { sed -n '2,12s/^# \{0,1\}//p' "$0"; }
fail() { echo "build-runtime: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) [ $# -ge 2 ] || fail "--jar needs a value"; jar="$2"; shift 2 ;;
    --jar=*) jar="${1#*=}"; shift ;;
    --output) [ $# -ge 2 ] || fail "--output needs a value"; output="$2"; shift 2 ;;
    --output=*) output="${1#*=}"; shift ;;
    --add-modules) [ $# -ge 2 ] || fail "--add-modules needs a value"; extra="$2"; shift 2 ;;
    --add-modules=*) extra="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument: $1 (see --help)" ;;
  esac
done

# the JDK: $JAVA_HOME, else the one whose jlink is on PATH
if [ -n "${JAVA_HOME:-}" ]; then
  jdk="$JAVA_HOME"
else
  jlink_on_path="$(command -v jlink)" || fail "no jlink: set JAVA_HOME to a JDK (17 or newer)"
  jdk="$(dirname "$(dirname "$(readlink -f "$jlink_on_path")")")"
fi
jdk="$(readlink -f "$jdk")"
[ -x "$jdk/bin/jlink" ] && [ -x "$jdk/bin/jdeps" ] || fail "$jdk is not a JDK with jlink and jdeps"

# the jar: build it if missing
if [ ! -f "$jar" ]; then
  [ "$jar" = "$root/target/launcher.jar" ] || fail "no jar at $jar"
  echo "build-runtime: no $jar; building it" >&2
  (cd "$root" && JAVA_HOME="$jdk" mvn -B -q package -DskipTests)
fi

# the modules: what the jar uses, computed (jdeps), plus any asked for
modules="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps "$jar")"
[ -n "$modules" ] || fail "jdeps found no modules in $jar"
if [ -n "$extra" ]; then modules="$modules,$extra"; fi

# compression: zip-6 from JDK 21 on (where the numbered levels are deprecated), level 2 before
feature="$("$jdk/bin/jlink" --version)"
feature="${feature%%[.+-]*}"
if [ "$feature" -ge 21 ]; then compress="zip-6"; else compress="2"; fi

# jlink wants a fresh directory: replace only a runtime built before, never anything else
if [ -e "$output" ]; then
  if [ -f "$output/release" ] && [ -x "$output/bin/java" ]; then
    rm -rf "$output"
  else
    fail "$output exists and is not a runtime: not replacing it"
  fi
fi
mkdir -p "$(dirname "$output")"

"$jdk/bin/jlink" \
  --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages \
  --compress="$compress" \
  --output "$output"

echo "runtime:  $(du -sh "$output" | cut -f1)  $output (JDK $("$jdk/bin/jlink" --version), modules $modules)"
echo "full JDK: $(du -sh "$jdk" | cut -f1)  $jdk"
