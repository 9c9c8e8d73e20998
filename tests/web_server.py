"""A real HTTP server on 127.0.0.1 for the web-source tests, with the awkward servers of the
real world as routes: a page that never finishes, one that trickles, a 50 MB page, a gzip
bomb, redirect loops, missing pages, wrong content types."""

from __future__ import annotations

import gzip
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Writes the body itself (after the status line and headers): streams, stalls, trickles.
    stream: Callable[["BaseHTTPRequestHandler", threading.Event], None] | None = None


class WebServer:
    """`server.url("/path")`; `server.routes["/path"] = Route(...)`; `server.hits` counts requests."""

    def __init__(self, tls: ssl.SSLContext | None = None, name: str = "127.0.0.1") -> None:
        """With `tls`, the server speaks HTTPS; `name` is the host its addresses use (it
        listens on 127.0.0.1 whatever the name)."""
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                outer.hits[path] = outer.hits.get(path, 0) + 1
                route = outer.routes.get(path)
                if route is None:
                    route = Route(404, b"<h1>Not found</h1>")
                body = route.body.replace(b"__BASE__", outer.base.encode())
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for key, value in route.headers.items():
                    self.send_header(key, value.replace("__BASE__", outer.base))
                if route.stream is None:
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    route.stream(self, outer.stopping)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.base = f"{'https' if tls else 'http'}://{name}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------- awkward bodies


def never_finishes(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
    """Sends the start of a page, then nothing, until the server stops."""
    handler.wfile.write(b"<html><body><p>The start of a page")
    handler.wfile.flush()
    stopping.wait(120)


def trickles(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
    """One byte every 0.2 s: each read succeeds, so only a deadline for the whole fetch stops it."""
    while not stopping.is_set():
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.2)


def megabytes(n: int) -> Callable[[BaseHTTPRequestHandler, threading.Event], None]:
    def stream(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        chunk = b"<p>" + b"word " * 200_000 + b"</p>\n"  # about 1 MB
        sent = 0
        while sent < n * 1_000_000 and not stopping.is_set():
            handler.wfile.write(chunk)
            sent += len(chunk)
    return stream


def gzip_bomb(expanded_megabytes: int = 1024) -> Callable[[BaseHTTPRequestHandler, threading.Event], None]:
    """A gzip stream of zeros about a thousandth of its expanded size. Made from two flushed
    blocks: the second, repeated, is valid deflate data after the first (the window is all
    zeros either way), so no gigabyte is compressed to make it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    megabyte = b"\0" * 1_000_000
    first = compressor.compress(megabyte) + compressor.flush(zlib.Z_SYNC_FLUSH)
    repeat = compressor.compress(megabyte) + compressor.flush(zlib.Z_SYNC_FLUSH)

    def stream(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        handler.wfile.write(first)
        for _ in range(expanded_megabytes - 1):
            if stopping.is_set():
                return
            handler.wfile.write(repeat)
    return stream


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)
