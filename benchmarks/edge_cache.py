"""
`make bench`'s Varnish rows (see bench.py): varnishd with the repository's config in
front of a server, and a tiny server handing out fixed bytes as a page would, so that
Varnish serving a page can be set beside Varnish serving the same bytes as a static
object (kept the same way, under the same config).
"""

import contextlib
import http.client
import http.server
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _answers(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


@contextlib.contextmanager
def varnishd(port, backend_port):
    """varnishd on `port` with varnish/default.vcl, its backend on `backend_port`."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-varnish-"))
    workdir.chmod(0o755)  # Varnish's unprivileged worker reads it
    vcl = workdir / "default.vcl"
    config = (ROOT / "varnish" / "default.vcl").read_text()
    vcl.write_text(config.replace('.port = "8001";', f'.port = "{backend_port}";'))
    listen, storage = f"127.0.0.1:{port}", "malloc,256m"
    process = subprocess.Popen(
        ["varnishd", "-F", "-a", listen, "-f", str(vcl), "-n", str(workdir / "n"), "-s", storage],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            if _answers(port):
                break
            if process.poll() is not None:
                raise SystemExit("varnishd stopped: check varnish/default.vcl")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def fetch(port, path, headers=None):
    """(headers with lower-case names, body) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


class _Objects(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        found = self.server.objects.get(self.path)
        if found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers, body = found
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def static_objects(port, objects):
    """A server on `port` answering each path of `objects` ({path: (headers, bytes)})
    with those bytes, as a public page naming one thing, so that Varnish keeps it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Objects)
    server.objects = objects
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


# Added by Varnish or by the transfer, not part of the page.
NOT_THE_PAGES = {
    "date", "age", "via", "x-varnish", "x-cache", "content-length", "connection",
    "accept-ranges", "transfer-encoding", "cache-control",
}  # fmt: skip


def as_static_object(headers, body):
    """What the static server sends for a page Varnish delivered with `headers`: the
    same headers and bytes, kept as long as Varnish likes."""
    kept = {name: value for name, value in headers.items() if name not in NOT_THE_PAGES}
    kept["Cache-Control"] = "public, s-maxage=3600"
    kept["X-Cache-Tags"] = "static"
    return kept, body
