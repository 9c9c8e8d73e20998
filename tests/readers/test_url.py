"""Fetching over HTTP (pipeline.readers.url) against a real server on 127.0.0.1: saved pages,
compressed bodies, servers that stall or trickle, oversized pages and gzip bombs, redirects,
status codes, content types, refused addresses, private addresses and the request headers.

Every slow-server case runs with a 1 or 2 s deadline and checks that the refusal arrives
within that deadline plus a little slack, so no test here can hold the run for long."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Iterator

import pytest

from pipeline.errors import BriefError, one_line
from pipeline.readers import url as url_module
from pipeline.readers.url import PAGE_TYPES, FetchLimits, fetch, mask_credentials
from tests.web_server import Route, WebServer, gzip_bomb, gzipped, megabytes, never_finishes, trickles

WEB_FIXTURES = Path(__file__).resolve().parent / "web_fixtures"
PAGE = (WEB_FIXTURES / "port-strike.html").read_bytes()
SLACK = 1.5  # seconds allowed beyond a deadline, for a loaded machine

PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "no_proxy",
                   "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]


def _fixture_routes() -> dict[str, Route]:
    """The routes conftest's `web_server` serves: the saved pages and feeds of web_fixtures/."""
    routes = {}
    for page in WEB_FIXTURES.glob("*.html"):
        routes["/" + page.name] = Route(body=page.read_bytes())
        if page.name.startswith("news-item-"):
            routes["/news/" + page.name[len("news-"):]] = Route(body=page.read_bytes())
    for feed in WEB_FIXTURES.glob("feed-*.xml"):
        kind = "application/atom+xml" if "atom" in feed.name else "application/rss+xml"
        routes["/" + feed.name] = Route(body=feed.read_bytes(), content_type=kind + "; charset=utf-8")
    return routes


@pytest.fixture(scope="module")
def shared_server() -> Iterator[WebServer]:
    """One server for the module: each server's shutdown waits out a 0.5 s poll, which per
    test would double this module's run time."""
    server = WebServer()
    yield server
    server.close()


