"""E-mail settings and headers: what a pack file may say, where SMTP settings come from, and
what text can reach a header."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.deliver.config import format_subject, smtp_settings
from pipeline.deliver.message import build_files_message, header_text, text_of
from pipeline.errors import BriefError
from pipeline.compose.layout import parse_markdown
from pipeline.compose.blocks import Meta
from pipeline.packs.settings import load_pack


def pack_with(tmp_path, tables: str):
    path = tmp_path / "p.toml"
    path.write_text('name = "Daily"\nsources = ["a"]\n' + tables, encoding="utf-8")
    return path


def test_email_and_smtp_tables_are_read(tmp_path):
    config = load_pack(pack_with(tmp_path, '[email]\nto = ["a@example.org"]\nbcc = ["b@example.org"]\n'
                                           '[smtp]\nhost = "mail.example.org"\nport = 587\nsecurity = "starttls"\n'))
    assert config.email.recipients == [("a@example.org", "to"), ("b@example.org", "bcc")]
    assert config.smtp == {"host": "mail.example.org", "port": 587, "security": "starttls"}


@pytest.mark.parametrize("tables, words", [
    ('[email]\nto = ["not an address"]\n', ":4: email.to: 'not an address' is not an e-mail address"),
    ('[email]\nto = ["a@example.org"]\nattach = ["md"]\n', ":5: email.attach: the pack writes no md"),
    ('[email]\nto = ["a@example.org"]\nsubject = "{name.__class__}"\n', ":5: email.subject:"),
    ('[email]\nto = ["a@example.org"]\nmode = "pigeon"\n', ":5: email.mode:"),
    ('[email]\ncc = []\n', "email.to: the pack has an [email] table but no recipients"),
    ('[smtp]\nsecurity = "tls"\n', ":4: smtp.security: must be one of starttls, ssl, none"),
    ('[smtp]\npassword = "hunter2"\n', ":4: smtp.password: unknown key"),
    ('[smtp]\nport = 99999\n', ":4: smtp.port: must be a port number"),
])
def test_mistakes_name_the_table_key_and_line(tmp_path, tables, words):
    path = pack_with(tmp_path, tables)
    with pytest.raises(BriefError) as caught:
        load_pack(path)
    assert words in str(caught.value)


def test_smtp_settings_precedence(tmp_path):
    user = tmp_path / "config.toml"
    user.write_text('[smtp]\nhost = "user.example.org"\nport = 2525\ntimeout = 5\n', encoding="utf-8")
    settings = smtp_settings({"port": 587}, environ={"BRIEF_SMTP_TIMEOUT": "9", "BRIEF_SMTP_FROM": "x@example.org"},
                             user_config=user)
    assert (settings.host, settings.port, settings.timeout, settings.sender) == ("user.example.org", 587, 9.0,
                                                                                "x@example.org")
    with pytest.raises(BriefError, match="BRIEF_SMTP_PORT"):
        smtp_settings(environ={"BRIEF_SMTP_PORT": "lots"}, user_config=user)


def test_subject_pattern_allows_plain_fields_only():
    assert format_subject("{name}: {date:%d %B %Y}", name="Daily", date=dt.date(2026, 1, 6), count=1,
                          classification="") == "Daily: 06 January 2026"
    for pattern in ("{name.__class__}", "{name[0]}", "{secret}"):
        with pytest.raises((KeyError, ValueError)):
            format_subject(pattern, name="Daily", date=dt.date(2026, 1, 6), count=1, classification="")


@pytest.mark.parametrize("text", ["Breaking\r\nBcc: someone@example.org", "=?utf-8?b?SGVsbG8NCkJjYzogeA==?=",
                                  "NUL\x00in subject", "ESC\x1b[31mred", "Invoice \u202eexe.fdp"])
def test_header_text_is_one_harmless_line(text):
    cleaned = header_text(text)
    assert "\r" not in cleaned and "\n" not in cleaned and "=?" not in cleaned
    assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in cleaned) and "\u202e" not in cleaned


@given(st.text(st.characters(codec=None), max_size=300))
def test_no_subject_adds_a_header(tmp_path_factory, subject):
    attachment = tmp_path_factory.mktemp("att") / "a.pdf"
    attachment.write_bytes(b"%PDF-1.4\n%%EOF\n")
    message = build_files_message("brief@example.org", ["a@example.org"], [], subject or None, [attachment], 20)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert sorted(parsed.keys()) == sorted(["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                            "Content-Type"])
    assert "\n" not in str(parsed["Subject"])


def test_plain_text_body_keeps_lists_and_quotes():
    document = parse_markdown("# Title\n\n- one\n- two\n\n> said\n>\n> — Someone\n", Meta(title="t"))
    text = text_of(document.blocks)
    assert text == "TITLE\n\n- one\n- two\n\n> said\n> — Someone\n"
