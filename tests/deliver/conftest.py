"""Real SMTP servers for the delivery tests: aiosmtpd on 127.0.0.1, on a free port, in a thread.

`smtp_server` accepts everything unless the test asks otherwise through its handler:

    smtp_server.handler.fail_first = "DATA"       # 451 to the first DATA (or "MAIL")
    smtp_server.handler.refuse = {"c@example.org"} # 550 5.1.1 at RCPT
    smtp_server.handler.drop_after_data = 1       # take the message, close without replying (n times)

`tls_server` requires STARTTLS (self-signed certificate made with openssl) and AUTH.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "brief-user"
PASSWORD = "correct horse battery staple"
PASSWORD_ENV = "BRIEF_TEST_SMTP_PASSWORD"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes


@dataclass
class Handler:
    """What the server does, set by the test, and what it saw."""

    fail_first: str | None = None            # "MAIL" or "DATA": answer 451 to the first one
    refuse: set[str] = field(default_factory=set)
    drop_after_data: int = 0                 # how many messages to take and then hang up on
    messages: list[Received] = field(default_factory=list)   # accepted (250 sent)
    dropped: list[Received] = field(default_factory=list)    # received, connection closed, no reply
    commands: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _log(self, command: str) -> None:
        with self.lock:
            self.commands.append(command)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self._log("MAIL")
        if self.fail_first == "MAIL":
            self.fail_first = None
            return "451 4.3.0 Try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self._log("RCPT")
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self._log("DATA")
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content))
        if self.fail_first == "DATA":
            self.fail_first = None
            return "451 4.3.0 Try again later"
        if self.drop_after_data > 0:
            self.drop_after_data -= 1
            with self.lock:
                self.dropped.append(received)
            # `server` is the aiosmtpd SMTP protocol of this connection. Closing its transport
            # now (nothing is buffered) sends FIN; the "250" aiosmtpd then tries to push is
            # dropped by the closed transport, so the client reads EOF instead of a reply.
            server.transport.close()
            return "250 OK"
        with self.lock:
            self.messages.append(received)
        return "250 OK"

    def received_by(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


class CountingController(Controller):
    """A Controller that counts the connections clients open (not its own start-up probe)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connections = 0

    def factory(self):
        self.connections += 1
        return super().factory()

    def start(self) -> None:
        super().start()
        self.connections = 0  # start() opened one connection of its own to check the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    handler: Handler
    controller: CountingController
    cert: Path | None = None
    auth_calls: list[tuple[str, bytes, bytes]] = field(default_factory=list)

    @property
    def connections(self) -> int:
        return self.controller.connections


def _start(handler: Handler, **kwargs) -> CountingController:
    last: Exception | None = None
    for _ in range(5):  # another process may take the port between probing and binding
        controller = CountingController(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10,
                                        **kwargs)
        try:
            controller.start()
            return controller
        except OSError as exc:
            last = exc
    raise RuntimeError(f"cannot start the SMTP server ({last})")


@pytest.fixture(autouse=True)
def isolated_smtp_environment(tmp_path, monkeypatch):
    """No user config and no BRIEF_SMTP_* variables from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("BRIEF_SMTP_") or name == "BRIEF_DEBUG":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture()
def smtp_server():
    handler = Handler()
    controller = _start(handler)
    try:
        yield Server("127.0.0.1", controller.port, handler, controller)
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture()
def tls_server(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    handler = Handler()
    calls: list[tuple[str, bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", b"")
        password = getattr(auth_data, "password", b"")
        calls.append((mechanism, login, password))
        ok = (isinstance(auth_data, LoginPassword) and login == USERNAME.encode()
              and password == PASSWORD.encode())
        return AuthResult(success=ok, handled=False)

    controller = _start(handler, require_starttls=True, tls_context=context, auth_require_tls=True,
                        auth_required=True, authenticator=authenticator)
    try:
        yield Server("127.0.0.1", controller.port, handler, controller, cert=cert, auth_calls=calls)
    finally:
        controller.stop()
