"""The review page: a small web application on the standard library's HTTP server.

The standard library serves it because the page is used by one analyst (or a few) on their own
machine: a framework would add dependencies and start-up time for routing that fits in a table
here. Pages are Jinja2 templates with autoescaping (article text is always text), forms post
back and redirect, and a little plain JavaScript adds drag-and-drop and quoting by selection;
everything works from the keyboard without it.

Every address starts with a secret made for the run; a request without it gets 403. Only
127.0.0.1 is listened on unless `host` is given, and then a password is required (HTTP Basic).
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
import secrets
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.errors import BriefError
from pipeline.model import Brief, ModelError
from pipeline.review.edits import (EDITABLE, FIELDS, Edit, EditError, apply_edits, check_brief, check_values,
                                   evidence_of, identity_of, quote_addition)
from pipeline.review.store import APPROVED, ReviewStore, StaleVersion
from pipeline.text import clean_line

PAGES = Path(__file__).with_name("pages")
MAX_BODY = 1_000_000
FLAG_BELOW = 0.5
STATIC = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",   # the secret is in every address: never sent to another site
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class ArticleView:
    """One article of the pack as the review page shows it."""

    sha: str
    position: int
    raw: Brief           # as extracted
    shown: Brief         # with the edits made
    dropped: bool
    flagged: int
    stale: list[Edit]
    version: int
    keys: dict[str, list[tuple[str, str]]]


class ReviewApp:
    """The review of one pack (or of a set of briefs): pages, edits and approval, over a backend
    that knows where the briefs and the edits live (`backends.py`)."""

    def __init__(self, backend, secret: str | None = None, reviewer: str = "", password: str | None = None,
                 allowed_hosts: set[str] | None = None) -> None:
        from pipeline.compose.templates import page_environment

        self.backend = backend
        self.secret = secret or secrets.token_urlsafe(24)
        self.reviewer = reviewer
        self.password = password
        self.allowed_hosts = allowed_hosts  # None: any (only with a password)
        self.env = page_environment(PAGES)
        self.lock = threading.Lock()

    # -- requests ---------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response:
        try:
            return self._handle(method, target, {k.lower(): v for k, v in headers.items()}, body)
        except HttpError as exc:
            return self._error(exc.status, exc.message)
        except BriefError as exc:
            return self._error(409, str(exc))

    def _handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        if self.allowed_hosts is not None and headers.get("host", "") not in self.allowed_hosts:
            raise HttpError(403, "this page answers only on the address brief review printed")
        if self.password is not None and not self._authorised(headers.get("authorization", "")):
            return Response(401, b"a password is required", "text/plain; charset=utf-8",
                            {"WWW-Authenticate": 'Basic realm="brief review", charset="UTF-8"'})
        parsed = urllib.parse.urlsplit(target)
        parts = parsed.path.split("/")
        if len(parts) < 2 or not hmac.compare_digest(parts[1].encode(), self.secret.encode()):
            raise HttpError(403, "the address lacks this review's secret; use the address brief review printed")
        route = parts[2:]
        try:
            query = urllib.parse.parse_qs(parsed.query, max_num_fields=20)
        except ValueError:
            raise HttpError(400, "the address has too many parameters") from None
        if method in ("GET", "HEAD"):
            return self._get(route, query)
        if method != "POST":
            raise HttpError(405, "only GET and POST")
        origin = headers.get("origin")
        if origin and self.allowed_hosts is not None and urllib.parse.urlsplit(origin).netloc not in self.allowed_hosts:
            raise HttpError(403, "a change must come from the review page itself")
        if len(body) > MAX_BODY:
            raise HttpError(413, "the form is too large")
        try:
            form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                                              max_num_fields=200, strict_parsing=False).items()}
        except (UnicodeDecodeError, ValueError):
            raise HttpError(400, "the form could not be read") from None
        with self.lock:
            return self._post(route, form)

    def _authorised(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            _, _, given = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(given.encode(), self.password.encode())

    # -- pages ------------------------------------------------------------------------------------

    def _get(self, route: list[str], query: dict[str, list[str]]) -> Response:
        if route in ([], [""]):
            return self._page("pack.html.j2", **self._pack_context(query))
        if len(route) == 2 and route[0] == "static" and route[1] in STATIC:
            return Response(200, (PAGES / route[1]).read_bytes(), STATIC[route[1]])
        if len(route) == 2 and route[0] == "a":
            return self._page("brief.html.j2", **self._brief_context(route[1], query))
        raise HttpError(404, "no such page")

    def _page(self, template: str, **context: Any) -> Response:
        text = self.env.get_template(template).render(base=f"/{self.secret}", **context)
        return Response(200, text.encode("utf-8"))

    def _error(self, status: int, message: str) -> Response:
        text = self.env.get_template("error.html.j2").render(base=f"/{self.secret}", status=status, error=message, message=None)
        return Response(status, text.encode("utf-8"))

    def articles(self, store: ReviewStore) -> tuple[list[ArticleView], Any]:
        from pipeline.review.edits import pack_decisions

        pack = self.backend.pack()
        decisions = pack_decisions(store.edits(pack_date=pack.date))
        rank = {sha: i for i, sha in enumerate(decisions.order)}
        ordered = sorted(enumerate(pack.entries), key=lambda p: (rank.get(p[1].brief.source.sha256, len(rank)), p[0]))
        views = []
        for position, (_, entry) in enumerate(ordered, start=1):
            sha = entry.brief.source.sha256
            edits = store.edits(article=sha)
            applied = apply_edits(entry.brief, edits)
            flagged = sum(1 for name in ("quotes", "commitments", "people") for item in getattr(applied.brief, name)
                          if _flagged(item))
            views.append(ArticleView(sha, position, entry.brief, applied.brief, sha in decisions.dropped, flagged,
                                     applied.stale, edits[-1].id if edits else 0, applied.keys))
        return views, decisions

    def _pack_context(self, query) -> dict[str, Any]:
        with self.backend.store() as store:
            views, decisions = self.articles(store)
            pack = self.backend.pack()
            version = store.version(pack_date=pack.date)
            return dict(pack=pack, articles=views, decisions=decisions, version=version,
                        whole_version=max([version] + [v.version for v in views]), approved=self.backend.approved(),
                        state=self.backend.state(), reviewer=self.reviewer, message=_first(query, "msg"),
                        single=self.backend.single)

    def _view(self, store: ReviewStore, sha: str) -> ArticleView:
        views, _ = self.articles(store)
        view = next((v for v in views if v.sha == sha), None)
        if view is None:
            raise HttpError(404, "no such article in this pack")
        return view

    def _brief_context(self, sha: str, query) -> dict[str, Any]:
        with self.backend.store() as store:
            view = self._view(store, sha)
        article = self.backend.article(view.raw)
        focus = _first(query, "focus") or ""
        items = {name: [_item(name, i, item) for i, item in enumerate(getattr(view.shown, name))] for name in FIELDS}
        chosen = next((it for name in FIELDS for it in items[name] if it["key"] == focus), None)
        paragraphs = _paragraphs(article, chosen["evidence"] if chosen else "")
        why = _reasons(article) if article is not None else {}
        for name in ("quotes", "commitments", "people"):
            for it in items[name]:
                it["why"] = why.get((name, it["evidence"], it["identity"]), "")
        speakers = sorted({p.name for p in view.shown.people} | {"a spokesperson", "officials"})
        return dict(view=view, brief=view.shown, items=items, focus=focus, paragraphs=paragraphs,
                    article_missing=article is None, speakers=speakers, reviewer=self.reviewer,
                    message=_first(query, "msg"), editable=EDITABLE, flag_below=FLAG_BELOW,
                    single=self.backend.single)

    # -- changes ----------------------------------------------------------------------------------

    def _post(self, route: list[str], form: dict[str, str]) -> Response:
        by = clean_line(form.get("by", ""))[:120] or clean_line(self.reviewer) or "reviewer"
        approved = self.backend.approved()
        if approved is not None and route != ["pack", "approve"]:
            raise HttpError(409, f"this was approved ({approved}), so it can no longer be changed")
        if route == ["pack", "approve"]:
            if approved is None:
                with self.backend.store() as store:
                    views, _ = self.articles(store)
                    whole = max([store.version(pack_date=self.backend.pack().date)] + [v.version for v in views])
                if self._version(form) != whole:
                    raise HttpError(409, "the pack was changed since you opened this page; reload it, look at the "
                                         "changes, then approve")
            report = self.backend.approve(by)
            message = "; ".join(report.messages) or f"approved by {by}"
            sent = [d.recipient for d in report.deliveries if d.status == "sent"]
            if sent:
                message += f"; sent to {', '.join(sent)}"
            return self._redirect("/", message)
        if route and route[0] == "pack":
            return self._pack_change(route[1:], form, by)
        if len(route) == 3 and route[0] == "a":
            return self._article_change(route[1], route[2], form, by)
        raise HttpError(404, "no such action")

    def _redirect(self, path: str, message: str = "") -> Response:
        query = "?" + urllib.parse.urlencode({"msg": message}) if message else ""
        return Response(303, b"", headers={"Location": f"/{self.secret}{path}{query}"})

    def _version(self, form: dict[str, str]) -> int:
        try:
            return int(form.get("version", ""))
        except ValueError:
            raise HttpError(400, "version: expected the number the page was loaded with") from None

    def _pack_change(self, action: list[str], form: dict[str, str], by: str) -> Response:
        with self.backend.store() as store:
            views, decisions = self.articles(store)
            pack = self.backend.pack()
            order = [v.sha for v in views]
            known = set(order)
            if action == ["move"]:
                sha, step = form.get("article", ""), form.get("direction", "")
                if sha not in known or step not in ("up", "down"):
                    raise HttpError(404, "no such article in this pack")
                i = order.index(sha)
                j = i - 1 if step == "up" else i + 1
                if 0 <= j < len(order):
                    order[i], order[j] = order[j], order[i]
                edit = Edit("", "pack", "order", values={"order": order}, by=by)
            elif action == ["order"]:
                new = [s for s in form.get("order", "").split(",") if s]
                if sorted(new) != sorted(order):
                    raise HttpError(400, "order: expected every article of the pack once")
                edit = Edit("", "pack", "order", values={"order": new}, by=by)
            elif action in (["drop"], ["restore"]):
                sha = form.get("article", "")
                if sha not in known:
                    raise HttpError(404, "no such article in this pack")
                edit = Edit("", "pack", action[0], values={"article": sha}, by=by)
            elif action == ["summary"]:
                summary = form.get("summary", "").strip()
                if len(summary) > 5000:
                    raise HttpError(400, "summary: at most 5,000 characters")
                edit = Edit("", "pack", "summary", values={"summary": summary}, by=by)
            else:
                raise HttpError(404, "no such action")
            try:
                store.save(pack.date, edit, {"order": order, "dropped": decisions.dropped,
                                             "summary": decisions.summary}, self._version(form))
            except StaleVersion as exc:
                raise HttpError(409, str(exc)) from None
        return self._redirect("/", "saved")

    def _article_change(self, sha: str, action: str, form: dict[str, str], by: str) -> Response:
        with self.backend.store() as store:
            view = self._view(store, sha)
            version = self._version(form)
            if action == "notes":
                lines = [clean_line(line) for line in form.get("lines_to_take", "").splitlines()]
                values = {"comment": clean_line(form.get("comment", "")) or None,
                          "lines_to_take": [line for line in lines if line],
                          "reviewed": form.get("reviewed") == "on"}
                if len(values["comment"] or "") > 5000 or sum(map(len, values["lines_to_take"])) > 5000:
                    raise HttpError(400, "comment and lines to take: at most 5,000 characters each")
                edit, before = Edit(sha, "notes", "set", values=values, by=by), {}
            elif action == "quote":
                article = self.backend.article(view.raw)
                if article is None:
                    raise HttpError(409, "the article cannot be read now, so a quote cannot be checked against it")
                from pipeline.extract.sentences import article_sentences

                try:
                    added = quote_addition("\n\n".join([article.title, article.standfirst or "", article.body]),
                                           [s.text for s in article_sentences(article)], form.get("text", ""),
                                           form.get("speaker") or None)
                except EditError as exc:
                    raise HttpError(422, str(exc)) from None
                edit = Edit(sha, "quotes", "add", added.evidence, added.identity, added.values, by=by)
                before = {}
            elif action in ("set", "delete"):
                name = form.get("field", "")
                if name not in FIELDS:
                    raise HttpError(404, "no such kind of item")
                try:
                    index = int(form.get("index", ""))
                    if index < 0:
                        raise IndexError
                    item = getattr(view.shown, name)[index]
                except (ValueError, IndexError):
                    raise HttpError(404, "no such item (it may have been deleted)") from None
                key = view.keys[name][index]
                before = dataclasses.asdict(item)
                if action == "delete":
                    edit = Edit(sha, name, "delete", key[0], key[1], by=by)
                else:
                    values = {k: form[k] for k in EDITABLE[name] if k in form}
                    try:
                        values = check_values(name, values, index)
                    except EditError as exc:
                        raise HttpError(422, str(exc)) from None
                    edit = Edit(sha, name, "set", key[0], key[1], values, by=by)
            else:
                raise HttpError(404, "no such action")
            try:
                check_brief(apply_edits(view.shown, [edit]).brief)
            except ModelError as exc:
                raise HttpError(422, f"{exc.where}: {exc.problem}") from None
            try:
                store.save(self.backend.pack().date, edit, before, version)
            except StaleVersion as exc:
                raise HttpError(409, str(exc)) from None
        return self._redirect(f"/a/{sha}", "saved")


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _flagged(item: Any) -> bool:
    confidence = getattr(item, "confidence", None)
    return confidence is not None and confidence < FLAG_BELOW


def _item(name: str, index: int, item: Any) -> dict[str, Any]:
    confidence = getattr(item, "confidence", None)
    return {"field": name, "index": index, "key": f"{name}-{index}", "item": item, "evidence": evidence_of(item),
            "identity": identity_of(name, item), "confidence": confidence, "flagged": _flagged(item)}


def _paragraphs(article, evidence: str) -> list[list[tuple[str, bool]]]:
    """The article's text as paragraphs of (text, highlighted) runs, the evidence highlighted."""
    if article is None:
        return []
    blocks = [article.title] + ([article.standfirst] if article.standfirst else []) + [b.text for b in article.blocks]
    out, marked = [], False
    for text in blocks:
        at = text.find(evidence) if evidence and not marked else -1
        if at < 0:
            out.append([(text, False)])
            continue
        marked = True
        out.append([(text[:at], False), (evidence, True), (text[at + len(evidence):], False)])
    return out


