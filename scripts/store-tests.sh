#!/usr/bin/env bash
# Prints a ctest regex naming the C++ tests that run against a database through the store fixtures: their files
# include runtime/store_fixture.h or cases/case_fixture.h, or read QF_TEST_PG themselves. `make test` runs these again
# on PostgreSQL (pg-suites); every other C++ test (rules, formats, SQLite's own files) gives the same answer there.
#   cd build && ctest -R "$(bash ../scripts/store-tests.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(grep -lE 'runtime/store_fixture\.h|cases/case_fixture\.h|QF_TEST_PG' server/*/*_test.cc)
# Test suites by name (TEST, TEST_F, TEST_P); a parameterised suite's tests are named Prefix/Suite.Test/N.
suites=$(grep -hoE '^(TEST|TEST_F|TEST_P)\([A-Za-z0-9_]+' $files | sed -E 's/.*\(//' | sort -u | paste -sd'|')
echo "^([A-Za-z0-9_]+/)?($suites)\\."
