"""Fetching a page or feed over HTTP(S), within bounds that a hostile or broken server cannot
stretch.

urllib3 carries the requests, with redirects, retries and decompression left to this module,
because every bound has to hold at once:
- http and https only, on every hop; an address with a user name or password is refused;
- a deadline for the whole fetch (connect, headers, body and every redirect), enforced by a
  watchdog that shuts the socket (urllib3's timeouts bound each socket operation only), so a
  server that trickles one byte a second cannot hold a run for longer than the deadline;
- a cap on the body, counted after decompression too (a gzip bomb stops at the cap);
- at most `max_redirects` redirects, and a loop is named as one;
- the content type checked against what the caller can read;
- private, loopback and link-local addresses refused, unless the address the user named is
  itself one of them (an intranet page, or a test server): a public page cannot redirect, and
  a public feed cannot point, into the local network. The connection goes to the address that
  was checked, so the name cannot resolve to another one in between; the Host header, SNI and
  the certificate check still use the name.
Proxies named by the usual environment variables (https_proxy, http_proxy, no_proxy) are used.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.errors import BriefError

if TYPE_CHECKING:
    import socket

    import urllib3

# urllib3, http.client, ssl and urllib.request cost tens of milliseconds to import: they are
# imported when a fetch starts, so reading local files does not pay for them.

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_MAX_REDIRECTS = 5
_CHUNK = 65536

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                        "application/xml", "text/xml", "application/x-rss+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
ANY_ARTICLE = PAGE_TYPES | FEED_TYPES | TEXT_TYPES

__all__ = ["FetchLimits", "Fetched", "fetch", "is_web_address", "ANY_ARTICLE", "PAGE_TYPES", "FEED_TYPES",
           "TEXT_TYPES"]


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    # None: private addresses are allowed only when the address asked for is private itself.
    allow_private: bool | None = None
    user_agent: str = ""


@dataclass
class Fetched:
    url: str  # the address asked for
    final_url: str  # the address the body came from, after redirects
    content_type: str  # media type, lower case, without parameters ("" when the server gave none)
    charset: str | None
    data: bytes
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type_header(self) -> str:
        return f"{self.content_type}; charset={self.charset}" if self.charset else self.content_type


_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s]*@")


def mask_credentials(text: str) -> str:
    """`text` with the user name and password of every address in it shown as ***, so that
    no message, warning or document repeats a password."""
    return _CREDENTIALS.sub(r"\1***@", text) if "@" in text else text


def is_web_address(spec: str) -> bool:
    return spec[:8].lower().startswith(("http://", "https://"))


def fetch(url: str, limits: FetchLimits = FetchLimits(), accept: frozenset[str] = ANY_ARTICLE,
          *, subject: str | None = None, trusted_private: bool | None = None,
          linked_from: str = "a public address") -> Fetched:
    """The body at `url`, or a BriefError that says what went wrong in one line.

    `subject` names the source in errors (the address by default). `trusted_private` says
    whether private addresses may be reached, for an address the user did not name (a feed's
    item: true when the feed itself is on a private address); by default an address the user
    names may be private when it is private itself. `linked_from` says where an address the user
    did not name came from, for the refusal."""
    subject = mask_credentials(subject or url)
    deadline = time.monotonic() + limits.timeout
    first = _parse(url, subject)
    allow_private = limits.allow_private
    if allow_private is None:
        allow_private = trusted_private if trusted_private is not None else _is_private_host(
            first.hostname or "", first.port, subject, deadline, limits)
        refusal = (f"reached from {linked_from}",
                   f"{linked_from} may not lead into a private network; --allow-private (allow_private = true "
                   "under a pack's [fetch]) lets it, if it is meant to be read")
    else:
        refusal = ("not allowed by the settings (allow_private = false)",
                   "set allow_private = true under [fetch] (--allow-private for generate) if it is meant to be read")
    visited = [url]
    current = url
    for _ in range(limits.max_redirects + 1):
        response = _request(current, limits, deadline, allow_private, subject, accept, refusal)
        if response.location is None:
            response.fetched.url = url
            response.fetched.redirects = visited[1:]
            return response.fetched
        target = urllib.parse.urljoin(current, response.location)
        if target in visited:
            hops = len(visited) - visited.index(target)
            raise BriefError(subject, f"redirect loop (back to {_short(target)} after {hops} "
                                      f"redirect{'s' if hops != 1 else ''})",
                             "the site is misconfigured; try the article's address from a browser")
        visited.append(target)
        current = target
    raise BriefError(subject, f"more than {limits.max_redirects} redirects",
                     "use the article's final address, as a browser shows it")


# --------------------------------------------------------------------------- one request


@dataclass
class _Response:
    fetched: Fetched | None
    location: str | None


class _Watchdog:
    """Shuts the connection's socket when the deadline passes, whatever the request is blocked
    on: urllib3's timeouts bound each socket operation, not the whole fetch."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.fired = False
        self.sock: "socket.socket | None" = None
        self.lock = threading.Lock()
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self.fire)
        self.timer.daemon = True
        self.timer.start()

    def watch(self, sock: "socket.socket | None") -> None:
        if sock is None:
            return
        with self.lock:
            self.sock = sock
            if self.fired:
                _shut(sock)

    def fire(self) -> None:
        with self.lock:
            self.fired = True
            if self.sock is not None:
                _shut(self.sock)

    def cancel(self) -> None:
        self.timer.cancel()


