"""A review page being served: the front end `brief review` starts, over the same library
operations (`pipeline.api`) as the command line and the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.api import GenerateSettings


@dataclass
class ReviewSession:
    """A review page being served: its address (secret included) and the server."""

    address: str
    server: Any
    app: Any

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever(poll_interval=0.2)
        finally:
            self.server.server_close()

    def shutdown(self) -> None:
        self.server.shutdown()


def _review_session(backend, reviewer: str, host: str, port: int, password: str | None) -> ReviewSession:
    from pipeline.review.server import ReviewApp, address, serve

    local = host in ("127.0.0.1", "localhost")
    app = ReviewApp(backend, reviewer=reviewer, password=None if local else password,
                    allowed_hosts=set() if local else None)
    server = serve(app, "127.0.0.1" if local else host, port)
    return ReviewSession(address(server, app, "127.0.0.1" if local else host), server, app)


def review_pack(config, date: str | None = None, reviewer: str = "", host: str = "127.0.0.1", port: int = 0,
                password: str | None = None) -> ReviewSession:
    """Serve the review page of the pack built for `date` (default: today): `brief review PACK`."""
    from pipeline.packs.build import pack_date_today
    from pipeline.review.backends import PackBackend

    return _review_session(PackBackend(config, date or pack_date_today(config)), reviewer, host, port, password)


def review_briefs(sources: list[str], settings: GenerateSettings, reviewer: str = "", host: str = "127.0.0.1",
                  port: int = 0, password: str | None = None) -> ReviewSession:
    """Serve the review page of briefs (BRIEF.json files, or articles extracted now); approving
    writes their documents as `generate` would."""
    from pipeline.review.backends import BriefsBackend

    return _review_session(BriefsBackend(sources, settings), reviewer, host, port, password)