@pytest.fixture()
def web_server(shared_server: WebServer) -> WebServer:
    """Overrides conftest's fixture: the shared server, with its routes and hits as new."""
    shared_server.routes = _fixture_routes()
    shared_server.hits.clear()
    return shared_server


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Requests go straight to the test server, whatever proxy the machine names."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def refused(url: str, limits: FetchLimits = FetchLimits(timeout=5), *, within: float | None = None,
            **kwargs) -> BriefError:
    """The BriefError that fetching `url` raises, checked to be one line naming the address
    (or the subject given). The fetch runs in a thread, so a fetch that does not stop fails the
    test after `within` seconds (the deadline plus slack by default) instead of hanging it."""
    bound = within if within is not None else limits.timeout + SLACK
    outcome: dict[str, object] = {}

    def attempt() -> None:
        try:
            outcome["fetched"] = fetch(url, limits, **kwargs)
        except BaseException as exc:  # handed to the test's thread below
            outcome["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(bound)
    if thread.is_alive():
        pytest.fail(f"fetching {url!r} was still running after {bound} s")
    elapsed = time.monotonic() - started
    error = outcome.get("error")
    if error is None:
        pytest.fail(f"fetching {url!r} succeeded: {outcome['fetched']!r}")
    if not isinstance(error, BriefError):
        raise error
    text = str(error)
    assert "\n" not in text and "\r" not in text
    # The address is named with any user name and password masked (issue 18).
    assert text.startswith(one_line(kwargs.get("subject") or mask_credentials(url)) + ": ")
    assert error.problem and error.hint
    assert elapsed < bound, f"took {elapsed:.2f} s: {text}"
    return error


def redirect(location: str, status: int = 302) -> Route:
    return Route(status, b"", headers={"Location": location})


@contextlib.contextmanager
def raw_server(reply: bytes = b"") -> Iterator[str]:
    """A bare TCP server on 127.0.0.1 that accepts connections and then sends `reply` (nothing
    at all by default), holding each connection open until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)
    done = threading.Event()
    connections: list[socket.socket] = []

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                return
            connections.append(connection)
            if reply:
                connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        thread.join(2)
        listener.close()
        for connection in connections:
            connection.close()


def echo_request(handler, stopping) -> None:
    """A stream route that answers with the request line's target and the request headers."""
    handler.wfile.write(f"PATH {handler.path}\n{handler.headers}".encode("latin-1"))


# --------------------------------------------------------------------------- pages


def test_saved_page_is_fetched_byte_for_byte(web_server):
    url = web_server.url("/port-strike.html")
    fetched = fetch(url)
    assert fetched.data == PAGE
    assert (fetched.content_type, fetched.charset) == ("text/html", "utf-8")
    assert fetched.content_type_header == "text/html; charset=utf-8"
    assert fetched.url == fetched.final_url == url
    assert fetched.redirects == []


def test_feed_keeps_its_content_type(web_server):
    fetched = fetch(web_server.url("/feed-rss2.xml"))
    assert fetched.content_type == "application/rss+xml"
    saved = (WEB_FIXTURES / "feed-rss2.xml").read_bytes()
    assert fetched.data == saved.replace(b"__BASE__", web_server.base.encode())


@pytest.mark.parametrize("header, content_type, charset", [
    ('Text/HTML; Charset="ISO-8859-1"', "text/html", "ISO-8859-1"),
    ("text/html", "text/html", None),
    ("text/plain; format=flowed; charset='windows-1252'", "text/plain", "windows-1252"),
    ("", "", None),
])
def test_content_type_header_is_parsed(web_server, header, content_type, charset):
    web_server.routes["/typed"] = Route(body=b"<p>x</p>", content_type=header)
    fetched = fetch(web_server.url("/typed"))
    assert (fetched.content_type, fetched.charset) == (content_type, charset)


# --------------------------------------------------------------------------- compression


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize("encoding, body", [
    ("gzip", gzipped(PAGE)),
    ("x-gzip", gzipped(PAGE)),
    ("deflate", zlib.compress(PAGE)),  # zlib-wrapped, as the standard says
    ("deflate", _raw_deflate(PAGE)),  # raw, as some servers send it
    ("identity", PAGE),
], ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity"])
def test_compressed_page_is_decoded(web_server, encoding, body):
    web_server.routes["/packed"] = Route(body=body, headers={"Content-Encoding": encoding})
    assert fetch(web_server.url("/packed")).data == PAGE


@pytest.mark.parametrize("encoding, body, problem", [
    ("gzip", gzipped(PAGE)[:-20], "the page ended before its compressed data did"),
    ("gzip", b"this is not gzip data at all", "the compressed page is corrupt"),
    ("br", b"\x0b\x02\x80hello\x03", "the server sent the page compressed as 'br', which brief cannot read"),
], ids=["truncated", "corrupt", "brotli"])
def test_unreadable_compressed_page_is_refused(web_server, encoding, body, problem):
    web_server.routes["/packed"] = Route(body=body, headers={"Content-Encoding": encoding})
    assert refused(web_server.url("/packed")).problem == problem


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize("stream", [never_finishes, trickles], ids=["never-finishes", "trickles"])
def test_slow_body_stops_at_the_deadline(web_server, stream):
    web_server.routes["/slow"] = Route(stream=stream)
    error = refused(web_server.url("/slow"), FetchLimits(timeout=1), within=1 + SLACK)
    assert error.problem == "fetch timed out after 1 s"
    assert "try again later" in error.hint


def test_server_that_never_sends_headers_stops_at_the_deadline():
    with raw_server() as base:
        error = refused(base + "/page", FetchLimits(timeout=1), within=1 + SLACK)
    assert error.problem == "fetch timed out after 1 s"


def test_deadline_is_named_as_given(web_server):
    web_server.routes["/slow"] = Route(stream=never_finishes)
    error = refused(web_server.url("/slow"), FetchLimits(timeout=0.5), within=0.5 + SLACK)
    assert error.problem == "fetch timed out after 0.5 s"


def test_answer_that_is_not_http_is_refused():
    with raw_server(b"HELLO THERE\r\n\r\n") as base:
        error = refused(base + "/", FetchLimits(timeout=2), within=2)
    assert error.problem == "the server's answer is not valid HTTP (BadStatusLine)"


def test_closed_port_is_a_refused_connection():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = refused(f"http://127.0.0.1:{port}/page", FetchLimits(timeout=2), within=2)
    assert error.problem == "the connection was refused"


# --------------------------------------------------------------------------- size


def test_huge_page_without_length_stops_at_the_cap(web_server):
    web_server.routes["/huge"] = Route(stream=megabytes(50))
    error = refused(web_server.url("/huge"), FetchLimits(timeout=10), within=5)
    assert error.problem == "the page is over the 10 MB limit"
    assert "max_bytes" in error.hint


def test_declared_length_over_the_cap_is_refused_before_the_body(web_server):
    # The headers promise 5000 bytes and the body never comes: only a refusal on the header
    # itself can answer before the deadline.
    def stall(handler, stopping):
        stopping.wait(10)

    web_server.routes["/long"] = Route(headers={"Content-Length": "5000"}, stream=stall)
    error = refused(web_server.url("/long"), FetchLimits(timeout=2, max_bytes=1000), within=1)
    assert error.problem == "the page is over the 1,000 bytes limit"


@pytest.mark.parametrize("size, allowed", [(1000, True), (1001, False)])
def test_cap_is_inclusive_without_a_declared_length(web_server, size, allowed):
    body = b"x" * size
    web_server.routes["/sized"] = Route(stream=lambda handler, stopping: handler.wfile.write(body))
    limits = FetchLimits(timeout=2, max_bytes=1000)
    if allowed:
        assert fetch(web_server.url("/sized"), limits).data == body
    else:
        assert refused(web_server.url("/sized"), limits).problem == "the page is over the 1,000 bytes limit"


def test_gzip_bomb_stops_at_the_cap_in_bounded_memory(web_server):
    web_server.routes["/bomb"] = Route(stream=gzip_bomb(), headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        error = refused(web_server.url("/bomb"), FetchLimits(timeout=10), within=8)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.problem == "the page is over the 10 MB limit after decompression"
    assert peak < 50_000_000, f"peak {peak / 1e6:.1f} MB while reading a gzip bomb"


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_one_redirect_is_followed(web_server, status):
    web_server.routes["/old"] = redirect("__BASE__/port-strike.html", status)
    url = web_server.url("/old")
    fetched = fetch(url)
    assert fetched.data == PAGE
    assert fetched.url == url
    assert fetched.final_url == web_server.url("/port-strike.html")
    assert fetched.redirects == [web_server.url("/port-strike.html")]


def test_relative_location_is_resolved_against_the_current_address(web_server):
    web_server.routes["/a/b/old"] = redirect("../../port-strike.html?x=1")
    web_server.routes["/port-strike.html"] = Route(stream=echo_request)
    fetched = fetch(web_server.url("/a/b/old"))
    assert fetched.final_url == web_server.url("/port-strike.html?x=1")
    assert fetched.data.startswith(b"PATH /port-strike.html?x=1\n")


def test_redirect_loop_is_named(web_server):
    web_server.routes["/a"] = redirect("/b")
    web_server.routes["/b"] = redirect("__BASE__/a")
    error = refused(web_server.url("/a"))
    assert error.problem == f"redirect loop (back to {web_server.url('/a')} after 2 redirects)"
    assert web_server.hits == {"/a": 1, "/b": 1}


def test_redirect_to_itself_is_a_loop(web_server):
    web_server.routes["/self"] = redirect("/self")
    error = refused(web_server.url("/self"))
    assert error.problem.startswith("redirect loop (")
    assert error.problem.endswith(f"back to {web_server.url('/self')} after 1 redirect)")
    assert web_server.hits == {"/self": 1}


def _chain(web_server, length: int) -> str:
    """/hop0 -> /hop1 -> ... -> /hop{length} = the saved page: `length` redirects."""
    for n in range(length):
        web_server.routes[f"/hop{n}"] = redirect(f"/hop{n + 1}")
    web_server.routes[f"/hop{length}"] = Route(body=PAGE)
    return web_server.url("/hop0")


@pytest.mark.parametrize("max_redirects", [0, 2, 5])
def test_redirects_up_to_the_limit_are_followed(web_server, max_redirects):
    fetched = fetch(_chain(web_server, max_redirects), FetchLimits(max_redirects=max_redirects))
    assert fetched.data == PAGE
    assert len(fetched.redirects) == max_redirects


@pytest.mark.parametrize("max_redirects", [0, 2, 5])
def test_more_redirects_than_the_limit_are_refused(web_server, max_redirects):
    error = refused(_chain(web_server, max_redirects + 1), FetchLimits(max_redirects=max_redirects))
    assert error.problem == f"more than {max_redirects} redirects"
    assert web_server.hits.get(f"/hop{max_redirects + 1}") is None


def test_redirect_to_a_file_address_is_refused(web_server):
    web_server.routes["/sneaky"] = redirect("file:///etc/passwd")
    assert refused(web_server.url("/sneaky")).problem == "file: addresses are not fetched"


def test_redirect_without_location_is_refused(web_server):
    web_server.routes["/nowhere"] = Route(302, b"")
    error = refused(web_server.url("/nowhere"))
    assert error.problem == "the server redirected (302) without saying where"


# --------------------------------------------------------------------------- status codes


@pytest.mark.parametrize("status, problem, hint", [
    (404, "the server answered 404 Not Found", "check the address; the article may have moved"),
    (410, "the server answered 410 Gone", "check the address; the article may have moved"),
    (500, "the server answered 500 Internal Server Error", "try again later"),
    (503, "the server answered 503 Service Unavailable", "try again later"),
    (403, "the server answered 403 Forbidden", "refuses automated reading; save the page from a browser"),
    (401, "the server answered 401 Unauthorized", "refuses automated reading"),
    (204, "the server answered 204 No Content", "check the address"),
])
def test_status_other_than_200_is_refused_with_a_hint(web_server, status, problem, hint):
    web_server.routes["/status"] = Route(status, b"<h1>status</h1>")
    error = refused(web_server.url("/status"))
    assert error.problem == problem
    assert hint in error.hint


def test_missing_page_names_the_address(web_server):
    url = web_server.url("/no-such-page.html")
    error = refused(url)
    assert error.subject == url
    assert error.problem == "the server answered 404 Not Found"
    assert "address" in error.hint


# --------------------------------------------------------------------------- content types


def test_pdf_is_refused(web_server):
    web_server.routes["/paper.pdf"] = Route(body=b"%PDF-1.7\n", content_type="application/pdf")
    error = refused(web_server.url("/paper.pdf"))
    assert error.problem == "is application/pdf, not a news page or feed"
    assert "RSS or Atom" in error.hint


def test_feed_is_refused_where_only_pages_are_read(web_server):
    error = refused(web_server.url("/feed-rss2.xml"), accept=PAGE_TYPES)
    assert error.problem == "is application/rss+xml, not a news page or feed"
    assert fetch(web_server.url("/port-strike.html"), accept=PAGE_TYPES).data == PAGE


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize("address, problem", [
    ("ftp://x/y", "ftp: addresses are not fetched"),
    ("file:///etc/passwd", "file: addresses are not fetched"),
    ("javascript:alert(1)", "javascript: addresses are not fetched"),
    ("example.org/page", "this: addresses are not fetched"),
    ("http://user:pw@127.0.0.1/", "the address holds a user name or password"),
    ("http://user@127.0.0.1/", "the address holds a user name or password"),
    ("http://127.0.0.1/a b", "the address contains spaces or control characters"),
    ("http://127.0.0.1/a\tb", "the address contains spaces or control characters"),
    ("http://127.0.0.1/a\x00b", "the address contains spaces or control characters"),
    ("http://127.0.0.1/a\x7fb", "the address contains spaces or control characters"),
    ("http:///nohost", "the address names no host"),
    ("http://127.0.0.1:99999/", "is not a valid address (Port out of range 0-65535)"),
    ("http://127.0.0.1:eighty/", "is not a valid address (Port could not be cast to integer value"),
    ("http://[::1/", "is not a valid address (Invalid IPv6 URL)"),
])
def test_bad_address_is_refused(address, problem):
    error = refused(address, FetchLimits(timeout=1), within=1)
    assert error.problem.startswith(problem)
    assert error.hint


def test_subject_names_the_source_in_errors():
    error = refused("ftp://x/y", subject="[sources] morning")
    assert str(error) == ("[sources] morning: ftp: addresses are not fetched; "
                          "only http:// and https:// addresses are read")


# --------------------------------------------------------------------------- private addresses


def test_local_server_is_refused_when_private_addresses_are_not_allowed(web_server):
    error = refused(web_server.url("/port-strike.html"), FetchLimits(timeout=1, allow_private=False))
    assert "is a private or local address (127.0.0.1)" in error.problem
    assert web_server.hits == {}


def test_local_address_named_by_the_user_is_read_by_default(web_server):
    assert FetchLimits().allow_private is None
    assert fetch(web_server.url("/port-strike.html"), FetchLimits()).data == PAGE


def test_private_address_may_redirect_to_another_private_one_by_default(web_server):
    other = WebServer()
    try:
        other.routes["/page"] = Route(body=PAGE)
        web_server.routes["/elsewhere"] = redirect(other.url("/page"))
        fetched = fetch(web_server.url("/elsewhere"), FetchLimits(timeout=2))
        assert fetched.data == PAGE
        assert fetched.final_url == other.url("/page")
        assert other.hits == {"/page": 1}
    finally:
        other.close()


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/admin",
                                    "http://[::1]:8080/", "http://0.0.0.0/"])
def test_public_address_cannot_redirect_into_private_ones(web_server, monkeypatch, target):
    # The test server stands in for a public site: its address is taken as public.
    real = url_module._is_private_address
    monkeypatch.setattr(url_module, "_is_private_address", lambda address: address != "127.0.0.1" and real(address))
    web_server.routes["/out"] = redirect(target)
    error = refused(web_server.url("/out"), FetchLimits(timeout=1), within=1)
    assert "is a private or local address" in error.problem
    assert "reached from a public address" in error.problem
    assert web_server.hits == {"/out": 1}


@pytest.mark.parametrize("address, private", [
    ("127.0.0.1", True),
    ("10.0.0.1", True),
    ("172.16.5.4", True),
    ("192.168.1.1", True),
    ("169.254.169.254", True),
    ("::1", True),
    ("::ffff:127.0.0.1", True),
    ("::ffff:169.254.169.254", True),
    ("fe80::1%eth0", True),
    ("fc00::1", True),
    ("0.0.0.0", True),
    ("224.0.0.1", True),
    ("8.8.8.8", False),
    ("1.1.1.1", False),
    ("2001:4860:4860::8888", False),
    ("::ffff:8.8.8.8", False),
])
def test_is_private_address(address, private):
    assert url_module._is_private_address(address) is private


def test_metadata_address_is_refused_without_connecting(monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("fetch connected to a refused address")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    error = refused("http://169.254.169.254/latest/meta-data", FetchLimits(timeout=1, allow_private=False),
                    within=0.5)
    assert "private" in error.problem
    assert "(169.254.169.254)" in error.problem


# --------------------------------------------------------------------------- request


def test_request_names_brief_and_the_encodings_it_reads(web_server):
    web_server.routes["/echo"] = Route(content_type="text/plain", stream=echo_request)
    request = fetch(web_server.url("/echo?a=1&b=2")).data.decode("latin-1")
    lines = request.splitlines()
    assert lines[0] == "PATH /echo?a=1&b=2"
    headers = {key.lower(): value for key, _, value in (line.partition(": ") for line in lines[1:] if line)}
    assert headers["user-agent"].startswith("brief/")
    assert headers["accept-encoding"] == "gzip, deflate"
    assert "text/html" in headers["accept"]
    assert headers["host"] == web_server.base.removeprefix("http://")


def test_user_agent_can_be_set(web_server):
    web_server.routes["/echo"] = Route(content_type="text/plain", stream=echo_request)
    request = fetch(web_server.url("/echo"), FetchLimits(user_agent="custom-reader/2")).data
    assert b"\nUser-Agent: custom-reader/2\n" in request


# --------------------------------------------------------------------------- known faults


def test_non_ascii_path_is_fetched_or_refused(web_server):
    web_server.routes["/k%C3%B6ln"] = Route(body=PAGE)
    try:
        assert fetch(web_server.url("/k\u00f6ln"), FetchLimits(timeout=2)).data == PAGE
    except BriefError as error:
        assert "\n" not in str(error)


def test_non_ascii_redirect_is_followed_or_refused(web_server):
    web_server.routes["/moved"] = redirect("/k\u00f6ln")
    web_server.routes["/k%C3%B6ln"] = Route(body=PAGE)
    web_server.routes["/k%F6ln"] = Route(body=PAGE)
    try:
        assert fetch(web_server.url("/moved"), FetchLimits(timeout=2)).data == PAGE
    except BriefError as error:
        assert "\n" not in str(error)


@pytest.mark.parametrize("address", ["http://127.0.0.1/a\nb", "http://127.0.0.1/a\r\nb"])
def test_error_for_an_address_with_a_line_break_is_one_line(address):
    with pytest.raises(BriefError) as caught:
        fetch(address, FetchLimits(timeout=1))
    assert caught.value.problem == "the address contains spaces or control characters"
    assert "\n" not in str(caught.value)


def test_a_body_shorter_than_its_length_is_an_error(web_server):
    def short(handler, stopping) -> None:
        handler.wfile.write(PAGE[:100])  # then the connection closes, 4,900 bytes short

    web_server.routes["/short"] = Route(stream=short, headers={"Content-Length": str(len(PAGE[:100]) + 4900)})
    error = refused(web_server.url("/short"))
    assert "the page ended early (100 of 5,000 bytes)" in error.problem or "ended early" in error.problem


def test_a_hostile_reason_phrase_is_not_repeated_raw(web_server):
    web_server.routes["/odd"] = Route(404, b"gone")
    import http.server

    original = http.server.BaseHTTPRequestHandler.send_response

    def send_response(self, code, message=None):
        original(self, code, "Not\x1b[31m Found\x07" if code == 404 else message)

    http.server.BaseHTTPRequestHandler.send_response = send_response
    try:
        error = refused(web_server.url("/odd"))
    finally:
        http.server.BaseHTTPRequestHandler.send_response = original
    assert "\x1b" not in error.problem and "\x07" not in error.problem and "404" in error.problem


# --------------------------------------------------------------------------- HTTPS


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for `name`, made by the openssl tool."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("the openssl tool is not installed")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@contextlib.contextmanager
def https_server(tmp_path: Path, certified_for: str) -> Iterator[WebServer]:
    """An HTTPS server on 127.0.0.1, named localhost in its addresses, whose certificate
    names `certified_for`."""
    import ssl

    if socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)[0][4][0] != "127.0.0.1":
        pytest.skip("localhost does not resolve to 127.0.0.1 first here")
    cert, key = _certificate(tmp_path, certified_for)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = WebServer(tls=context, name="localhost")
    try:
        yield server
    finally:
        server.close()


def test_https_connects_to_the_checked_address_and_verifies_the_name(tmp_path, monkeypatch):
    # The connection goes to the address that was looked up, yet SNI, the certificate check
    # and the Host header all use the name in the address.
    with https_server(tmp_path, "localhost") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "localhost.pem"))
        server.routes["/echo"] = Route(content_type="text/plain", stream=echo_request)
        request = fetch(server.url("/echo"), FetchLimits(timeout=5)).data.decode("latin-1")
    assert request.startswith("PATH /echo\n")
    assert f"\nHost: localhost:{server.httpd.server_address[1]}\n" in request


