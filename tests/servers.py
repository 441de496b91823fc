"""Real gunicorn servers for tests that need several worker processes, varnishd in front
of a server, and HTTP helpers."""

import atexit
import contextlib
import functools
import http.client
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
SECRET_KEY = "tests-servers-" + "k" * 50


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(tmp_path, workers, **overrides):
    """`make serve`'s settings (DEBUG off) on this test's own SQLite file and file cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    return (
        env
        | {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
            "TASKS_BACKEND": "immediate",
            "MAIL_BACKEND": "console",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        | overrides
    )


def manage(env, *command):
    """Run a management command with `env`; what it printed."""
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def migrated(database):
    """A fresh SQLite file at `database` as `manage.py migrate` leaves it (the seed story
    too): a copy of one migrated once per test process, since migrating takes some 12 s
    (the states of 80 migrations) and a dozen tests start a site of their own."""
    with (
        contextlib.closing(sqlite3.connect(_migrated_once())) as source,
        contextlib.closing(sqlite3.connect(database)) as copy,
    ):
        source.backup(copy)


def migrate(env):
    """`manage.py migrate` on the SQLite file `env` names (`production_env`'s)."""
    migrated(env["DATABASE_URL"].removeprefix("sqlite:///"))


@functools.cache
def _migrated_once():
    folder = tempfile.mkdtemp(prefix="open-magazine-migrated-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    env = production_env(Path(folder), 1)
    manage(env, "migrate", "--noinput", "-v0")
    return Path(folder) / "site.sqlite3"


@contextlib.contextmanager
def gunicorn(env):
    """gunicorn with gunicorn.conf.py and `env`; yields its port once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "magazine.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                request(port, "GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            # A worker forked just as the signal came may miss it (it still has the
            # master's handlers); gunicorn kills it after graceful_timeout (30 s).
            server.wait(timeout=45)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def request(port, method, path, body=None, headers=None):
    """One request on a new connection: gunicorn's sync workers take turns accepting.

    Returns the status, the Set-Cookie headers (a list) and the body.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        return response.status, cookies, response.read().decode()
    finally:
        connection.close()


def cookie_pairs(set_cookies):
    """`name=value` of each Set-Cookie header, for a Cookie header."""
    return [header.split(";", 1)[0] for header in set_cookies]


class _FormFields(HTMLParser):
    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif (
            tag in ("input", "textarea")
            and self.inside
            and attrs.get("name")
            and attrs.get("type") not in ("checkbox", "radio", "submit")
        ):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html, action):
    """The named fields (with their values) of the form posting to `action`."""
    parser = _FormFields(action)
    parser.feed(html)
    return parser.fields


def at_once(calls):
    """Run the calls at once (threads behind a barrier); their results, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def in_one_window(period, needed):
    """Wait, if need be, so that the next `needed` seconds fall in one rate-limit window."""
    left = period - time.time() % period
    if left < needed:
        time.sleep(left + 0.05)


VARNISHD = shutil.which("varnishd") or (
    "/usr/sbin/varnishd" if os.path.exists("/usr/sbin/varnishd") else None
)


def need_varnishd():
    """Skip, with the reason, where varnishd is not installed; in CI (CI=true) fail, so
    the tests through Varnish can never silently not run."""
    if VARNISHD is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs varnishd for the tests through Varnish: apt-get install varnish")
        pytest.skip("varnishd is not installed (apt-get install varnish)")


def varnish_get(port, path, headers=None):
    """(status, headers with lower-case names, body) of one GET through Varnish."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def varnishd(backend_port):
    """varnishd with varnish/default.vcl before `backend_port`; yields its port."""
    need_varnishd()
    workdir = Path(tempfile.mkdtemp(prefix="open-magazine-varnish-"))
    workdir.chmod(0o755)  # Varnish's unprivileged worker enters it
    config = (ROOT / "varnish" / "default.vcl").read_text()
    backend = f'.port = "{backend_port}";'
    (workdir / "default.vcl").write_text(config.replace('.port = "8001";', backend))
    port = free_port()
    command = [VARNISHD, "-F", "-a", f"127.0.0.1:{port}", "-f", str(workdir / "default.vcl")]
    command += ["-n", str(workdir / "n"), "-s", "malloc,32m"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                varnish_get(port, "/healthz")
                break
            except OSError:
                assert process.poll() is None, (
                    "varnishd stopped: see `varnishd -C -f varnish/default.vcl`"
                )
                assert time.monotonic() < deadline, "varnishd did not answer within 30 s"
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
