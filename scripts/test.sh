#!/bin/sh
# `npm test`: everything. Prepares the machine if needed (scripts/setup.sh), then typecheck, lint,
# build, unit + integration tests (real SQLite files, real sshd lab hosts) and the browser e2e
# suite. Prints one summary line and fails if any step fails or a suite ran no test.
set -u
cd "$(dirname "$0")/.."
. scripts/setup.sh
rampart_setup || { echo "rampart test: setup failed" >&2; exit 1; }

# The suite runs as root on a prepared machine: lab-host tests must run, never silently skip.
export RAMPART_LAB_REQUIRED=${RAMPART_LAB_REQUIRED:-1}

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
step() {
  name=$1; shift
  printf '\n== %s: %s\n' "$name" "$*"
  "$@" || { echo "== $name FAILED"; status=1; }
}

step typecheck npm run --silent typecheck
step lint npm run --silent lint
step build npm run --silent build
step unit npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"
step e2e npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json"

node scripts/test-summary.mjs "$results/unit.json" "$results/e2e.json" || status=1
exit $status
