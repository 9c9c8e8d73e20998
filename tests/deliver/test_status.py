"""`brief pack status` and `pack run --json` after a real send in which one recipient was refused
(aiosmtpd on 127.0.0.1), and a forced rebuild after the pack was sent."""

from __future__ import annotations

from tests.deliver.test_delivery import DATE, cli_pack, outbox, run_brief, stderr_lines, write_pack
from tests.test_cli_scripting import validate_report


def test_pack_status_after_a_550_for_one_recipient(tmp_path, smtp_server):
    smtp_server.handler.refuse = {"c@example.org"}
    path = write_pack(tmp_path, smtp_server, email_table={"to": ["a@example.org", "c@example.org"]})

    run = cli_pack(path, "--json")
    assert run.returncode == 3, run.stderr.decode()
    report = validate_report(run.stdout)
    assert report["command"] == "pack run" and report["exit_code"] == 3
    assert {(e["recipient"], e["status"]) for e in report["email"]} == {("a@example.org", "sent"),
                                                                        ("c@example.org", "failed")}
    assert any(e["reply"].startswith("550") for e in report["email"] if e["recipient"] == "c@example.org")
    assert sorted(w["format"] for w in report["written"]) == ["docx", "json", "pdf"]  # json: the manifest

    status = run_brief("pack", "status", str(path), "--date", DATE, "--json", cwd=tmp_path)
    assert status.returncode == 3, status.stderr.decode()
    data = validate_report(status.stdout)
    assert data["state"] == "sent to 1 of 2"
    assert [r["outcome"] for r in data["runs"]] == ["ok"]
    assert {(e["recipient"], e["status"]) for e in data["email"]} == set(
        (address, state) for address, (state, _) in outbox(path).items())
    assert len(data["outbox"]) == 1 and data["outbox"][0].endswith(".eml")

    text = run_brief("pack", "status", str(path), "--date", DATE, cwd=tmp_path)
    lines = text.stdout.decode().splitlines()
    assert lines[0] == f"Test daily for {DATE}: sent to 1 of 2"
    assert "  email a@example.org: sent (250 OK)" in lines
    assert any(line.startswith("  email c@example.org: failed (550") for line in lines)

    history = run_brief("pack", "history", str(path), "--days", "3650", cwd=tmp_path)
    assert history.returncode == 0
    assert [line.split()[0] for line in history.stdout.decode().splitlines()] == [DATE]


def test_a_forced_rebuild_after_sending_says_what_happened_to_the_email(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server)
    assert cli_pack(path).returncode == 0
    rebuilt = cli_pack(path, "--force")
    assert rebuilt.returncode == 0
    lines = stderr_lines(rebuilt)
    assert any("rebuilt after it was e-mailed to 1 recipient" in line and "--resend" in line for line in lines), lines
    assert len(smtp_server.handler.messages) == 1


def test_a_server_without_starttls_points_at_the_security_setting(tmp_path, smtp_server):
    path = write_pack(tmp_path, smtp_server, smtp_table={"security": "starttls"})
    result = cli_pack(path)
    assert result.returncode == 3
    lines = [line for line in stderr_lines(result) if "STARTTLS" in line]
    assert lines and "security" in lines[0] and "mend the address" not in lines[0], lines
    assert list((tmp_path / "out").rglob("*.pdf"))  # the pack itself was built
