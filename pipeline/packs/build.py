"""Building a pack: every source of a pack file, extracted in parallel, in one document per
format, with the run recorded in the history.

A run key (the pack file, the date, every input's SHA-256, the templates and the theme) makes a
second run of the same morning with the same inputs a no-op; anything that changes them
builds again. A killed run leaves the previous files (written atomically) and an unfinished
history row, so the next run does the work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from pipeline.errors import BriefError
from pipeline.workers import end_with_parent

if TYPE_CHECKING:
    from pipeline.deliver.outbox import Distribution
    from pipeline.readers.web import WebArticle
from pipeline.model import Brief, Pack, PackEntry, PackFailure
from pipeline.packs.settings import PackConfig
from pipeline.packs.history import History, InputRecord, OutputRecord
from pipeline.compose.theme import DEFAULT_THEME, TEMPLATES_DIR, Theme

PACK_TEMPLATES = ("pack.md.j2", "_brief_body.md.j2", "_cover.md.j2", "_story.md.j2")
MANIFEST = "manifest.json"
# A pack of fewer articles is built in this process alone: it takes well under a second either
# way, and worker processes would cost more CPU than the time they save (in the scheduler's
# process, 10 articles took 0.48 s of CPU alone, 0.36 s of wall and 0.56 s of CPU with workers).
PARALLEL_FROM = 16

# The pack's content (every brief, as data), once, beside the manifest that names it.
CONTENT = "content.json"


@dataclass
class PackInput:
    """One input of a pack, read once: its name, bytes and fingerprint."""

    name: str
    data: bytes | None = None
    sha256: str | None = None
    error: str | None = None
    web: "WebArticle | None" = None  # a page or feed item fetched from the web
    warnings: list[str] = field(default_factory=list)  # from fetching it


@dataclass
class Extracted:
    source: str
    sha256: str | None
    brief: Brief | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # the article's body, for telling near-copies apart


@dataclass
class PackResult:
    paths: list[Path]
    failures: list[PackFailure]
    skipped: bool = False
    message: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    distribution: "Distribution | None" = None
    groups: list[str] = field(default_factory=list)  # why articles were joined into stories, a line per story

    @property
    def exit_code(self) -> int:
        undelivered = self.distribution is not None and not self.distribution.ok
        return 1 if self.failures else 3 if undelivered else 0


def pack_date_today(config: PackConfig, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(config.zone).date().isoformat()


def collect_sources(config: PackConfig, history: History | None = None, date: str | None = None) -> list[PackInput]:
    """Every input the pack's sources name, in order, each read once. A source that names nothing
    or cannot be read is an entry with an error: it goes to the appendix, not to a crash.

    Web sources are fetched here. A feed gives its items published since the window's start
    and not in a pack of an earlier date (by the history); the same article listed twice (in
    two feeds, or as a feed item and an address) is read once."""
    from pipeline.readers import MAX_INPUT_BYTES, expand_sources
    from pipeline.readers import is_web_source

    sources: list[PackInput] = []
    seen: set[str] = set()
    for spec in config.sources:
        if is_web_source(spec):
            sources.extend(s for s in _web_sources(config, spec, history, date) if _first(s, seen))
            continue
        try:
            names = [str(p) for p in expand_sources([spec])]
        except BriefError as exc:
            sources.append(PackInput(spec, error=_reason(exc)))
            continue
        for name in names:
            real = os.path.realpath(name)
            if real in seen or name == "-":
                continue  # one article named twice ("arts/" and "arts/01.txt") is in the pack once
            seen.add(real)
            if is_web_source(name):  # a feed file a glob matched
                sources.extend(s for s in _web_sources(config, name, history, date) if _first(s, seen))
            else:
                sources.append(_read_source(name, MAX_INPUT_BYTES))
    return sources


def _web_sources(config: PackConfig, spec: str, history: History | None, date: str | None) -> list[PackInput]:
    from pipeline.readers import web

    settings = config.web_settings()
    last_run = None
    earlier: set[str] = set()
    if history is not None and date is not None:
        previous = history.previous(config.name, before_date=date)
        if previous is not None:
            last_run = dt.datetime.fromisoformat(previous.started_at)
        earlier = history.feed_items_before(config.name, date)
    warnings: list[str] = []
    try:
        items = web.load(spec, settings.limits, since=settings.since_time(last_run=last_run), seen=earlier,
                         warnings=warnings)
    except BriefError as exc:
        return [PackInput(spec, error=_reason(exc), warnings=warnings)]
    except Exception as exc:  # a bug reading one source must not lose the rest of the pack
        return [PackInput(spec, error=f"internal error: {type(exc).__name__}: {exc}", warnings=warnings)]
    if items:
        items[0].warnings[:0] = warnings
    return [PackInput(item.name, item.data, item.sha256, item.error, item, item.warnings) for item in items]


def _first(source: PackInput, seen: set[str]) -> bool:
    """True the first time an article is met; web articles are known by address and feed item."""
    keys = {f"name:{source.name}"}
    if source.web is not None:
        keys.update(f"item:{key}" for key in source.web.keys)
    if source.web is not None and source.web.source.url:
        keys.add(f"name:{source.web.source.url}")
    if keys & seen:
        return False
    seen.update(keys)
    return True


def _reason(exc: BriefError) -> str:
    return f"{exc.problem}; {exc.hint}" if exc.hint else exc.problem


def _read_source(name: str, limit: int) -> PackInput:
    path = Path(name)
    try:
        if not path.is_file():
            return PackInput(name, error="not a regular file")
        if path.stat().st_size > limit:
            return PackInput(name, error=f"larger than the {limit // 1_000_000} MB input limit")
        data = path.read_bytes()
    except OSError as exc:
        return PackInput(name, error=f"cannot read ({exc.strerror})")
    return PackInput(name, data, hashlib.sha256(data).hexdigest())


def template_hash(folder: Path | None = None) -> str:
    """A digest of the templates a pack is rendered with, as the run will use them: the user's
    folder's version of each where it has one, includes followed (a syntax error shows here,
    before any article is read)."""
    from pipeline.compose.templates import templates_digest

    return templates_digest(PACK_TEMPLATES, folder)


def theme_hash(config: PackConfig) -> str:
    """The theme file and the files it names (logo, reference document): a new logo rebuilds."""
    from pipeline.compose.theme import LOGO_MAX_BYTES, REFERENCE_MAX_BYTES, read_bounded

    digest = hashlib.sha256((config.theme or DEFAULT_THEME).read_bytes())
    theme = config.look
    for named, limit in ((theme.path(theme.logo), LOGO_MAX_BYTES),
                         (theme.path(theme.reference_docx), REFERENCE_MAX_BYTES)):
        if named is not None:
            try:
                digest.update(b"\0" + read_bounded(named, limit))
            except OSError:
                pass  # the render reports it
    return digest.hexdigest()


def run_key(config: PackConfig, date: str, sources: list[PackInput], templates: str, theme: str) -> str:
    """What decides the pack's files: the settings that reach the document (not the e-mail
    settings, not comments), the date, brief's version, the templates, the theme and every
    input's fingerprint."""
    from pipeline import __version__

    settings = json.dumps([config.name, list(config.formats), config.classification, config.prepared_for,
                           config.prepared_by, config.encoding, str(config.theme or ""), config.stories.digest_text()])
    digest = hashlib.sha256()
    for part in (settings, date, __version__, templates, theme,
                 *(f"{s.name}\0{s.sha256 or s.error}" for s in sources)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def _extract_one(name: str, data: bytes | None, error: str | None, encoding: str | None,
                 web_item: "WebArticle | None" = None, fetch_warnings: list[str] = ()) -> Extracted:
    """Read and extract one article; runs in a worker process, so everything it returns pickles."""
    if error is not None:
        return Extracted(name, None, error=error, warnings=list(fetch_warnings))
    from pipeline.extract import extract
    from pipeline.readers import read_bytes, web

    warnings: list[str] = list(fetch_warnings)
    sha = hashlib.sha256(data).hexdigest()
    try:
        if web_item is not None:
            article = web.read(web_item, encoding, warnings)
        else:
            article = read_bytes(data, name, encoding=encoding, warnings=warnings)
        text = "\n".join(block.text for block in article.blocks)
        return Extracted(name, sha, extract(article), warnings=warnings, text=text)
    except BriefError as exc:
        return Extracted(name, sha, error=_reason(exc), warnings=warnings)
    except Exception as exc:  # a bug in extraction must not lose the rest of the pack
        return Extracted(name, sha, error=f"internal error: {type(exc).__name__}: {exc}", warnings=warnings)


def extract_all(sources: list[PackInput], encoding: str | None,
                progress: Callable[[int], None] | None = None,
                meanwhile: Callable[[], None] | None = None, pool: Executor | None = None) -> list[Extracted]:
    """Extract every source, in `pool`'s processes if given, else here; results in source
    order. `meanwhile` runs here while the processes extract (first, when there are none)."""
    args = [(s.name, s.data, s.error, encoding, s.web, s.warnings) for s in sources]
    if pool is None:
        if meanwhile:
            meanwhile()
        results = []
        for a in args:
            results.append(_extract_one(*a))
            if progress:
                progress(1)
        return results
    futures = [pool.submit(_extract_one, *a) for a in args]
    if meanwhile:
        meanwhile()
    results = []
    for future in futures:
        results.append(future.result())
        if progress:
            progress(1)
    return results


def _prepare_templates(config: PackConfig, theme: Theme) -> None:
    from pipeline.compose.layout import prepare_templates
    from pipeline.compose.templates import TemplateLimits

    prepare_templates(config.templates or TEMPLATES_DIR, TemplateLimits.from_theme(theme), PACK_TEMPLATES)


def pack_folder(config: PackConfig, date: str) -> Path:
    return config.folder / date


def output_stem(config: PackConfig, date: str) -> str:
    return f"{config.slug[:68]}-{date}"


class Progress(Protocol):
    """What `build_pack` reports progress to: the CLI's bar on a terminal."""

    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


def build_pack(config: PackConfig, date: str | None = None, force: bool = False, dry_run: bool = False,
               jobs: int | None = None, progress_factory: Callable[[int], Progress] | None = None,
               email: bool = True, resend: bool = False, sleep=None,
               log: Callable[[str], None] = lambda line: None, locked: bool = False,
               transform: Callable[[Pack], Pack] | None = None) -> PackResult:
    """Run a pack for a date: the whole job behind `brief pack run`, then its e-mail.

    `transform` turns the pack as extracted into the pack as shown (a reviewer's edits); the
    manifest keeps the pack as extracted, so the edits can be made again on it."""
    from pipeline.packs.locking import PackLock

    date = date or pack_date_today(config)
    theme = config.look
    sending = config.email is not None and email
    # Mistakes in the SMTP settings show before any work.
    smtp = config.smtp_settings() if sending and config.email.mode == "smtp" else None
    if resend and not sending:
        log("--resend has no effect: the pack is not e-mailed" + (" (--no-email)" if config.email else ""))
    lock = contextlib.nullcontext() if locked or dry_run else PackLock(config.lock_path, str(config.path))
    with lock:
        # A dry run records nothing: it reads the history if there is one, else an empty one.
        history = History(None if dry_run and not config.history_path.exists() else config.history_path)
        try:
            result = _build_locked(config, date, theme, history, force, dry_run,
                                   jobs or os.cpu_count() or 1, progress_factory, transform)
            result.warnings[:0] = [(notice.source, notice.message) for notice in theme.warnings]
            if sending:
                result.distribution = _send(config, date, history, smtp, resend, dry_run, sleep, log, transform)
            return result
        finally:
            history.close()


def _send(config: PackConfig, date: str, history: History, smtp, resend: bool, dry_run: bool, sleep,
          log, transform: Callable[[Pack], Pack] | None = None) -> "Distribution | None":
    from pipeline.deliver.outbox import Distribution, distribute

    folder = pack_folder(config, date)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        if dry_run:
            return None  # nothing built yet: nothing to show
        return Distribution(notes=[f"{manifest_path} is missing, so the pack cannot be sent; --force builds it again"],
                            pending=[(address, "no pack to send") for address, _ in config.email.recipients])
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    outputs = {o["format"]: (folder / o["file"]).resolve() for o in manifest["outputs"]}
    shown = (lambda: transform(Pack.from_dict(read_content(folder)))) if transform else \
        (lambda: Pack.from_dict(read_content(folder)))
    return distribute(config.email, smtp, history, config.name, date, shown,
                      outputs, folder.resolve(), manifest["run_key"], resend=resend, dry_run=dry_run, sleep=sleep,
                      log=log, theme=config.look)


def send_built(config: PackConfig, date: str, transform: Callable[[Pack], Pack] | None = None,
               resend: bool = False, sleep=None, log: Callable[[str], None] = lambda line: None,
               locked: bool = False) -> "Distribution | None":
    """E-mail the pack already built for `date` to its list (None when it has no [email]); each
    recipient at most once, as for `brief pack run`."""
    from pipeline.packs.locking import PackLock

    if config.email is None:
        return None
    smtp = config.smtp_settings() if config.email.mode == "smtp" else None
    with contextlib.nullcontext() if locked else PackLock(config.lock_path, str(config.path)):
        with History(config.history_path) as history:
            return _send(config, date, history, smtp, resend, False, sleep, log, transform)


def built_pack(config: PackConfig, date: str) -> tuple[Pack, dict] | None:
    """The pack built for `date` as extracted (before any review edits), and its manifest."""
    folder = pack_folder(config, date)
    if not (folder / MANIFEST).is_file():
        return None
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return Pack.from_dict(read_content(folder)), manifest


def rerender(config: PackConfig, date: str, transform: Callable[[Pack], Pack], locked: bool = False) -> list[Path]:
    """Render the pack built for `date` again, as `transform` shows it (after a review), from
    its manifest: the same articles as read then, nothing fetched again."""
    from pipeline.packs.locking import PackLock

    started = time.perf_counter()
    with contextlib.nullcontext() if locked else PackLock(config.lock_path, str(config.path)):
        found = built_pack(config, date)
        if found is None:
            raise BriefError(str(config.path), f"no pack was built for {date}", "run brief pack run first")
        raw, manifest = found
        inputs = [InputRecord(i["source"], i["sha256"], i["title"], i["status"], i["error"], i["new"])
                  for i in manifest["inputs"]]
        _, paths, _ = _render_and_write(config, transform(raw), config.look, pack_folder(config, date),
                                        manifest["run_key"], inputs, started, raw=raw)
        return paths


def _build_locked(config: PackConfig, date: str, theme: Theme, history: History, force: bool, dry_run: bool,
                  jobs: int, progress_factory, transform: Callable[[Pack], Pack] | None = None) -> PackResult:
    from pipeline.readers import web

    started = time.perf_counter()
    templates = template_hash(config.templates)  # a broken template shows before any fetch
    sources = collect_sources(config, history, date)
    theme_digest = theme_hash(config)
    key = run_key(config, date, sources, templates, theme_digest)
    done = history.completed(config.name, key)
    folder = pack_folder(config, date)
    if done is not None and not force:
        paths = [Path(o.path) for o in history.outputs(done.id)]
        if all(p.exists() for p in paths):
            return PackResult([], [], skipped=True,
                              message=f"{config.name} for {date} is up to date (run {done.id}, {done.finished_at}); "
                                      f"--force builds it again")
    kept = _keep_todays_pack(config, date, history, sources, force)
    if kept is not None:
        return kept
    # "New" is measured against the pack of the previous date, whatever ran since this morning.
    seen = history.seen_inputs(history.previous(config.name, before_date=date))
    if dry_run:
        new = sum(1 for s in sources if s.sha256 and s.sha256 not in seen)
        formats = ", ".join(config.formats)
        return PackResult([], [], skipped=True,
                          message=f"{config.name} for {date}: would build {len(sources)} articles ({new} new) "
                                  f"into {folder} as {formats}")
    # The pack's lock is held: a run still "running" in the history was killed.
    history.mark_interrupted(config.name)
    run_id = history.start_run(config.name, date, key, templates, theme_digest)
    from pipeline.render.build import side_renderer_for

    # The PDF's process starts now: it imports its renderer and loads the fonts while the
    # articles are extracted, so that only the PDF's own work is left when the pack is laid out.
    parallel = len(sources) >= PARALLEL_FROM
    side = side_renderer_for(list(config.formats), theme) if parallel else None
    # The extraction workers then parse the laid-out pack's Markdown, piece by piece, side by
    # side; they start with the layout module, imported before they fork.
    import pipeline.compose.layout  # noqa: F401

    workers = (ProcessPoolExecutor(max_workers=jobs, initializer=end_with_parent, initargs=(os.getpid(),))
               if parallel and jobs > 1 else None)
    try:
        bar = progress_factory(len(sources)) if progress_factory else None
        try:
            # The pack's templates are compiled while the articles are extracted (0.1 s that
            # the laying out would otherwise spend on one core).
            extracted = extract_all(sources, config.encoding, bar.update if bar else None,
                                    meanwhile=lambda: _prepare_templates(config, theme), pool=workers)
        finally:
            if bar:
                bar.close()
        pack, inputs, warnings = _assemble(config, date, extracted, seen)
        times = {s.sha256: s.web.published_at for s in sources if s.web is not None and s.web.published_at}
        texts = {e.sha256: e.text for e in extracted if e.brief is not None}
        pack, groups = arrange_stories(config, pack, texts, times)
        from pipeline.packs.days import across_days

        pack, tracked = across_days(pack, history, config.name, config.stories, texts, times)
        kept = [(web.saved_name(s.web), s.data) for s in sources if s.web is not None and s.data is not None]
        shown = transform(pack) if transform else pack
        outputs, paths, render_warnings = _render_and_write(config, shown, theme, folder, key, inputs, started, kept,
                                                            side, raw=pack, groups=groups, workers=workers)
        warnings.extend((config.name, w) for w in render_warnings)
    except Exception as exc:
        history.fail_run(run_id, time.perf_counter() - started, " ".join(f"{type(exc).__name__}: {exc}".split()))
        raise
    finally:
        if workers is not None:
            workers.shutdown(cancel_futures=True)
        if side is not None:
            side.close()
    outcome = "partial" if pack.failures else "ok"
    # A feed item that was read is not news tomorrow; one that failed is tried again.
    read_items = [key for s, e in zip(sources, extracted) if s.web is not None and e.brief for key in s.web.keys]
    history.finish_run(run_id, outcome, inputs, outputs, time.perf_counter() - started,
                       f"{len(pack.entries)} briefs, {len(pack.failures)} left out", read_items,
                       tracked.people, tracked.stories)
    return PackResult(paths, pack.failures, warnings=warnings, groups=groups)


def _keep_todays_pack(config: PackConfig, date: str, history: History, sources: list[PackInput],
                      force: bool) -> PackResult | None:
    """A pack already built for this date is not replaced by one that has lost web articles
    it held (a site down, an item gone from its feed): the rebuild would be worse. --force
    replaces it all the same."""
    if force:
        return None
    today = history.completed_for_date(config.name, date)
    if today is None:
        return None
    paths = [Path(o.path) for o in history.outputs(today.id)]
    if not paths or not all(p.exists() for p in paths):
        return None
    read_now = {s.name for s in sources if s.error is None}
    lost = [r.source for r in history.inputs(today.id)
            if r.status == "ok" and r.source.lower().startswith(("http://", "https://")) and r.source not in read_now]
    if not lost:
        return None
    shown = ", ".join(lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
    return PackResult([], [], skipped=True,
                      message=f"{config.name} for {date}: kept the pack built at {today.finished_at}: "
                              f"{len(lost)} web {'article' if len(lost) == 1 else 'articles'} it holds "
                              f"cannot be read now ({shown}); --force builds it without them")


def _assemble(config: PackConfig, date: str, extracted: list[Extracted], seen: set[str]
              ) -> tuple[Pack, list[InputRecord], list[tuple[str, str]]]:
    from pipeline.readers.url import mask_credentials

    entries, failures, inputs, warnings = [], [], [], []
    for item in extracted:
        # What is printed, recorded and put in the appendix never repeats a password.
        source = mask_credentials(item.source)
        error = mask_credentials(item.error) if item.error else item.error
        warnings.extend((source, mask_credentials(w)) for w in item.warnings)
        if item.brief is None:
            failures.append(PackFailure(source, error or "unknown error"))
            inputs.append(InputRecord(source, item.sha256, None, "failed", error))
            continue
        is_new = item.sha256 not in seen
        entries.append(PackEntry(item.brief, is_new))
        inputs.append(InputRecord(source, item.sha256, item.brief.title, "ok", None, is_new))
    pack = Pack(config.name, date, config.classification, config.prepared_for, config.prepared_by, entries, failures)
    return pack, inputs, warnings


def _render_and_write(config: PackConfig, pack: Pack, theme: Theme, folder: Path, key: str,
                      inputs: list[InputRecord], started: float, kept: list[tuple[str, bytes]] = (),
                      side=None, raw: Pack | None = None, groups: list[str] | None = None,
                      workers: Executor | None = None) -> tuple[list[OutputRecord], list[Path], list[str]]:
    """Render and write the pack's files and manifest; their records (absolute paths, for the
    history) and their paths as the pack file names them (to print). `side` renders the PDF
    in another process while the other formats are made here; `workers` parse the pack's
    Markdown, and are shut down once it is (the caller closes both)."""
    from pipeline.render.build import render_formats
    from pipeline.files import atomic_write_all, ensure_folder, output_path, sweep_temp_files
    from pipeline.compose.layout import Furniture, layout_pack, title_warning
    from pipeline.render import FORMATS, RenderJob
    from pipeline.compose.templates import TemplateLimits

    markdown, document = layout_pack(pack, theme.language, folder=config.templates or TEMPLATES_DIR,
                                     furniture=Furniture.from_theme(theme), limits=TemplateLimits.from_theme(theme),
                                     map_pieces=workers.map if workers is not None else map)
    if workers is not None:
        workers.shutdown()  # their memory is the renderers' now
    job = RenderJob(document=document, markdown=markdown, theme=theme, pack=pack)
    for entry in pack.entries:
        if (warning := title_warning(entry.brief.title)) is not None:
            job.warn(warning)
    formats = list(config.formats)
    data = render_formats(formats, job, side)
    # The laid-out document is done with; at 1,000 articles it holds tens of MB, which the
    # pack's content, serialised next, can use instead.
    render_warnings = job.warnings
    del job, document, markdown
    ensure_folder(folder)
    # The pack's lock is held: any temporary file here is what a killed run left behind.
    sweep_temp_files(folder, older_than_seconds=0)
    sweep_temp_files(folder / "sources", older_than_seconds=0)
    stem = output_stem(config, pack.date)
    files = [(output_path(folder, stem, FORMATS[fmt].extension), data[fmt]) for fmt in formats]
    outputs = [OutputRecord(fmt, str(path.resolve()), hashlib.sha256(content).hexdigest(), len(content))
               for fmt, (path, content) in zip(formats, files)]
    # The content is the pack as extracted: a reviewer's edits are applied to it again on each render.
    content_json = (json.dumps((raw or pack).to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"
                    ).encode("utf-8")
    if groups is None:  # a render again after a review: the stories are those built
        groups = _group_lines(raw or pack)
    manifest = _manifest(config, raw or pack, key, inputs, outputs, time.perf_counter() - started, content_json,
                         groups)
    # The web pages read are kept beside the pack (each brief names its copy), in the same set.
    if kept:
        ensure_folder(folder / "sources")
    copies = [(folder / relative, content) for relative, content in dict(kept).items()]
    atomic_write_all(files + copies + [(folder / CONTENT, content_json), (folder / MANIFEST, manifest)])
    return outputs, [path for path, _ in files] + [folder / MANIFEST], render_warnings


def read_content(folder: Path) -> dict:
    """The pack's content (its briefs as data) that the manifest in `folder` names, checked
    against the manifest's digest; a manifest of an older version holds it itself."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    content = manifest["content"]
    if "file" not in content:
        return content
    try:
        data = (folder / content["file"]).read_bytes()
    except OSError as exc:
        raise BriefError(str(folder / content["file"]), f"cannot be read ({exc.strerror or exc})",
                         "build the pack again with --force") from None
    if hashlib.sha256(data).hexdigest() != content["sha256"]:
        raise BriefError(str(folder / content["file"]), "does not match the digest its manifest records",
                         "build the pack again with --force")
    return json.loads(data)


def _manifest(config: PackConfig, pack: Pack, key: str, inputs: list[InputRecord], outputs: list[OutputRecord],
              seconds: float, content: bytes, groups: list[str] = ()) -> bytes:
    """What an archive or an auditor needs: inputs, outputs, hashes, run key, timings, and a
    reference to the pack's content (the briefs as data, stored once in content.json), from
    which its e-mail can be made again."""
    record = {
        "pack": config.name,
        "pack_file": str(config.path),
        "date": pack.date,
        "run_key": key,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "inputs": [{"source": r.source, "sha256": r.sha256, "title": r.title, "status": r.status,
                    "error": r.error, "new": r.is_new} for r in inputs],
        "outputs": [{"format": o.format, "file": Path(o.path).name, "sha256": o.sha256, "bytes": o.size}
                    for o in outputs],
        "content": {"file": CONTENT, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content),
                    "briefs": len(pack.entries), "failures": len(pack.failures)},
    }
    if pack.sections is not None:
        record["stories"] = sum(len(section.stories) for section in pack.sections)
        record["groups"] = list(groups)
        record["cut"] = len(pack.cut or ())
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- stories


def _outlet(brief: Brief) -> str:
    """Who published an article, as "Also reported by" names it: the publisher, else the site,
    else the file's name."""
    from pipeline.stories import Item

    if brief.source.publisher or brief.source.url:
        return Item(brief).source_name
    return Path(brief.source.path or "-").name or "standard input"


def _clock(when: dt.datetime | None, config: PackConfig, date: str) -> str | None:
    if when is None:
        return None
    local = when.astimezone(config.zone)
    return local.strftime("%H:%M") if local.date().isoformat() == date else local.strftime("%Y-%m-%d %H:%M")


def _group_lines(pack: Pack) -> list[str]:
    """A line per story of several articles saying why they were joined, as `arrange_stories` gives."""
    titles = {e.brief.source.sha256: e.brief.title for e in pack.entries}
    return [f"{titles.get(story.lead, story.lead)}: " + "; ".join(story.joined)
            for section in pack.sections or () for story in section.stories if story.joined]


def arrange_stories(config: PackConfig, pack: Pack, texts: dict[str | None, str],
                    times: dict[str | None, str] | None = None) -> tuple[Pack, list[str]]:
    """The pack's entries as stories: the same story from several outlets once, in the pack
    file's sections, watched names first, then the stories more outlets carry, then the newest,
    kept to `max_per_feed` and `max_stories` (what is cut is listed with why). Also a line per
    joined story saying why its articles were joined. `texts` and `times` are each article's
    body and when its feed says it appeared (ISO 8601), by SHA-256.

    A pack whose file asks for nothing of this and whose articles are all different stories is
    left as it is: the same documents as a pack of briefs."""
    from pipeline import stories
    from pipeline.model import PackCut, PackSection, PackStory, StoryAlso, StoryExtra

    settings = config.stories
    if not pack.entries or (settings.grouping is None and not settings.arranged):
        return pack, []
    times = times or {}

    def moment(sha: str | None) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(times[sha]) if sha in times else None
        except ValueError:
            return None

    items = [stories.Item(e.brief, texts.get(e.brief.source.sha256, ""), moment(e.brief.source.sha256),
                          _outlet(e.brief)) for e in pack.entries]
    if settings.grouping is not None:
        found = stories.group(items, settings.grouping)
    else:
        found = [stories.Story((item,)) for item in items]
    if not settings.arranged and all(len(story.items) == 1 for story in found):
        return pack, []
    report = stories.watch(found, settings.watch)
    other = "Other" if settings.unmatched == "other" else "drop"
    if settings.sections:
        assigned = stories.assign(found, settings.sections, other)
    else:
        assigned = {None: found}
    cut: list[tuple[stories.Story, str]] = []
    if settings.sections and settings.unmatched == "drop":
        placed = {id(s) for members in assigned.values() for s in members}
        cut.extend((s, 'it matches no section (unmatched = "drop")') for s in found if id(s) not in placed)
    ordered = [(title, story) for title, members in assigned.items() for story in stories.order(members, report)]
    kept, limited = stories.limit([story for _, story in ordered], settings.max_per_feed, settings.max_stories)
    cut.extend((c.story, c.reason) for c in limited)
    keep = {id(story) for story in kept}
    entries_by_key = {id(item): entry for item, entry in zip(items, pack.entries)}

    sections: list[PackSection] = []
    entries = []
    groups: list[str] = []
    for title, story in ordered:
        if id(story) not in keep:
            continue
        if not sections or sections[-1].title != title:
            sections.append(PackSection(title))
        entries.extend(entries_by_key[id(item)] for item in story.items)
        joined = [f"{story.items[link.a].source_name} and {story.items[link.b].source_name}: "
                  f"{link.kind} ({link.reason})" for link in story.links]
        also = [StoryAlso(item.brief.source.sha256 or item.key, item.source_name,
                          _clock(item.time and item.when, config, pack.date), item.url, item.brief.title)
                for item in story.items[1:]]
        extras = [_story_extra(extra, StoryExtra) for extra in story.extras]
        packed = PackStory(story.lead.brief.source.sha256 or story.lead.key, also, extras,
                           report.names_in(story), joined)
        sections[-1].stories.append(packed)
        if joined:
            groups.append(f"{story.lead.brief.title}: " + "; ".join(joined))
    if settings.sections:  # every section the file names, in its order, even an empty one
        have = {section.title: section for section in sections}
        sections = [have.get(title, PackSection(title)) for title, _ in settings.sections] + \
            [s for s in sections if s.title not in dict(settings.sections)]
    watched = None
    counts = None
    if settings.watch:
        shown = {id(story) for story in kept}
        forms: dict[str, None] = dict.fromkeys(settings.watch)
        tally = {name: 0 for name in settings.watch}
        for story in found:
            if id(story) not in shown:
                continue
            for name in report.names_in(story):
                tally[name] += 1
            for hit in report.hits.get(story.id, ()):
                forms.setdefault(hit.matched, None)
            # "Sir Keir" and "Mr Starmer" stand out as "Keir Starmer" does.
            for item in story.items:
                for person in item.brief.people:
                    if any(stories.person_matches(name, person) for name in report.names_in(story)):
                        forms.update(dict.fromkeys(a for a in person.aliases if len(a) > 2))
        watched = list(forms)
        counts = [f"{name} in {n} stor{'y' if n == 1 else 'ies'}" for name, n in tally.items() if n]
    packed_cut = [PackCut(story.lead.brief.title, story.lead.source_name, reason) for story, reason in cut]
    arranged = dataclasses.replace(pack, entries=entries, sections=sections, watched=watched, watch_counts=counts,
                                   cut=packed_cut or None)
    return arranged, groups


def _story_extra(extra, kind):
    item = extra.item
    if extra.kind == "quote":
        return kind("quote", item.text, item.speaker, extra.outlet, extra.url)
    if extra.kind == "commitment":
        return kind("commitment", item.action, item.actor, extra.outlet, extra.url)
    return kind("person", item.name, item.role, extra.outlet, extra.url)
