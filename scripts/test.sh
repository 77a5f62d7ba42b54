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
# The unit and e2e suites run side by side: both spend much of their time waiting on lab hosts
# (sshd, containers, dead-man windows, health checks) rather than on the CPU. Each suite's output
# is kept in a log and printed whole when both are done. RAMPART_TEST_SERIAL=1 runs them one
# after the other, output live.
unit_cmd() { npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"; }
e2e_cmd() { npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json"; }
if [ "${RAMPART_TEST_SERIAL:-0}" = 1 ]; then
  step unit unit_cmd
  step e2e e2e_cmd
else
  printf '\n== unit and e2e, side by side (logs follow when both are done)\n'
  t0=$(date +%s)
  ( unit_cmd >"$results/unit.log" 2>&1; echo $? >"$results/unit.rc" ) &
  ( e2e_cmd >"$results/e2e.log" 2>&1; echo $? >"$results/e2e.rc" ) &
  wait
  for name in unit e2e; do
    printf '\n== %s\n' "$name"
    cat "$results/$name.log"
    [ "$(cat "$results/$name.rc" 2>/dev/null)" = 0 ] || { echo "== $name FAILED"; status=1; }
  done
  echo "== unit + e2e took $(( $(date +%s) - t0 )) s"
fi

node scripts/test-summary.mjs "$results/unit.json" "$results/e2e.json" || status=1
exit $status
