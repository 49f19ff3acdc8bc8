#!/usr/bin/env bash
# Runs a command and prints how long it took: `scripts/timed.sh LABEL COMMAND...`. make test runs each of its
# steps through it, so that a log shows where the time goes. Exits with the command's status.
label=$1
shift
start=$(date +%s)
"$@"
rc=$?
took="== $label: $(( $(date +%s) - start )) s"
if [ "$rc" -eq 0 ]; then echo "$took"; else echo "$took (exit $rc)"; fi
exit $rc
