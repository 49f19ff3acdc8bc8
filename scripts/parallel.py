#!/usr/bin/env python3
"""Runs independent test suites a few at a time: `scripts/parallel.py -j 2 LABEL=COMMAND ...` (each COMMAND run by
bash). make test runs its black-box suites through it: each starts its own server on a free loopback port with its
own database, and most of a suite's time is waiting (a server starting, an fsync, a poll), so two at once take
little more than the longer of them. A suite's output is printed whole when it ends, then its time in timed.sh's
form ("== LABEL: N s"); the suites are started in the order given (longest first ends soonest). Exits 1 when any
failed, naming them, after all have run."""
import argparse
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("suites", nargs="+", metavar="LABEL=COMMAND")
    args = ap.parse_args()
    for spec in args.suites:
        if "=" not in spec:
            ap.error("not LABEL=COMMAND: " + spec)
    lock = threading.Lock()
    failed = []

    def run(spec):
        label, command = spec.split("=", 1)
        start = time.monotonic()
        with tempfile.TemporaryFile() as out:
            rc = subprocess.run(["bash", "-c", command], stdout=out, stderr=subprocess.STDOUT).returncode
            took = round(time.monotonic() - start)
            out.seek(0)
            text = out.read().decode("utf-8", errors="replace")
        with lock:
            sys.stdout.write(text)
            if text and not text.endswith("\n"):
                sys.stdout.write("\n")
            print("== %s: %d s%s" % (label, took, " (exit %d)" % rc if rc else ""), flush=True)
            if rc:
                failed.append(label)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(run, args.suites))
    if failed:
        print("failed: " + " ".join(failed), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