def test_https_certificate_for_another_name_is_refused(tmp_path, monkeypatch):
    with https_server(tmp_path, "news.example") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "news.example.pem"))
        error = refused(server.url("/port-strike.html"), FetchLimits(timeout=5))
    assert error.problem.startswith("the site's certificate does not verify (")
    assert "brief never skips certificate checks" in error.hint
    assert server.hits == {}


def test_https_certificate_nobody_vouches_for_is_refused(tmp_path, monkeypatch):
    with https_server(tmp_path, "localhost") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(_certificate(tmp_path, "someone-else")[0]))
        error = refused(server.url("/port-strike.html"), FetchLimits(timeout=5))
    assert error.problem.startswith("the site's certificate does not verify (")
    assert server.hits == {}


# --------------------------------------------------------------------------- proxies


def test_http_proxy_from_the_environment_is_used(web_server, monkeypatch):
    # The test server stands in for the proxy: it is asked for the whole address.
    target = "http://localhost:9/page"
    web_server.routes[target] = Route(content_type="text/plain", stream=echo_request)
    monkeypatch.setenv("http_proxy", web_server.base)
    request = fetch(target, FetchLimits(timeout=5)).data.decode("latin-1")
    assert request.startswith(f"PATH {target}\n")
    assert "\nHost: localhost:9\n" in request
    assert web_server.hits == {target: 1}


def test_no_proxy_sends_the_request_straight_to_the_site(web_server, monkeypatch):
    with socket.socket() as probe:  # a proxy address where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
    assert refused(web_server.url("/port-strike.html")).problem == "the connection was refused"
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    assert fetch(web_server.url("/port-strike.html")).data == PAGE


# --------------------------------------------------------------------------- import cost


def test_help_does_not_import_the_http_client():
    import subprocess
    import sys

    code = ("import sys\nfrom pipeline.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('urllib3', 'http.client', 'ssl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip().splitlines()[-1] == "[]"
