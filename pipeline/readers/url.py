"""Fetching a page or feed over HTTP(S), within bounds that a hostile or broken server cannot
stretch.

The standard library's http.client is used directly, because every bound has to hold at once:
- http and https only, on every hop; an address with a user name or password is refused;
- a deadline for the whole fetch (connect, headers, body and every redirect), enforced by a
  watchdog that shuts the socket, so a server that trickles one byte a second cannot hold a
  run for longer than the deadline;
- a cap on the body, counted after decompression too (a gzip bomb stops at the cap);
- at most `max_redirects` redirects, and a loop is named as one;
- the content type checked against what the caller can read;
- private, loopback and link-local addresses refused, unless the address the user named is
  itself one of them (an intranet page, or a test server): a public page cannot redirect, and
  a public feed cannot point, into the local network. The connection goes to the address that
  was checked, so the name cannot resolve to another one in between.
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
    import http.client
    import socket

# http.client, ssl and urllib.request cost 50 ms to import: they are imported when a fetch
# starts, so reading local files does not pay for them.

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
    """Shuts the socket when the deadline passes, whatever the request is blocked on."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.fired = False
        self._sock: "socket.socket | None" = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: "socket.socket") -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                _shut(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: "socket.socket") -> None:
    import socket

    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _request(url: str, limits: FetchLimits, deadline: float, allow_private: bool, subject: str,
             accept: frozenset[str], refusal: tuple[str, str]) -> _Response:
    import http.client
    import socket
    import ssl

    parts = _parse(url, subject)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = _proxy_for(parts.scheme, host)
    pinned = _checked_address(host, port, allow_private, subject, deadline, limits, refusal, proxy is not None)
    if proxy:
        pinned = None  # the proxy connects; the address was checked where it could be
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(subject, limits)
    watchdog = _Watchdog(deadline)
    connection = _connection(parts.scheme, host, port, pinned, proxy, remaining)
    try:
        target = url if proxy and parts.scheme == "http" else _path(parts)
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.putheader("Accept", ", ".join(sorted(accept)) + ", */*;q=0.1")
        connection.putheader("Accept-Encoding", "gzip, deflate")
        connection.putheader("User-Agent", limits.user_agent or _user_agent())
        connection.putheader("Connection", "close")
        connection.endheaders()
        if connection.sock is not None:
            watchdog.watch(connection.sock)
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
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
        content_type, charset = _content_type(response.getheader("Content-Type") or "")
        if content_type and content_type not in accept:
            raise BriefError(subject, f"is {content_type}, not a news page or feed",
                             "give the address of the article's web page, or of an RSS or Atom feed")
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > limits.max_bytes:
            raise _too_large(subject, limits, "")
        data = _read_body(response, (response.getheader("Content-Encoding") or "").strip().lower(),
                          limits, subject)
        if (length and length.strip().isdigit() and not response.getheader("Content-Encoding")
                and len(data) < int(length) and not watchdog.fired):
            raise BriefError(subject, f"the page ended early ({len(data):,} of {int(length):,} bytes)",
                             "the connection was cut; try again later")
        if watchdog.fired:  # the body ended because the watchdog shut the socket
            raise _timed_out(subject, limits)
        return _Response(Fetched(url, url, content_type, charset, data), None)
    except BriefError:
        if watchdog.fired:
            raise _timed_out(subject, limits) from None
        raise
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        if watchdog.fired or isinstance(exc, (socket.timeout, TimeoutError)):
            raise _timed_out(subject, limits) from None
        raise _connection_error(subject, exc) from None
    finally:
        watchdog.cancel()
        connection.close()


def _read_body(response: "http.client.HTTPResponse", encoding: str, limits: FetchLimits, subject: str) -> bytes:
    if encoding in ("", "identity"):
        decoder = None
    elif encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = _DeflateDecoder()
    else:
        raise BriefError(subject, f"the server sent the page compressed as {encoding!r}, which brief cannot read",
                         "try again later, or save the page from a browser")
    body = bytearray()
    received = 0
    while True:
        chunk = response.read1(_CHUNK)
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
    if decoder is not None and not decoder.eof and received:
        raise BriefError(subject, "the page ended before its compressed data did", "try again later")
    if len(body) > limits.max_bytes:
        raise _too_large(subject, limits, "")
    return bytes(body)


class _DeflateDecoder:
    """HTTP "deflate" is zlib-wrapped by the standard and raw deflate by some servers."""

    def __init__(self) -> None:
        self._inner: "zlib._Decompress | None" = None
        self.unconsumed_tail = b""

    @property
    def eof(self) -> bool:
        return self._inner is not None and self._inner.eof

    def decompress(self, chunk: bytes, max_length: int) -> bytes:
        if self._inner is None:
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
        out = self._inner.decompress(chunk, max_length)
        self.unconsumed_tail = self._inner.unconsumed_tail
        return out


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


def _connection(scheme: str, host: str, port: int, pinned: str | None, proxy: tuple[str, int] | None,
                timeout: float) -> "http.client.HTTPConnection":
    import http.client
    import socket
    import ssl

    if scheme == "https":
        context = ssl.create_default_context()
        if proxy:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                proxy[0], proxy[1], timeout=timeout, context=context)
            connection.set_tunnel(host, port)
            return connection
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    elif proxy:
        return http.client.HTTPConnection(proxy[0], proxy[1], timeout=timeout)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    if pinned is not None:
        # Connect to the address that was checked; TLS still verifies the certificate for `host`.
        connection._create_connection = (  # type: ignore[attr-defined]
            lambda address, timeout=None, source=None: socket.create_connection((pinned, address[1]), timeout, source))
    return connection


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

    if isinstance(exc, ssl.SSLCertVerificationError):
        return BriefError(subject, f"the site's certificate does not verify ({exc.verify_message})",
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
