"""The pack's e-mail: its body laid out with the pack's theme, its subject opening with the
pack's classification. Sent for real to aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import json
import re

from tests.deliver.test_delivery import parse, run_pack, write_pack

THEME = '[colours]\ntitle = "#7B2D8E"\nheading = "#7B2D8E"\n\n[fonts]\nbody = ["DejaVu Serif"]\n'


def themed_pack(tmp_path, smtp_server, classification: str, subject: str | None = None):
    email_table = {"to": ["a@example.org"], **({"subject": subject} if subject else {})}
    path = write_pack(tmp_path, smtp_server, email_table=email_table)
    (tmp_path / "purple.toml").write_text(THEME, encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace('classification = "OFFICIAL"',
                                                    f'classification = "{classification}"\n'
                                                    f'theme = {json.dumps(str(tmp_path / "purple.toml"))}')
    path.write_text(text, encoding="utf-8")
    return path


def sent_message(smtp_server):
    assert len(smtp_server.handler.messages) == 1
    return parse(smtp_server.handler.messages[0].content)


def html_body(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_the_subject_opens_with_the_classification_and_the_body_has_the_pack_theme(tmp_path, smtp_server):
    result = run_pack(themed_pack(tmp_path, smtp_server, "OFFICIAL-SENSITIVE"))
    assert result.exit_code == 0, (result.distribution, result.failures)
    message = sent_message(smtp_server)
    assert str(message["Subject"]) == "OFFICIAL-SENSITIVE: Test daily: 04 March 2026"
    html = html_body(message)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert re.search(r"h1\{[^}]*color:#7B2D8E", style, re.I), style
    assert re.search(r'body\{font-family:"DejaVu Serif"', style), style
    assert "1F3864" not in style.upper()  # the default theme's title colour is gone
    # The attached files carry the marking in their own properties, read back from the message.
    import io

    import docx
    import pypdf

    files = {part.get_filename().rsplit(".", 1)[1]: part.get_payload(decode=True)
             for part in message.iter_attachments()}
    properties = docx.Document(io.BytesIO(files["docx"])).core_properties
    assert properties.category == properties.content_status == "OFFICIAL-SENSITIVE"
    assert "Classification: OFFICIAL-SENSITIVE" in pypdf.PdfReader(io.BytesIO(files["pdf"])).metadata["/Keywords"]


def test_a_subject_pattern_that_puts_the_classification_first_is_kept(tmp_path, smtp_server):
    path = themed_pack(tmp_path, smtp_server, "OFFICIAL-SENSITIVE", subject="[{classification}] {name}")
    result = run_pack(path)
    assert result.exit_code == 0, (result.distribution, result.failures)
    assert str(sent_message(smtp_server)["Subject"]) == "[OFFICIAL-SENSITIVE] Test daily"


def test_a_classification_later_in_the_pattern_is_still_put_first(tmp_path, smtp_server):
    path = themed_pack(tmp_path, smtp_server, "OFFICIAL-SENSITIVE", subject="{name} ({classification})")
    result = run_pack(path)
    assert result.exit_code == 0, (result.distribution, result.failures)
    assert str(sent_message(smtp_server)["Subject"]) == "OFFICIAL-SENSITIVE: Test daily (OFFICIAL-SENSITIVE)"
