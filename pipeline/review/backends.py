"""Where the briefs under review come from and where their edits live: a built pack (its
manifest and history), or briefs named on the command line (a review file in the output folder)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pipeline.errors import BriefError
from pipeline.model import Article, Brief, Pack, PackEntry
from pipeline.review.store import APPROVED, ReviewStore


class _Articles:
    """The article text behind each brief, read again from the copy the brief names, and kept
    only when it is still the same bytes (the same SHA-256)."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = roots
        self.cache: dict[str, Article | None] = {}

    def __call__(self, brief: Brief) -> Article | None:
        sha = brief.source.sha256
        if sha not in self.cache:
            self.cache[sha] = self._read(brief)
        return self.cache[sha]

    def _read(self, brief: Brief) -> Article | None:
        from pipeline.api import read_article

        path = brief.source.path
        if not path or path == "-":
            return None
        for candidate in [Path(path)] + [root / path for root in self.roots]:
            if not candidate.is_file():
                continue
            try:
                article = read_article(str(candidate), warnings=[])
            except BriefError:
                continue
            if article.source.sha256 == brief.source.sha256:
                return article
        return None


class PackBackend:
    """The pack built for one date."""

    single = False

    def __init__(self, config, date: str) -> None:
        from pipeline.packs.build import built_pack, pack_folder

        self.config, self.date = config, date
        if built_pack(config, date) is None:
            raise BriefError(str(config.path), f"no pack was built for {date}",
                             f"run brief pack run {config.path} --date {date} first")
        self.article = _Articles([pack_folder(config, date), Path.cwd()])

    def pack(self) -> Pack:
        from pipeline.packs.build import built_pack

        return built_pack(self.config, self.date)[0]

    def store(self) -> ReviewStore:
        return ReviewStore(self.config.history_path, self.config.name)

    def state(self) -> str:
        from pipeline.api import pack_status

        return pack_status(self.config, self.date).state

    def approved(self) -> str | None:
        """Who approved the pack as built now, and when; None while it awaits review."""
        from pipeline.packs.build import built_pack

        with self.store() as store:
            state = store.state(self.date)
        found = built_pack(self.config, self.date)
        if state is None or state.state != APPROVED or found is None or found[1]["run_key"] != state.run_key:
            return None
        return f"by {state.by} at {state.at}"

    def approve(self, by: str):
        from pipeline.api import approve

        return approve(self.config, self.date, by)


class BriefsBackend:
    """Briefs named on the command line (BRIEF.json files, or articles to extract now); approving
    writes each one, with its edits, to the output folder."""

    single = True

    def __init__(self, sources: list[str], settings, warnings: list[str] | None = None) -> None:
        from pipeline.api import extract
        from pipeline.files import ensure_folder

        self.settings = settings
        briefs = []
        for spec in sources:
            if spec.endswith(".json") and Path(spec).is_file():
                try:
                    briefs.append(Brief.from_json(Path(spec).read_text(encoding="utf-8-sig")))
                except (OSError, UnicodeDecodeError, ValueError) as exc:
                    raise BriefError(spec, f"not a brief ({exc})", "give a file `brief extract` wrote") from None
            else:
                briefs.append(extract(spec, settings.encoding, warnings))
        if not briefs:
            raise BriefError("brief review", "no brief to review", "name a pack file, BRIEF.json files or articles")
        digest = hashlib.sha256("\0".join(b.source.sha256 or b.title for b in briefs).encode()).hexdigest()
        self.key = digest
        self._pack = Pack("Briefs for review", dt.date.today().isoformat(), entries=[PackEntry(b) for b in briefs])
        ensure_folder(settings.output)
        self.path = settings.output / "review.sqlite"
        self.name = f"briefs-{digest[:16]}"
        self.article = _Articles([Path.cwd()])

    def pack(self) -> Pack:
        return self._pack

    def store(self) -> ReviewStore:
        return ReviewStore(self.path, self.name)

    def state(self) -> str:
        approved = self.approved()
        return f"approved {approved}" if approved else "awaiting review"

    def approved(self) -> str | None:
        with self.store() as store:
            state = store.state(self._pack.date)
        if state is None or state.state != APPROVED or state.run_key != self.key:
            return None
        return f"by {state.by} at {state.at}"

    def approve(self, by: str):
        from pipeline.api import Report, render_file
        from pipeline.review.workflow import shown_pack

        report = Report("review approve")
        with self.store() as store:
            shown, _ = shown_pack(store, self._pack)
            if not store.approve(self._pack.date, self.key, by):
                report.messages.append(f"already approved {self.approved()}; nothing written again")
                return report
        for entry in shown.entries:
            written = render_file(entry.brief, self.settings, source=entry.brief.source.path or entry.brief.title)
            report.written.extend(written.written)
            report.warnings.extend(written.warnings)
        report.messages.append(f"approved by {by}: {len(report.written)} files written to {self.settings.output}")
        return report
