"""The review page's locks: the secret, the host, the password, the binding, and edits that do not
fit the brief's schema. A real server on 127.0.0.1 where the network matters."""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request

import pytest

from pipeline.review.session import review_pack
from pipeline.packs.settings import load_pack
from tests.conftest import run_brief
from tests.review.helpers import DATE, pack_cli, write_review_pack


@pytest.fixture()
def session(tmp_path):
    path = write_review_pack(tmp_path, None, sample=False)
    assert pack_cli(path, "run").returncode == 0
    served = review_pack(load_pack(path), DATE, "Kim")
    import threading

    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    thread.join(5)


def fetch(url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_it_listens_on_loopback_with_a_secret_in_every_address(session):
    host, port = session.server.server_address[:2]
    assert host == "127.0.0.1"
    assert session.address.startswith(f"http://127.0.0.1:{port}/") and len(session.app.secret) >= 32
    assert fetch(session.address)[0] == 200
    for path in ("/", "/static/review.css", f"/{'x' * len(session.app.secret)}/"):
        assert fetch(f"http://127.0.0.1:{port}{path}")[0] == 403
    # a change without the secret is refused too, and changes nothing
    status, _ = fetch(f"http://127.0.0.1:{port}/pack/summary", {"version": "0", "summary": "forged"})
    assert status == 403
    assert "forged" not in fetch(session.address)[1]


def test_another_host_name_or_origin_is_refused(session):
    port = session.server.server_address[1]
    assert fetch(session.address, headers={"Host": f"attacker.example:{port}"})[0] == 403
    status, _ = fetch(session.address + "pack/summary", {"version": "0", "summary": "x"},
                      headers={"Origin": "http://attacker.example"})
    assert status == 403


def test_unknown_articles_and_items_are_404_and_schema_failures_name_the_field(session):
    assert fetch(session.address + "a/" + "0" * 64)[0] == 404
    assert fetch(session.address + "nothing-here")[0] == 404
    with session.app.backend.store() as store:
        views, _ = session.app.articles(store)
    sha = next(v.sha for v in views if v.raw.commitments)
    assert fetch(session.address + f"a/{sha}/set", {"version": "0", "field": "quotes", "index": "99",
                                                     "speaker": "X"})[0] == 404
    status, text = fetch(session.address + f"a/{sha}/set", {"version": "0", "field": "commitments", "index": "0",
                                                            "action": "   "})
    assert status == 422 and "commitments[0].action: must not be empty" in text
    status, text = fetch(session.address + f"a/{sha}/quote", {"version": "0", "text": "words the article lacks"})
    assert status == 422 and "not a verbatim part of the article" in text


def test_article_text_is_shown_as_text(session):
    page = fetch(session.address)[1]
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    response = urllib.request.urlopen(session.address, timeout=10)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_other_hosts_need_a_password(tmp_path, monkeypatch):
    path = write_review_pack(tmp_path, None, sample=False)
    assert pack_cli(path, "run").returncode == 0
    refused = run_brief("review", str(path), "--date", DATE, "--host", "0.0.0.0", "--no-open", cwd=tmp_path,
                        env={"BRIEF_REVIEW_PASSWORD": ""})
    assert refused.returncode == 2
    lines = refused.stderr.decode().splitlines()
    assert len(lines) == 1 and "BRIEF_REVIEW_PASSWORD" in lines[0]

    served = review_pack(load_pack(path), DATE, "Kim", host="127.0.0.2", password="s3cret")
    import threading

    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        assert served.server.server_address[0] == "127.0.0.2"
        assert fetch(served.address)[0] == 401
        wrong = base64.b64encode(b"kim:nope").decode()
        assert fetch(served.address, headers={"Authorization": f"Basic {wrong}"})[0] == 401
        right = base64.b64encode(b"kim:s3cret").decode()
        assert fetch(served.address, headers={"Authorization": f"Basic {right}"})[0] == 200
    finally:
        served.shutdown()
        thread.join(5)


def test_malformed_requests_get_a_status_not_a_traceback(session, capfd):
    import socket

    port = session.server.server_address[1]
    secret = session.app.secret
    for length in ("-1", "abc", "99999999999"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(f"POST /{secret}/pack/summary HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         f"Content-Length: {length}\r\n\r\n".encode())
            reply = sock.recv(200).decode()
        assert reply.split()[1] in ("400", "413"), (length, reply)
    many = "&".join(f"a{i}=1" for i in range(30))
    assert fetch(session.address + "?" + many)[0] == 400
    request = urllib.request.Request(session.address, method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.read() == b""
    assert "Traceback" not in capfd.readouterr().err
