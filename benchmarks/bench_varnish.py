"""
`make bench`'s Varnish rows (see bench.py): varnish/default.vcl in front of a fresh
gunicorn, counting from its access log the requests that reached it during the runs
(none may), beside the same config serving the same bytes (as Varnish delivered them)
from a server of fixed objects: the most Varnish can do with that page. The two are
measured run by run in turn, both running throughout.
"""

import contextlib
import shutil
import time

import bench_wrk
import edge_cache
from bench_servers import BROWSER, SEED_PATH

TARGETS = (("home", "/"), ("story, 200 comments", SEED_PATH))


def _access_log_lines(log):
    return len(log.read_text().splitlines()) if log.exists() else 0


def _interleaved(through, static, path, seconds, runs):
    """Median Runs of `path` through each Varnish, run by run in turn: both measured
    in the same moments of a noisy machine, not one after the other."""
    for port in (through, static):
        bench_wrk.warm_up(port, path, BROWSER, seconds=2)
    found = {through: [], static: []}
    for _ in range(runs):
        for port in (through, static):
            found[port].append(bench_wrk.run(port, path, seconds, BROWSER))
    return bench_wrk.median(found[through]), bench_wrk.median(found[static])


def rows(checkout, seconds, runs):
    """{page: [through Varnish (a Run), the same bytes as a static object (a Run), bytes,
    requests that reached gunicorn during the runs]}; {} without varnishd."""
    if not shutil.which("varnishd"):
        print("varnishd is not installed (apt-get install varnish): no Varnish rows")
        return {}
    port = checkout.port
    through, static = port + 1, port + 3
    log = checkout.static_root.parent / f"{checkout.name}-access.log"
    log.unlink(missing_ok=True)
    env = checkout.environment(
        600, GUNICORN_ACCESS_LOG=str(log), MAGAZINE_EDGE_CACHE_URLS=f"http://127.0.0.1:{through}/"
    )
    objects, found = {}, {}
    # A fresh server: Varnish's first request is rendered and tagged.
    with contextlib.ExitStack() as servers:
        servers.enter_context(checkout.start(env))
        servers.enter_context(edge_cache.varnishd(through, port))
        servers.enter_context(edge_cache.static_objects(port + 2, objects))
        servers.enter_context(edge_cache.varnishd(static, port + 2))
        for name, path in TARGETS:
            stored = edge_cache.fetch(through, path, BROWSER)  # the one that may reach it
            objects[path] = edge_cache.as_static_object(*stored)
            edge_cache.fetch(static, path, BROWSER)
            time.sleep(0.3)
            before = _access_log_lines(log)
            measured = _interleaved(through, static, path, seconds, runs)
            time.sleep(0.3)
            reached = _access_log_lines(log) - before
            found[name] = [*measured, len(objects[path][1]), reached]
    return found


def render(found):
    """The Varnish table and its two checks, as Markdown lines."""
    if not found:
        return []
    lines = [
        "",
        "## Through Varnish",
        "",
        "Varnish with `varnish/default.vcl` in front of a fresh gunicorn of this checkout "
        "(`make serve-proxied`), beside the same config serving the same bytes (as Varnish "
        "delivered them) from a server of fixed objects. *Reached gunicorn*: requests in its "
        "access log during the warm-up and the runs, after the first request.",
        "",
        "| page | through Varnish, requests/s | p50 ms | p99 ms | bytes | same bytes as a "
        "static object, requests/s | share | reached gunicorn |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    checks = []
    for name, (through, static, size, reached) in found.items():
        share = through.rps / static.rps if static.rps else 0
        lines.append(
            f"| {name} | {through.rps:,.0f} | {through.p50:.1f} | {through.p99:.1f} | {size:,} "
            f"| {static.rps:,.0f} | {share:.0%} | {reached} |"
        )
        checks.append(
            f"- {_verdict(share >= 0.9)} {name} through Varnish at least 90 % of Varnish "
            f"serving the same bytes as a static object: {share:.0%}"
        )
        checks.append(
            f"- {_verdict(reached == 0)} {name}: no request reached gunicorn during its "
            f"Varnish runs: {reached} did"
        )
    return [*lines, "", *checks]


def _verdict(passed):
    return "**PASS**" if passed else "**FAIL**"