def _shut(sock: "socket.socket") -> None:
    import socket

    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})


def _request(url: str, limits: FetchLimits, deadline: float, allow_private: bool, subject: str,
             accept: frozenset[str], refusal: tuple[str, str]) -> _Response:
    import http.client
    import ssl

    import urllib3

    parts = _parse(url, subject)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = _proxy_for(parts.scheme, host)
    pinned = _checked_address(host, port, allow_private, subject, deadline, limits, refusal, proxy is not None)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(subject, limits)
    watchdog = _Watchdog(deadline)
    headers = {
        "Accept": ", ".join(sorted(accept)) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "User-Agent": limits.user_agent or _user_agent(),
        "Connection": "close",
    }
    options = dict(headers=headers, retries=False, redirect=False, preload_content=False, decode_content=False,
                   timeout=urllib3.Timeout(connect=remaining, read=remaining))
    pools = _watched_pools(watchdog)
    manager = None
    pool = None
    response = None
    try:
        if proxy:
            # The proxy connects, so the address was checked where it could be.
            manager = urllib3.ProxyManager(f"http://{_host_port(*proxy)}", num_pools=1)
            manager.pool_classes_by_scheme = pools
            response = manager.urlopen("GET", f"{parts.scheme}://{_host_header(parts, host)}{_path(parts)}",
                                       **options)
        else:
            # Connect to the address that was checked, with the name the user gave in the Host
            # header and for TLS (SNI and the certificate), so that no second lookup can lead
            # elsewhere.
            headers["Host"] = _host_header(parts, host)
            if parts.scheme == "https":
                pool = pools["https"](pinned, port, maxsize=1, server_hostname=host, assert_hostname=host,
                                      ssl_context=ssl.create_default_context())
            else:
                pool = pools["http"](pinned, port, maxsize=1)
            response = pool.urlopen("GET", _path(parts), **options)
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            if not location:
                raise BriefError(subject, f"the server redirected ({response.status}) without saying where",
                                 "try the article's address from a browser")
            return _Response(None, location.strip())
        if response.status != 200:
            # The reason phrase is the server's text: only its printable ASCII is repeated.
            reason = "".join(c for c in (response.reason or "") if " " <= c <= "~")[:60].strip()
            reason = reason or http.client.responses.get(response.status, "")
            raise BriefError(subject, f"the server answered {response.status} {reason}".rstrip(),
                             _status_hint(response.status))
        content_type, charset = _content_type(response.headers.get("Content-Type") or "")
        if content_type and content_type not in accept:
            raise BriefError(subject, f"is {content_type}, not a news page or feed",
                             "give the address of the article's web page, or of an RSS or Atom feed")
        length = (response.headers.get("Content-Length") or "").strip()
        declared = int(length) if length.isdigit() else None
        if declared is not None and declared > limits.max_bytes:
            raise _too_large(subject, limits, "")
        encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
        if encoding not in _ENCODINGS:
            raise BriefError(subject, f"the server sent the page compressed as {encoding!r}, which brief cannot read",
                             "try again later, or save the page from a browser")
        data = _read_body(response, encoding, declared, limits, subject, watchdog)
        if watchdog.fired:  # the body ended because the watchdog shut the socket
            raise _timed_out(subject, limits)
        return _Response(Fetched(url, url, content_type, charset, data), None)
    except BriefError:
        if watchdog.fired:
            raise _timed_out(subject, limits) from None
        raise
    except (OSError, http.client.HTTPException, ssl.SSLError, urllib3.exceptions.HTTPError) as exc:
        if watchdog.fired or _is_timeout(exc):
            raise _timed_out(subject, limits) from None
        raise _connection_error(subject, exc) from None
    finally:
        watchdog.cancel()
        if response is not None:
            response.close()
        if pool is not None:
            pool.close()
        if manager is not None:
            manager.clear()


