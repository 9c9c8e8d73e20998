"""E-mail delivery against a real SMTP server (aiosmtpd on 127.0.0.1): attachments, retries,
refusals, lost connections, TLS with AUTH, header injection, dry runs and the size limit.

Packs are built for real (12 small articles, DOCX and PDF), in process with `build_pack` where
speed matters and through the `brief` command where exit codes and messages are the point."""

from __future__ import annotations

import email
import email.policy
import json
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.packs.settings import load_pack
from pipeline.packs.build import build_pack
from pipeline.packs.history import History
from tests.conftest import ROOT, run_brief
from tests.deliver.conftest import PASSWORD, PASSWORD_ENV, USERNAME
from tests.packs.articles import write_articles

DATE = "2026-03-04"
SENDER = "briefing-unit@example.org"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}

CRLF_NAME = "Breaking\r\nBcc: someone@example.org"
ENCODED_WORD_NAME = "=?utf-8?b?SGVsbG8NCkJjYzogeEBleGFtcGxlLm9yZw==?="   # "Hello\r\nBcc: x@example.org"


# --------------------------------------------------------------------------- helpers


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string: \r, \n and \uXXXX escaped
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def write_pack(tmp_path: Path, server=None, *, name: str = "Test daily", email_table: dict | None = None,
               smtp_table: dict | None = None, sources: list[str] | None = None) -> Path:
    """A pack of the twelve test articles, DOCX and PDF, e-mailed through `server`."""
    if not (tmp_path / "articles").exists():
        write_articles(tmp_path / "articles")
    table_email = {"to": ["a@example.org"], "from": SENDER, "backoff_seconds": 0, **(email_table or {})}
    table_smtp = {"host": "127.0.0.1", "port": server.port if server else 1, "security": "none", "timeout": 3,
                  **(smtp_table or {})}
    lines = [f"name = {_toml(name)}",
             f"sources = {_toml(sources or [str(tmp_path / 'articles') + '/'])}",
             'formats = ["docx", "pdf"]',
             f"output = {_toml(str(tmp_path / 'out'))}",
             'timezone = "Europe/London"',
             'classification = "OFFICIAL"',
             "", "[email]", *(f"{k} = {_toml(v)}" for k, v in table_email.items()),
             "", "[smtp]", *(f"{k} = {_toml(v)}" for k, v in table_smtp.items()), ""]
    path = tmp_path / "pack.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_pack(path: Path, **kwargs):
    """One in-process pack run; the pauses between attempts and the log lines are kept."""
    sleeps: list[float] = []
    log: list[str] = []
    result = build_pack(load_pack(path), date=DATE, jobs=1, sleep=sleeps.append, log=log.append, **kwargs)
    result.sleeps, result.log = sleeps, log
    return result


def cli_pack(path: Path, *args: str, env: dict | None = None):
    return run_brief("pack", "run", str(path), "--date", DATE, "--jobs", "1", *args, cwd=path.parent, env=env,
                     timeout=120)


def stderr_lines(result) -> list[str]:
    lines = result.stderr.decode().splitlines()
    assert all(line.startswith("brief: ") for line in lines), lines
    assert "Traceback" not in result.stderr.decode()
    return lines


def outbox(path: Path) -> dict[str, tuple[str, str]]:
    config = load_pack(path)
    history = History(config.history_path)
    try:
        return {row.recipient: (row.status, row.reply) for row in history.outbox(config.name, DATE)}
    finally:
        history.close()


def pack_files(path: Path) -> dict[str, Path]:
    config = load_pack(path)
    folder = config.folder / DATE
    return {"pdf": folder / f"{config.slug}-{DATE}.pdf", "docx": folder / f"{config.slug}-{DATE}.docx"}


def parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def attachments(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    found = {}
    for part in message.iter_attachments():
        assert part.get_filename() not in found
        found[part.get_filename()] = (part.get_content_type(), part.get_payload(decode=True))
    return found


def assert_attachments_match(message: EmailMessage, files: dict[str, Path]) -> None:
    assert attachments(message) == {
        files["pdf"].name: (PDF, files["pdf"].read_bytes()),
        files["docx"].name: (DOCX, files["docx"].read_bytes()),
    }


def raw_header_lines(data: bytes) -> list[bytes]:
    """The top-level header lines of a raw message, folded lines joined back."""
    head = data.split(b"\r\n\r\n", 1)[0]
    lines: list[bytes] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def mentions(data: bytes, address: str) -> bool:
    """True if the message holds the address as an address: not as the tail of another one,
    such as a Message-ID whose random part happens to end in the same letter."""
    return re.search(rb"(?<![\w.%+-])" + re.escape(address.encode()), data) is not None


def assert_safe_headers(data: bytes, cc: bool) -> EmailMessage:
    """Exactly the headers the code writes, each once, the subject on one line, no Bcc."""
    message = parse(data)
    expected = HEADERS | ({"Cc"} if cc else set())
    assert sorted(message.keys()) == sorted(expected)
    names = [line.split(b":", 1)[0].decode("ascii") for line in raw_header_lines(data)]
    assert sorted(names) == sorted(expected)
    subject = str(message["Subject"])
    assert "\r" not in subject and "\n" not in subject
    assert not message.defects
    return message


# --------------------------------------------------------------------------- acceptance


def test_two_recipients_each_get_one_message_with_both_files_attached(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server, email_table={"to": ["a@example.org"], "bcc": ["b@example.org"]})
    result = run_pack(path)

    assert result.exit_code == 0, (result.distribution, result.failures)
    assert result.distribution.sent == ["a@example.org", "b@example.org"]
    assert outbox(path) == {"a@example.org": ("sent", "250 OK"), "b@example.org": ("sent", "250 OK")}
    handler = smtp_server.handler
    assert len(handler.messages) == 1 and not handler.dropped
    received = handler.messages[0]
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ("a@example.org", "b@example.org")
    assert len(handler.received_by("a@example.org")) == 1 and len(handler.received_by("b@example.org")) == 1

    message = assert_safe_headers(received.content, cc=False)
    assert str(message["To"]) == "a@example.org" and str(message["From"]) == SENDER
    assert str(message["Subject"]) == "OFFICIAL: Test daily: 04 March 2026"
    assert not mentions(received.content, "b@example.org")  # a blind copy is in the envelope only
    assert_attachments_match(message, pack_files(path))
    # the .eml kept in the outbox is the message that was sent
    assert result.distribution.eml.read_bytes() == received.content


@pytest.mark.parametrize("command", ["DATA", "MAIL"])
def test_a_451_on_the_first_attempt_is_retried_and_the_message_arrives_once(tmp_path, smtp_server, command):
    smtp_server.handler.fail_first = command
    path = write_pack(tmp_path, smtp_server, email_table={"to": ["a@example.org", "b@example.org"]})
    result = run_pack(path)

    assert result.exit_code == 0, result.distribution
    assert result.distribution.sent == ["a@example.org", "b@example.org"]
    assert len(smtp_server.handler.messages) == 1
    assert smtp_server.handler.messages[0].rcpt_tos == ("a@example.org", "b@example.org")
    assert smtp_server.connections == 2
    assert result.sleeps == [0.0]  # backoff_seconds = 0: one pause, no real wait
    if command == "MAIL":  # a 451 after DATA is retried without a log line; one before it is logged
        assert len(result.log) == 1 and "attempt 1 of 3" in result.log[0] and "451 4.3.0 Try again later" in result.log[0]
    assert {status for status, _ in outbox(path).values()} == {"sent"}


def test_a_refused_recipient_is_reported_and_a_rerun_does_not_resend_to_the_others(tmp_path, smtp_server):
    handler = smtp_server.handler
    handler.refuse = {"c@example.org"}
    path = write_pack(tmp_path, smtp_server,
                      email_table={"to": ["a@example.org", "b@example.org"], "cc": ["c@example.org"]})
    first = run_pack(path)

    assert first.exit_code == 3
    assert first.distribution.sent == ["a@example.org", "b@example.org"]
    assert first.distribution.failed == [("c@example.org", "550 5.1.1 No such user")]
    assert [m.rcpt_tos for m in handler.messages] == [("a@example.org", "b@example.org")]
    assert outbox(path)["c@example.org"] == ("failed", "550 5.1.1 No such user")

    # Rerun through the command line: only the refused address is tried again, and refused again.
    before = len(handler.commands)
    rerun = cli_pack(path)
    assert rerun.returncode == 3
    lines = stderr_lines(rerun)
    refused = [line for line in lines if "c@example.org" in line]
    assert refused == ["brief: email: c@example.org: refused (550 5.1.1 No such user); "
                       "mend the address and run again"]
    assert not any("a@example.org" in line or "b@example.org" in line for line in lines)
    assert len(handler.messages) == 1  # nothing new for a and b
    assert handler.commands[before:] == ["MAIL", "RCPT"]

    # The address is mended on the server's side: the next run sends to c only.
    handler.refuse = set()
    third = run_pack(path)
    assert third.exit_code == 0 and third.distribution.sent == ["c@example.org"]
    assert [m.rcpt_tos for m in handler.messages] == [("a@example.org", "b@example.org"), ("c@example.org",)]
    assert handler.messages[1].content == handler.messages[0].content  # the same queued message
    assert {status for status, _ in outbox(path).values()} == {"sent"}

    # Everyone is served: a further run does not even connect.
    connections = smtp_server.connections
    assert run_pack(path).exit_code == 0
    assert smtp_server.connections == connections and len(handler.messages) == 2


def test_a_connection_lost_after_data_is_unknown_and_only_resend_sends_again(tmp_path, smtp_server):
    handler = smtp_server.handler
    handler.drop_after_data = 1
    path = write_pack(tmp_path, smtp_server)

    first = cli_pack(path)
    assert first.returncode == 3
    lines = stderr_lines(first)
    unknown = [line for line in lines if "a@example.org" in line]
    assert len(unknown) == 1 and "unknown" in unknown[0] and "--resend" in unknown[0], lines
    assert len(handler.dropped) == 1 and not handler.messages
    assert outbox(path)["a@example.org"][0] == "unknown"
    assert smtp_server.connections == 1  # an unknown outcome is never retried by itself

    again = cli_pack(path)
    assert again.returncode == 3
    assert any("a@example.org" in line and "unknown" in line for line in stderr_lines(again))
    assert smtp_server.connections == 1 and not handler.messages

    resent = cli_pack(path, "--resend")
    assert resent.returncode == 0, resent.stderr.decode()
    assert "brief: email: sent to a@example.org" in stderr_lines(resent)
    assert [m.rcpt_tos for m in handler.messages] == [("a@example.org",)]
    assert outbox(path)["a@example.org"][0] == "sent"
    assert_attachments_match(parse(handler.messages[0].content), pack_files(path))


def _tls_pack(tmp_path: Path, server, ca_file: str | None) -> Path:
    smtp = {"security": "starttls", "username": USERNAME, "password_env": PASSWORD_ENV}
    if ca_file:
        smtp["ca_file"] = ca_file
    return write_pack(tmp_path, server, smtp_table=smtp)


def test_an_unverified_certificate_is_refused_before_auth(tmp_path, tls_server):
    path = _tls_pack(tmp_path, tls_server, ca_file=None)
    result = cli_pack(path, env={PASSWORD_ENV: PASSWORD})

    assert result.returncode == 3
    lines = stderr_lines(result)
    assert len(lines) == 1 and "certificate verify failed" in lines[0], lines
    assert tls_server.auth_calls == []  # the password never left
    assert tls_server.handler.commands == [] and not tls_server.handler.messages
    assert tls_server.connections == 1
    assert outbox(path)["a@example.org"][0] == "pending"


def test_starttls_and_auth_work_with_the_ca_file(tmp_path, tls_server, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    path = _tls_pack(tmp_path, tls_server, ca_file=str(tls_server.cert))
    result = run_pack(path)

    assert result.exit_code == 0, result.distribution
    assert result.distribution.sent == ["a@example.org"]
    assert [(login, password) for _, login, password in tls_server.auth_calls] == [
        (USERNAME.encode(), PASSWORD.encode())]
    assert [m.rcpt_tos for m in tls_server.handler.messages] == [("a@example.org",)]
    assert_attachments_match(parse(tls_server.handler.messages[0].content), pack_files(path))


def test_a_username_without_the_password_variable_is_refused_before_connecting(tmp_path, tls_server):
    path = _tls_pack(tmp_path, tls_server, ca_file=str(tls_server.cert))
    with pytest.raises(BriefError, match=f"{PASSWORD_ENV} holds no password"):
        run_pack(path)
    assert tls_server.connections == 0


def _hostile_articles(tmp_path: Path) -> list[str]:
    folder = tmp_path / "hostile"
    folder.mkdir()
    # A Markdown heading whose text holds CR LF as character references: one headline for the reader.
    (folder / "crlf.md").write_bytes(b"# Breaking&#13;&#10;Bcc: someone@example.org\n\n"
                                     b"The minister said the plan would start in June.\n")
    (folder / "encoded.txt").write_bytes(ENCODED_WORD_NAME.encode("ascii") + b"\n\n"
                                         b"The minister said the plan would start in June.\n")
    return [str(folder / "crlf.md"), str(folder / "encoded.txt")]


@pytest.mark.parametrize("name", [CRLF_NAME, ENCODED_WORD_NAME], ids=["crlf", "encoded-word"])
def test_hostile_names_and_titles_make_one_subject_line_and_no_extra_header(tmp_path, smtp_server, name):
    write_articles(tmp_path / "articles")
    sources = [str(tmp_path / "articles") + "/", *_hostile_articles(tmp_path)]
    to, cc, bcc = ["a@example.org"], ["c@example.org"], ["b@example.org"]
    path = write_pack(tmp_path, smtp_server, name=name, sources=sources,
                      email_table={"to": to, "cc": cc, "bcc": bcc,
                                   "subject": "[{classification}] {name}: {date:%d %B %Y}"})
    assert load_pack(path).name == name  # the TOML escapes reached the pack as CR LF
    result = run_pack(path)
    assert result.exit_code == 0, (result.distribution, result.failures)

    manifest = json.loads((load_pack(path).folder / DATE / "manifest.json").read_text(encoding="utf-8"))
    titles = {Path(i["source"]).name: i["title"] for i in manifest["inputs"]}
    assert titles["crlf.md"] == "Breaking Bcc: someone@example.org"
    assert titles["encoded.txt"] == ENCODED_WORD_NAME

    handler = smtp_server.handler
    assert [m.rcpt_tos for m in handler.messages] == [tuple(to + cc + bcc)]
    data = handler.messages[0].content
    message = assert_safe_headers(data, cc=True)
    subject = str(message["Subject"])
    assert subject.startswith("[OFFICIAL] ") and subject.endswith(": 04 March 2026")
    if name == CRLF_NAME:
        assert subject == "[OFFICIAL] Breaking Bcc: someone@example.org: 04 March 2026"
    else:
        assert "SGVsbG8NCkJjYzogeEBleGFtcGxlLm9yZw==" in subject and "Hello" not in subject
    others = [line for line in raw_header_lines(data) if not line.startswith(b"Subject:")]
    assert not any(b"someone@" in line or b"x@example" in line for line in others)
    assert_attachments_match(message, pack_files(path))

    # The same strings as the subject of `brief send`.
    files = pack_files(path)
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_PORT": str(smtp_server.port), "BRIEF_SMTP_TIMEOUT": "3",
           "BRIEF_SMTP_FROM": SENDER}
    sent = run_brief("send", str(files["pdf"]), str(files["docx"]), "--to", to[0], "--cc", cc[0], "--bcc", bcc[0],
                     "--subject", name, cwd=tmp_path, env=env, timeout=60)
    assert sent.returncode == 0, sent.stderr.decode()
    assert sent.stdout.decode().split() == to + cc + bcc
    assert len(handler.messages) == 2 and handler.messages[1].rcpt_tos == tuple(to + cc + bcc)
    data = handler.messages[1].content
    message = assert_safe_headers(data, cc=True)
    subject = str(message["Subject"])
    if name == CRLF_NAME:
        assert subject == "Breaking Bcc: someone@example.org"
    else:
        assert "SGVsbG8NCkJjYzogeEBleGFtcGxlLm9yZw==" in subject and "Hello" not in subject
    assert not mentions(data, "b@example.org")
    assert_attachments_match(message, files)


def test_send_dry_run_writes_an_eml_with_the_same_attachments(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server)
    assert run_pack(path, email=False).exit_code == 0
    files = pack_files(path)
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_PORT": str(smtp_server.port), "BRIEF_SMTP_TIMEOUT": "3"}
    result = run_brief("send", str(files["pdf"]), str(files["docx"]), "--to", "a@example.org", "--bcc",
                       "b@example.org", "--dry-run", "--outbox", str(tmp_path / "drafts"), cwd=tmp_path, env=env,
                       timeout=60)

    assert result.returncode == 0, result.stderr.decode()
    eml = Path(result.stdout.decode().strip())
    assert eml.parent == tmp_path / "drafts" and eml.suffix == ".eml"
    data = eml.read_bytes()
    message = assert_safe_headers(data, cc=False)
    assert str(message["To"]) == "a@example.org" and b"b@example.org" not in data
    assert_attachments_match(message, files)
    assert smtp_server.connections == 0


def test_file_mode_writes_an_eml_with_the_same_attachments_and_sends_nothing(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server, email_table={"to": ["a@example.org"], "cc": ["c@example.org"],
                                                          "mode": "file"})
    result = run_pack(path)

    assert result.exit_code == 0
    eml = result.distribution.eml
    assert eml.parent == load_pack(path).folder / DATE / "outbox" and eml.suffix == ".eml"
    message = assert_safe_headers(eml.read_bytes(), cc=True)
    assert str(message["To"]) == "a@example.org" and str(message["Cc"]) == "c@example.org"
    assert_attachments_match(message, pack_files(path))
    assert {status for status, _ in outbox(path).values()} == {"written"}
    assert smtp_server.connections == 0

    # a rerun leaves the written message alone
    data = eml.read_bytes()
    assert run_pack(path).exit_code == 0 and eml.read_bytes() == data and smtp_server.connections == 0


def test_attachments_over_the_limit_are_refused_before_connecting(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server, email_table={"max_attachment_mb": 0.05})
    with pytest.raises(BriefError, match=r"MB encoded; the limit is 0\.05 MB") as caught:
        run_pack(path)
    assert "max_attachment_mb" in str(caught.value)
    assert smtp_server.connections == 0 and not smtp_server.handler.messages
    assert outbox(path) == {}

    # The command line says it in one line and exits 3 (not delivered), for a pack and for `brief send`.
    result = cli_pack(path)
    assert result.returncode == 3
    lines = stderr_lines(result)
    assert len(lines) == 1 and "the limit is 0.05 MB" in lines[0], lines
    files = pack_files(path)
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_PORT": str(smtp_server.port), "BRIEF_SMTP_TIMEOUT": "3"}
    sent = run_brief("send", str(files["pdf"]), "--to", "a@example.org", "--max-mb", "0.01", cwd=tmp_path, env=env,
                     timeout=60)
    assert sent.returncode == 3
    lines = stderr_lines(sent)
    assert len(lines) == 1 and "the limit is 0.01 MB" in lines[0], lines
    assert smtp_server.connections == 0 and not smtp_server.handler.messages


def test_a_mended_address_in_the_pack_file_is_sent_to_and_the_wrong_one_dropped(tmp_path, smtp_server):
    handler = smtp_server.handler
    handler.refuse = {"c@exmaple.org"}
    path = write_pack(tmp_path, smtp_server, email_table={"to": ["a@example.org", "c@exmaple.org"]})
    assert run_pack(path).exit_code == 3
    path.write_text(path.read_text().replace("c@exmaple.org", "c@example.org"), encoding="utf-8")
    again = run_pack(path)
    assert again.exit_code == 0 and again.distribution.sent == ["c@example.org"]
    assert [m.rcpt_tos for m in handler.messages] == [("a@example.org",), ("c@example.org",)]
    assert set(outbox(path)) == {"a@example.org", "c@example.org"}


def test_a_password_is_never_sent_without_tls(tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("BRIEF_SMTP_PASSWORD", "secret")
    path = write_pack(tmp_path, smtp_server, smtp_table={"username": "u"})
    result = cli_pack(path)
    assert result.returncode == 3
    assert any("refusing to send a password without TLS" in line for line in stderr_lines(result))
    assert smtp_server.connections == 0


def test_a_server_without_login_is_a_clear_error_not_a_retry(tmp_path, smtp_server, certificate, monkeypatch):
    monkeypatch.setenv("BRIEF_SMTP_PASSWORD", "secret")
    path = write_pack(tmp_path, smtp_server, smtp_table={"username": "u", "security": "starttls",
                                                         "ca_file": str(certificate[0])})
    result = cli_pack(path)
    assert result.returncode == 3
    lines = stderr_lines(result)
    assert len([line for line in lines if "does not offer STARTTLS" in line or "no login" in line]) >= 1
    assert not any("attempt" in line for line in lines)


def test_an_interrupt_while_the_server_answers_leaves_the_outcome_unknown(tmp_path, smtp_server):
    import asyncio
    import signal
    import subprocess
    import sys
    import time

    handler = smtp_server.handler
    original = handler.handle_DATA

    async def slow_data(server, session, envelope):
        handler.commands.append("SLOW")
        await asyncio.sleep(4)
        return await original(server, session, envelope)

    handler.handle_DATA = slow_data
    path = write_pack(tmp_path, smtp_server, smtp_table={"timeout": 30})
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "pack", "run", str(path), "--date", DATE],
                               cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "SLOW" not in handler.commands:
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode == 130
    assert outbox(path)["a@example.org"][0] == "sending"
    handler.handle_DATA = original
    rerun = cli_pack(path)
    assert rerun.returncode == 3
    assert any("outcome unknown" in line for line in stderr_lines(rerun))


def test_a_drop_after_data_with_a_refused_recipient_keeps_each_outcome(tmp_path, smtp_server):
    handler = smtp_server.handler
    handler.refuse = {"c@example.org"}
    handler.drop_after_data = 1
    path = write_pack(tmp_path, smtp_server, email_table={"to": ["a@example.org", "c@example.org"]})
    result = cli_pack(path)
    assert result.returncode == 3
    stderr_lines(result)                             # one line each, no traceback
    rows = outbox(path)
    assert rows["a@example.org"][0] == "unknown"
    assert rows["c@example.org"] == ("failed", "550 5.1.1 No such user")
    handler.refuse = set()
    cli_pack(path)
    assert handler.received_by("a@example.org") == []     # never sent again on its own


def test_a_pack_rebuilt_after_it_was_sent_is_not_sent_again_but_the_run_says_so(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server)
    assert run_pack(path).exit_code == 0
    (tmp_path / "articles" / "01-port.txt").write_text("Port reopens\n\nThe port reopened.\n", encoding="utf-8")
    again = run_pack(path)
    assert again.paths and again.distribution.sent == []
    assert any("--resend sends the new one" in note for note in again.distribution.notes)
    assert len(smtp_server.handler.messages) == 1


def test_a_pack_first_written_to_a_file_is_sent_when_the_mode_becomes_smtp(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server, email_table={"mode": "file"})
    assert run_pack(path).exit_code == 0 and smtp_server.handler.messages == []
    path.write_text(path.read_text().replace('mode = "file"', 'mode = "smtp"'), encoding="utf-8")
    sent = run_pack(path)
    assert sent.distribution.sent == ["a@example.org"] and len(smtp_server.handler.messages) == 1


def test_an_interrupt_in_the_pause_between_attempts_leaves_the_recipient_pending(tmp_path, smtp_server):
    smtp_server.handler.fail_first = "MAIL"
    path = write_pack(tmp_path, smtp_server)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_pack(load_pack(path), date=DATE, jobs=1, sleep=interrupted)
    assert outbox(path)["a@example.org"][0] == "pending"
    assert run_pack(path).distribution.sent == ["a@example.org"]


def test_a_dry_run_leaves_the_queued_message_alone(tmp_path, smtp_server):
    smtp_server.handler.refuse = {"a@example.org"}
    path = write_pack(tmp_path, smtp_server)
    run_pack(path)
    queued = next((tmp_path / "out").rglob("outbox/*.eml"))
    before = queued.read_bytes()
    dry = run_pack(path, dry_run=True)
    assert dry.distribution.eml != queued and dry.distribution.eml.name.endswith(".dry-run.eml")
    assert queued.read_bytes() == before
    assert outbox(path)["a@example.org"][0] == "failed"


def test_resend_is_a_new_message(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server)
    run_pack(path)
    run_pack(path, resend=True)
    first, second = (parse(m.content)["Message-ID"] for m in smtp_server.handler.messages)
    assert first != second
