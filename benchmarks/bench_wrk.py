"""
`make bench`'s load (see bench.py): wrk at 2 threads and 16 connections, sending the
headers a browser sends, and its figures read from its output.
"""

import re
import statistics
import subprocess
from typing import NamedTuple

UNITS = {"us": 0.001, "ms": 1, "s": 1000}


class Run(NamedTuple):
    """One wrk run; `cpu_ms` is the server's CPU time per request, where it was read."""

    rps: float
    p50: float
    p99: float
    requests: int
    cpu_ms: float | None = None


def command(port, path, seconds, headers, connections=16, threads=2, latency=True):
    flags = [f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    for name, value in headers.items():
        flags += ["-H", f"{name}: {value}"]
    if latency:
        flags.append("--latency")
    return ["wrk", *flags, f"http://127.0.0.1:{port}{path}"]


def parse(out, path=""):
    """A Run from wrk's --latency output; error responses stop the benchmark."""
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} error responses\n{out}")

    def ms(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * UNITS[unit]

    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=ms("50"),
        p99=ms("99"),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
    )


def run(port, path, seconds, headers):
    out = subprocess.run(
        command(port, path, seconds, headers), capture_output=True, text=True, check=True
    ).stdout
    return parse(out, path)


def warm_up(port, path, headers, seconds=1):
    subprocess.run(command(port, path, seconds, headers, latency=False), capture_output=True)


def median(runs):
    """The median of each figure over several runs (CPU of the runs that completed some)."""
    cpu = [r.cpu_ms for r in runs if r.cpu_ms is not None]
    return Run(
        rps=statistics.median(r.rps for r in runs),
        p50=statistics.median(r.p50 for r in runs),
        p99=statistics.median(r.p99 for r in runs),
        requests=round(statistics.median(r.requests for r in runs)),
        cpu_ms=statistics.median(cpu) if cpu else None,
    )
