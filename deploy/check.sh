#!/usr/bin/env bash
# Schema checks of deploy/ with real validators from the npm registry (pinned in deploy/check/package-lock.json):
#   - kubernetes.yaml against the Kubernetes API schema (kubernetes-models' validators, generated from the
#     Kubernetes OpenAPI spec) and, for unknown fields, the TypeScript compiler on its typed models;
#   - Dockerfile with dockerfile-utils' linter.
# Each check also proves it rejects broken input (a self-test). Needs node and npm; installs into
# target/deploy-check (once, again when the lock file changes). The numbers, flags and systemd unit are checked
# by the JUnit tests in src/test/java/dev/launcher/deploy (mvn verify).
#
#   deploy/check.sh          exit 0 if every check passes
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/deploy-check"

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deploy/check.sh: needs $tool (Debian: apt-get install nodejs npm)" >&2; exit 1; }
done

mkdir -p "$work"
cp "$root/deploy/check/package.json" "$root/deploy/check/package-lock.json" "$root"/deploy/check/*.mjs "$work/"
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.installed-lock.json" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$work/node_modules/.installed-lock.json"
fi

status=0
node "$work/check-kubernetes.mjs" "$root/deploy/kubernetes.yaml" || status=1
node "$work/check-dockerfile.mjs" "$root/deploy/Dockerfile" || status=1
exit "$status"