def _watched_pools(watchdog: _Watchdog) -> dict[str, type]:
    """Connection pools whose connections hand their socket to `watchdog` once connected, so
    that the deadline holds while the headers arrive as well as the body."""
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection

    class WatchedHTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class WatchedHTTPSConnection(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class WatchedHTTPPool(urllib3.HTTPConnectionPool):
        ConnectionCls = WatchedHTTPConnection

    class WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPSConnection

    return {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}


def _read_body(response: "urllib3.HTTPResponse", encoding: str, declared: int | None, limits: FetchLimits,
               subject: str, watchdog: _Watchdog) -> bytes:
    """The body, decompressed here rather than by urllib3 so that the raw and the decompressed
    sizes are both capped as they grow, and a compressed stream cut short is noticed."""
    import http.client

    import urllib3

    if encoding in ("", "identity"):
        decoder = None
    elif encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    else:
        decoder = _DeflateDecoder()
    body = bytearray()
    received = 0
    try:
        while True:
            chunk = response.read1(_CHUNK, decode_content=False)
            if not chunk:
                break
            received += len(chunk)
            if received > limits.max_bytes:
                raise _too_large(subject, limits, "")
            if decoder is None:
                body += chunk
                continue
            try:
                body += decoder.decompress(chunk, limits.max_bytes + 1 - len(body))
            except zlib.error:
                raise BriefError(subject, "the compressed page is corrupt", "try again later") from None
            if len(body) > limits.max_bytes or decoder.unconsumed_tail:
                raise _too_large(subject, limits, " after decompression")
    except urllib3.exceptions.ProtocolError as exc:
        if watchdog.fired:
            raise _timed_out(subject, limits) from None
        if declared is not None and isinstance(_cause(exc), http.client.IncompleteRead):
            raise BriefError(subject, f"the page ended early ({received:,} of {declared:,} bytes)",
                             "the connection was cut; try again later") from None
        raise
    if watchdog.fired:
        raise _timed_out(subject, limits)
    if decoder is not None and not decoder.eof and received:
        raise BriefError(subject, "the page ended before its compressed data did", "try again later")
    if declared is not None and decoder is None and received < declared:
        raise BriefError(subject, f"the page ended early ({received:,} of {declared:,} bytes)",
                         "the connection was cut; try again later")
    return bytes(body)


class _DeflateDecoder:
    """HTTP "deflate" is zlib-wrapped by the standard and raw deflate by some servers."""

    def __init__(self) -> None:
        self.inner = None
        self.unconsumed_tail = b""

    @property
    def eof(self) -> bool:
        return self.inner is not None and self.inner.eof

    def decompress(self, chunk: bytes, max_length: int) -> bytes:
        if self.inner is None:
            self.inner = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
        out = self.inner.decompress(chunk, max_length)
        self.unconsumed_tail = self.inner.unconsumed_tail
        return out


def _is_timeout(exc: BaseException) -> bool:
    import urllib3

    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # a subclass of the connect timeout
        return isinstance(_cause(exc), TimeoutError)
    return isinstance(exc, (TimeoutError, urllib3.exceptions.TimeoutError)) or isinstance(_cause(exc), TimeoutError)


def _cause(exc: BaseException) -> BaseException:
    """The error underneath urllib3's wrappers (a refused connection, a bad status line, a
    certificate that does not verify)."""
    import urllib3

    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, urllib3.exceptions.NewConnectionError):
            inner = exc.__cause__ or exc.__context__
        elif isinstance(exc, (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError,
                              urllib3.exceptions.ProxyError, urllib3.exceptions.MaxRetryError)):
            inner = getattr(exc, "reason", None) or next(
                (arg for arg in exc.args if isinstance(arg, BaseException)), None) or exc.__cause__ or exc.__context__
        else:
            inner = None
        if inner is None:
            return exc
        exc = inner
    return exc


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _host_header(parts: urllib.parse.SplitResult, host: str) -> str:
    """The host as the user named it, with the port when it is not the scheme's own."""
    try:
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        name = host
    if ":" in name:
        name = f"[{name}]"
    return f"{name}:{parts.port}" if parts.port else name


# --------------------------------------------------------------------------- addresses


def _parse(url: str, subject: str) -> urllib.parse.SplitResult:
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise BriefError(subject, "the address contains spaces or control characters", "check the address")
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.port == 0:
            raise ValueError("port 0")  # urlsplit takes it, but nothing listens there
    except ValueError as exc:
        raise BriefError(subject, f"is not a valid address ({exc})", "check the address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BriefError(subject, f"{parts.scheme or 'this'}: addresses are not fetched",
                         "only http:// and https:// addresses are read")
    if not parts.hostname:
        raise BriefError(subject, "the address names no host", "check the address")
    if parts.username is not None or parts.password is not None:
        raise BriefError(subject, "the address holds a user name or password",
                         "brief does not send credentials; save the page from a browser instead")
    return parts