def _reasons(article) -> dict[tuple[str, str, str], str]:
    """Why the extractor chose each item (its --explain text), by field, sentence and item."""
    from pipeline.extract import extract_with_trace

    reasons = {}
    for item in extract_with_trace(article).trace:
        reasons.setdefault((item.field, item.evidence, item.item), item.rule)
        # a quote's trace item may show "speaker: text"; index by the text after it too
        if ": " in item.item:
            reasons.setdefault((item.field, item.evidence, item.item.split(": ", 1)[1].strip("“”\"")), item.rule)
    return reasons


# --------------------------------------------------------------------------- serving


class _Handler(BaseHTTPRequestHandler):
    app: ReviewApp
    server_version = "brief-review"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # the terminal shows the address, not a log
        return

    def _respond(self, method: str) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            response = Response(400, b"a bad Content-Length", "text/plain; charset=utf-8")
            self.close_connection = True
        elif length > MAX_BODY:
            response = Response(413, b"the form is too large", "text/plain; charset=utf-8")
            self.close_connection = True
        else:
            body = self.rfile.read(length) if length else b""
            response = self.app.handle(method, self.path, dict(self.headers.items()), body)
        self.send_response(response.status)
        headers = {**SECURITY_HEADERS, "Content-Type": response.content_type,
                   "Content-Length": str(len(response.body)), **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def do_GET(self) -> None:
        self._respond("GET")

    def do_POST(self) -> None:
        self._respond("POST")

    def do_HEAD(self) -> None:
        self._respond("HEAD")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that goes away mid-answer is no error; anything else is one line, never a
        traceback on the reviewer's terminal."""
        import sys

        problem = sys.exc_info()[1]
        if isinstance(problem, (ConnectionError, TimeoutError)):
            return
        print(f"brief: review: a request failed ({type(problem).__name__}: {problem})", file=sys.stderr)


def serve(app: ReviewApp, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server for `app` (not yet serving: call serve_forever). Port 0 picks a free one."""
    handler = type("Handler", (_Handler,), {"app": app})
    try:
        server = _Server((host, port), handler)
    except OSError as exc:
        raise BriefError(f"{host}:{port}", f"cannot listen ({exc.strerror or exc})",
                         "choose another --port, or leave it out for a free one") from None
    bound = server.server_address[1]
    if app.allowed_hosts is not None:
        app.allowed_hosts = {f"127.0.0.1:{bound}", f"localhost:{bound}"}
    return server


def address(server: ThreadingHTTPServer, app: ReviewApp, host: str) -> str:
    shown = "127.0.0.1" if host in ("127.0.0.1", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{server.server_address[1]}/{app.secret}/"

