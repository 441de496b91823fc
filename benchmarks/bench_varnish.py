"""
`make bench`'s Varnish rows (see bench.py): varnish/default.vcl in front of a fresh
gunicorn, counting from its access log the requests that reached it during the runs
(none may), beside the same config serving the same bytes (as Varnish delivered them)
from a server of fixed objects: the most Varnish can do with that page.
"""

import shutil
import time

import bench_wrk
import edge_cache
from bench_servers import BROWSER, SEED_PATH

TARGETS = (("home", "/"), ("story, 200 comments", SEED_PATH))


def _access_log_lines(log):
    return len(log.read_text().splitlines()) if log.exists() else 0


def _measure(port, path, seconds, runs):
    bench_wrk.warm_up(port, path, BROWSER, seconds=2)
    return bench_wrk.median([bench_wrk.run(port, path, seconds, BROWSER) for _ in range(runs)])


def rows(checkout, seconds, runs):
    """{page: [through Varnish (a Run), the same bytes as a static object (a Run), bytes,
    requests that reached gunicorn during the runs]}; {} without varnishd."""
    if not shutil.which("varnishd"):
        print("varnishd is not installed (apt-get install varnish): no Varnish rows")
        return {}
    port = checkout.port
    log = checkout.static_root.parent / f"{checkout.name}-access.log"
    log.unlink(missing_ok=True)
    env = checkout.environment(
        600, GUNICORN_ACCESS_LOG=str(log), MAGAZINE_EDGE_CACHE_URLS=f"http://127.0.0.1:{port + 1}/"
    )
    objects, found = {}, {}
    # A fresh server: Varnish's first request is rendered and tagged.
    with checkout.start(env), edge_cache.varnishd(port + 1, port):
        for name, path in TARGETS:
            stored = edge_cache.fetch(port + 1, path, BROWSER)  # the one that may reach it
            objects[path] = edge_cache.as_static_object(*stored)
            time.sleep(0.3)
            before = _access_log_lines(log)
            measured = _measure(port + 1, path, seconds, runs)
            time.sleep(0.3)
            found[name] = [measured, None, len(stored[1]), _access_log_lines(log) - before]
    with edge_cache.static_objects(port + 2, objects), edge_cache.varnishd(port + 3, port + 2):
        for name, path in TARGETS:
            edge_cache.fetch(port + 3, path, BROWSER)
            found[name][1] = _measure(port + 3, path, seconds, runs)
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
