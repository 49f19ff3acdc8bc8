"""Runs wrk with a Lua script against a local server and reads its summary (shared by the HTTP benchmarks)."""
import os
import re
import subprocess


def run(port, seconds, conns, script, env=None):
    """Returns (requests/s, p50 ms, p99 ms, answers the script reported as unexpected)."""
    out = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "--latency", "-s", script,
                          "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True, env=dict(os.environ, **(env or {})))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out.stdout).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out.stdout, re.M))
    return rps, to_ms(lat.get("50", "")), to_ms(lat.get("99", "")), out.stderr.count("unexpected status")


def to_ms(v):
    """wrk's latency text ("812.00us", "1.20ms", "2.01s") in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    if not m:
        return float("nan")
    x = float(m.group(1))
    return x / 1000 if m.group(2) == "us" else x * 1000 if m.group(2) == "s" else x
