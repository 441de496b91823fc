"""A stand-in oEmbed provider on 127.0.0.1, for tests of embeds (articles/embeds.py).

`/oembed?url=…` answers `provider.answer` (a dict, sent as JSON), `/thumb.png` a real
picture; `provider.mode` makes it misbehave: "slow", "huge", "not-json", "redirect-away"
(to another host), "down" (500). Every request it gets is in `provider.requests`.
"""

import contextlib
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

LINK = "https://clips.test/watch/42"


def png(size=(640, 360), colour=(20, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


class Provider:
    def __init__(self, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.requests = []
        self.mode = ""
        self.thumbnail = png()
        self.answer = {
            "type": "video",
            "version": "1.0",
            "title": "Minsk summit, the press conference",
            "author_name": "Belta TV",
            "provider_name": "Clips",
            "thumbnail_url": f"{self.url}/thumb.png",
            "html": '<iframe src="https://clips.test/embed/42"></iframe>',
        }

    def settings(self, **overrides):
        """MAGAZINE_EMBED_PROVIDERS naming this provider only."""
        return {
            "Clips": {
                "endpoint": f"{self.url}/oembed",
                "hosts": ["clips.test"],
                "thumbnail_hosts": ["127.0.0.1"],
            }
            | overrides
        }


def _handler(provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, body, content_type="application/json", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            provider.requests.append(self.path)
            parts = urlsplit(self.path)
            if parts.path == "/thumb.png":
                return self._send(200, provider.thumbnail, "image/png")
            if parts.path != "/oembed":
                return self._send(404, b"{}")
            asked = parse_qs(parts.query).get("url", [""])[0]
            return self._answer(asked)

        def _answer(self, asked):
            mode = provider.mode
            if mode == "slow":
                time.sleep(2)
            if mode == "down":
                return self._send(500, b"oops")
            if mode == "huge":
                return self._send(200, b"[" + b"1," * 100_000 + b"1]")
            if mode == "not-json":
                return self._send(200, b"<html>hello</html>", "text/html")
            if mode == "redirect-away":
                away = f"http://localhost:{provider.port}/oembed?url={asked}"
                return self._send(302, b"", headers=[("Location", away)])
            return self._send(200, json.dumps(provider.answer | {"url": asked}).encode())

    return Handler


@contextlib.contextmanager
def running_provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    server.daemon_threads, server.block_on_close = True, False  # a slow answer need not end
    provider = Provider(server.server_address[1])
    server.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
