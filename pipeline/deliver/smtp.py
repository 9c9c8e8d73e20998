"""Handing a message to an SMTP server and knowing, per recipient, what happened.

Outcomes: "sent" (the server accepted the message for the recipient), "failed" (a permanent 5xx
refusal, with the server's reply), "pending" (a temporary failure that outlived the retries),
and "unknown": the message was handed over but the connection was lost before the server
answered, so it may or may not have been queued. An unknown outcome is never retried
automatically: sending again could deliver twice.

Transient failures (4xx replies, a lost connection or a timeout before the message was handed
over) are retried with a growing pause. TLS always verifies the server's certificate (the
system's CAs, and `ca_file` where given); a server that cannot prove who it is gets no password.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Callable

from pipeline.deliver.config import SmtpSettings
from pipeline.errors import BriefError, DeliveryError

CRLF = b"\r\n"
_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class Outcome:
    status: str          # sent, failed, pending, unknown
    reply: str = ""


class _Transient(Exception):
    """A failure worth trying again: nothing was handed over."""


class _Permanent(Exception):
    """A failure for every recipient that trying again will not mend."""


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context()
        if settings.ca_file:
            context.load_verify_locations(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(settings.ca_file or "TLS", f"cannot load the certificate authorities ({exc})",
                         "check smtp.ca_file") from None
    return context


MAX_PAUSE = 300.0


def deliver(message: bytes, sender: str, recipients: list[str], settings: SmtpSettings, retries: int = 3,
            backoff: float = 5.0, sleep: Callable[[float], None] = time.sleep,
            log: Callable[[str], None] = lambda line: None,
            on_attempt: Callable[[dict[str, Outcome]], None] = lambda outcomes: None,
            before_attempt: Callable[[list[str]], None] = lambda recipients: None) -> dict[str, Outcome]:
    """Send `message` to `recipients` (the envelope: never read from the message's headers).
    `before_attempt` and `on_attempt` hear who is tried and each attempt's outcomes as soon as
    they are known, so that they can be recorded before the next pause or attempt."""
    password = settings.password()
    if settings.username and settings.security == "none":
        raise DeliveryError("smtp", "refusing to send a password without TLS",
                         'set smtp.security to "starttls" or "ssl", or remove smtp.username')
    if settings.username and not password:
        raise DeliveryError("smtp", f"a username is set but {settings.password_env} holds no password",
                         f"export {settings.password_env}=... before running")
    outcomes: dict[str, Outcome] = {}
    waiting = list(recipients)
    for attempt in range(1, retries + 1):
        before_attempt(waiting)
        try:
            this = _one_attempt(message, sender, waiting, settings, password)
        except _Transient as exc:
            this = {r: Outcome("pending", str(exc)) for r in waiting}
        except _Permanent as exc:
            this = {r: Outcome("failed", str(exc)) for r in waiting}
        outcomes.update(this)
        on_attempt(this)
        waiting = [r for r in waiting if outcomes[r].status == "pending"]
        if not waiting:
            break
        log(f"attempt {attempt} of {retries}: {len(waiting)} recipient(s) refused for now "
            f"({outcomes[waiting[0]].reply})")
        if attempt < retries:
            sleep(min(backoff * 2 ** (attempt - 1), MAX_PAUSE))
    return outcomes


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        if settings.security == "ssl":
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                    context=tls_context(settings))
        return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"{settings.host}:{settings.port}", f"certificate verify failed ({exc.verify_message})",
                         "fix the server's certificate, or trust its CA with smtp.ca_file") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise _Transient(f"cannot connect to {settings.host}:{settings.port} ({exc})") from None


def _one_attempt(message: bytes, sender: str, recipients: list[str], settings: SmtpSettings,
                 password: str | None) -> dict[str, Outcome]:
    smtp = _connect(settings)
    handed_over = False
    accepted: list[str] = []
    outcomes: dict[str, Outcome] = {}
    try:
        _greet(smtp, settings, password)
        options = []
        if smtp.has_extn("smtputf8"):
            smtp.command_encoding = "utf-8"
            options.append("SMTPUTF8")
        elif not sender.isascii():
            raise _Permanent(f"the sender {sender} is not ASCII and the server does not offer SMTPUTF8")
        code, reply = smtp.mail(sender, options)
        _check(code, reply, "MAIL FROM")
        for recipient in recipients:
            if not recipient.isascii() and "SMTPUTF8" not in options:
                outcomes[recipient] = Outcome("failed", "the address is not ASCII and the server does not offer "
                                                        "SMTPUTF8")
                continue
            code, reply = smtp.rcpt(recipient)
            if 200 <= code < 300:
                accepted.append(recipient)
            elif 400 <= code < 500:
                outcomes[recipient] = Outcome("pending", _reply(code, reply))
            else:
                outcomes[recipient] = Outcome("failed", _reply(code, reply))
        if not accepted:
            smtp.rset()
            return outcomes
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            _check(code, reply, "DATA")
        payload = _LEADING_DOT.sub(b"..", message)  # a line starting with "." is doubled, as SMTP asks
        if not payload.endswith(CRLF):
            payload += CRLF
        smtp.send(payload + b"." + CRLF)
        handed_over = True
        code, reply = smtp.getreply()
        status = "sent" if 200 <= code < 300 else "pending" if 400 <= code < 500 else "failed"
        outcomes.update({r: Outcome(status, _reply(code, reply)) for r in accepted})
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass  # the message is already accepted; a lost goodbye changes nothing
        return outcomes
    except (OSError, smtplib.SMTPServerDisconnected, socket.timeout) as exc:
        if handed_over:
            lost = f"connection lost after the message was handed over ({exc or type(exc).__name__})"
            return {**outcomes, **{r: Outcome("unknown", lost) for r in accepted}}
        raise _Transient(f"connection lost ({exc or type(exc).__name__})") from None
    finally:
        try:
            smtp.close()
        except OSError:
            pass


def _greet(smtp: smtplib.SMTP, settings: SmtpSettings, password: str | None) -> None:
    smtp.ehlo()
    if settings.security == "starttls":
        if not smtp.has_extn("starttls"):
            raise _Permanent(f"{settings.host} does not offer STARTTLS; refusing to send in clear")
        try:
            smtp.starttls(context=tls_context(settings))
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(f"{settings.host}:{settings.port}", f"certificate verify failed ({exc.verify_message})",
                             "fix the server's certificate, or trust its CA with smtp.ca_file") from None
        smtp.ehlo()
    if settings.username:
        if not smtp.has_extn("auth"):
            raise BriefError(f"{settings.host}:{settings.port}", "the server offers no login (AUTH)",
                             "remove smtp.username, or use a server that accepts logins")
        try:
            smtp.login(settings.username, password or "")
        except smtplib.SMTPAuthenticationError as exc:
            if 400 <= exc.smtp_code < 500:
                raise _Transient(f"login: {_reply(exc.smtp_code, exc.smtp_error)}") from None
            raise BriefError(f"{settings.host}:{settings.port}", f"login refused ({_reply(exc.smtp_code, exc.smtp_error)})",
                             "check smtp.username and the password") from None


def _check(code: int, reply: bytes | str, stage: str) -> None:
    if 400 <= code < 500:
        raise _Transient(f"{stage}: {_reply(code, reply)}")
    if code >= 500:
        raise _Permanent(f"{stage}: {_reply(code, reply)}")


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"
