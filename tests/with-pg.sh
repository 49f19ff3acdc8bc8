#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (scripts/pg-cluster.sh): QF_TEST_PG is its socket directory,
# which the test harnesses (tests/lib/qfserver.py, tests/e2e, the unit tests) take as "run on PostgreSQL". The
# cluster is stopped and removed afterwards, whether the command passed, failed or was interrupted.
#   tests/with-pg.sh python3 tests/api/run.py --bin build/qingfeng
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/qf-pg.XXXXXX)
trap '"$here/scripts/pg-cluster.sh" stop "$dir"' EXIT
trap 'exit 130' INT TERM
"$here/scripts/pg-cluster.sh" start "$dir" >/dev/null
export QF_TEST_PG="$dir"
export PGHOST="$dir" PGUSER=qingfeng
"$@"