def _path(parts: urllib.parse.SplitResult) -> str:
    """The request target, with anything outside ASCII percent-encoded as browsers send it
    (characters already percent-encoded are left as they are)."""
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if not parts.query:
        return path
    return f"{path}?{urllib.parse.quote(parts.query, safe='/?%:@!$&()*+,;=-._~')}"


def _addresses(host: str, port: int | None, subject: str, deadline: float | None = None,
               limits: FetchLimits | None = None) -> list[str]:
    """The host's addresses. The lookup runs in a thread so that a resolver that does not
    answer costs the fetch's deadline, not more."""
    import ipaddress
    import socket

    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    found: dict[str, object] = {}

    def resolve() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            found["error"] = exc

    if deadline is None:
        resolve()
    else:
        lookup = threading.Thread(target=resolve, daemon=True)
        lookup.start()
        lookup.join(max(0.0, deadline - time.monotonic()))
        if lookup.is_alive():
            raise _timed_out(subject, limits or FetchLimits(), f" looking up {host}")
    if "error" in found:
        raise BriefError(subject, f"cannot find the host {host!r} ({found['error']})",
                         "check the address and the network connection")
    return list(dict.fromkeys(info[4][0] for info in found["infos"]))


def _is_private_address(address: str) -> bool:
    import ipaddress

    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified)


def _is_private_host(host: str, port: int | None, subject: str, deadline: float | None = None,
                     limits: FetchLimits | None = None) -> bool:
    try:
        addresses = _addresses(host, port, subject, deadline, limits)
    except BriefError:
        if _proxy_for("http", host) or _proxy_for("https", host):
            return False  # only the proxy can resolve it
        raise
    return any(_is_private_address(a) for a in addresses)


def _checked_address(host: str, port: int, allow_private: bool, subject: str, deadline: float,
                     limits: FetchLimits, refusal: tuple[str, str], proxied: bool = False) -> str | None:
    """The address to connect to, once checked. Behind a proxy, a name this machine cannot
    resolve is left to the proxy."""
    try:
        addresses = _addresses(host, port, subject, deadline, limits)
    except BriefError:
        if proxied:
            return None
        raise
    if not allow_private:
        private = [a for a in addresses if _is_private_address(a)]
        if private:
            problem, hint = refusal
            raise BriefError(subject, f"{host} is a private or local address ({private[0]}), {problem}", hint)
    return addresses[0]


def _proxy_for(scheme: str, host: str) -> tuple[str, int] | None:
    import urllib.request

    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or 8080


# --------------------------------------------------------------------------- messages


def _content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').strip("'")[:40] or None
    return media.strip().lower(), charset


def _user_agent() -> str:
    from pipeline import __version__

    return f"brief/{__version__} (news briefing; +https://pypi.org/project/brief/)"


def _short(url: str, limit: int = 80) -> str:
    url = mask_credentials(url)
    return url if len(url) <= limit else url[:limit - 1] + "\u2026"


def _describe(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n:,} bytes"


def _too_large(subject: str, limits: FetchLimits, when: str) -> BriefError:
    return BriefError(subject, f"the page is over the {_describe(limits.max_bytes)} limit{when}",
                      "a news article is far smaller; check the address, or raise max_bytes under [fetch]")


def _timed_out(subject: str, limits: FetchLimits, doing: str = "") -> BriefError:
    return BriefError(subject, f"fetch timed out after {limits.timeout:g} s{doing}",
                      "the site is slow or not answering; try again later, or raise timeout under [fetch]")


def _connection_error(subject: str, exc: BaseException) -> BriefError:
    import http.client
    import ssl

    from urllib3.util.ssl_match_hostname import CertificateError

    exc = _cause(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return BriefError(subject, f"the site's certificate does not verify ({exc.verify_message})",
                          "check the address; brief never skips certificate checks")
    if isinstance(exc, CertificateError):  # urllib3 matches the name itself, as it connects to the address
        return BriefError(subject, f"the site's certificate does not verify ({exc})",
                          "check the address; brief never skips certificate checks")
    if isinstance(exc, ConnectionRefusedError):
        return BriefError(subject, "the connection was refused", "check the address, or try again later")
    if isinstance(exc, http.client.HTTPException):
        return BriefError(subject, f"the server's answer is not valid HTTP ({type(exc).__name__})",
                          "try again later, or save the page from a browser")
    return BriefError(subject, f"cannot fetch ({getattr(exc, 'strerror', None) or exc})",
                      "check the address and the network connection")


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return "the site refuses automated reading; save the page from a browser and give the file"
    if status in (404, 410):
        return "check the address; the article may have moved or been removed"
    if status >= 500:
        return "the site has a fault; try again later"
    return "check the address"
