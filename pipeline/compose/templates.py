"""Where templates come from, and what a broken one says.

The built-in templates live in `templates/`. A user folder (`--template-dir`, or `templates =`
in a pack file) is searched first: a template in it replaces the built-in of the same name, and
every other name, includes too, falls back to the built-in. Templates run in Jinja2's immutable
sandbox with StrictUndefined; any error in one is a `TemplateError` naming the file actually used
and its line. jinja2 is imported only where it is used, so the command line's help stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import signal
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Iterable, Iterator

from pipeline.errors import BriefError
from pipeline.compose.theme import DEFAULT_THEME, TEMPLATES_DIR

if TYPE_CHECKING:
    import jinja2

TEMPLATE_SUFFIX = ".j2"
HINT = "fix the template (`brief templates show NAME` prints the built-in one)"


class TemplateError(BriefError):
    """A template that cannot be loaded or rendered: a configuration mistake, exit status 2."""

    exit_code = 2


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    path: Path  # the file used: the user's when it has one, else the built-in
    builtin: bool
    description: str


def search_path(folder: Path | None) -> list[Path]:
    """The folders templates are read from, first match wins: the user's, then the built-ins."""
    if folder is None or _same_folder(folder, TEMPLATES_DIR):
        return [TEMPLATES_DIR]
    return [folder, TEMPLATES_DIR]


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def loader(folder: Path | None) -> "jinja2.BaseLoader":
    import jinja2

    loaders = [jinja2.FileSystemLoader(str(path)) for path in search_path(folder)]
    return loaders[0] if len(loaders) == 1 else jinja2.ChoiceLoader(loaders)


def _names_in(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMPLATE_SUFFIX) and p.is_file())
    except OSError as exc:
        raise TemplateError(str(folder), f"cannot read the templates folder ({exc.strerror or exc})",
                            "check the path given for the templates") from None


def builtin_names() -> list[str]:
    return _names_in(TEMPLATES_DIR)


def resolve(name: str, folder: Path | None) -> Path | None:
    """The file a template name stands for, or None when no folder has it."""
    if not _is_plain_name(name):
        return None
    for path in search_path(folder):
        candidate = path / name
        if candidate.is_file():
            return candidate
    return None


def _is_plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") and "\0" not in name


def available(folder: Path | None) -> list[TemplateInfo]:
    """Every template a run can use, by name, with the file that would be used."""
    names = set(builtin_names())
    if folder is not None:
        names.update(_names_in(folder))
    infos = []
    for name in sorted(names, key=lambda n: (n.lstrip("_").casefold(), n)):
        path = resolve(name, folder)
        if path is not None:
            infos.append(TemplateInfo(name, path, path.parent == TEMPLATES_DIR, describe(path)))
    return infos


def find(name: str, folder: Path | None) -> Path:
    """The file for a template name; "brief" stands for "brief.md.j2"."""
    for candidate in (name, f"{name}.md.j2", f"{name}.j2", f"_{name}.md.j2"):
        path = resolve(candidate, folder)
        if path is not None:
            return path
    known = ", ".join(info.name for info in available(folder))
    raise TemplateError(f"template {name}", "no such template", f"use one of: {known}")


_LEADING_COMMENT = re.compile(r"\A\s*\{#-?(.*?)-?#\}", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def describe(path: Path) -> str:
    """The first sentence of the template's leading {# ... #} comment, on one line."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    match = _LEADING_COMMENT.match(text)
    if not match:
        return ""
    words = " ".join(match.group(1).split())
    return _SENTENCE_END.split(words, maxsplit=1)[0]


def init_folder(folder: Path, force: bool = False) -> list[Path]:
    """Copy the built-in templates (and the default theme, as themes/default.toml) into
    `folder`; nothing is written when a file is already there, unless `force`."""
    from pipeline.files import atomic_write_all, ensure_folder

    copies = [(TEMPLATES_DIR / name, folder / name) for name in builtin_names()]
    copies.append((DEFAULT_THEME, folder / "themes" / DEFAULT_THEME.name))
    if not force:
        existing = [str(target) for _, target in copies if target.exists() or target.is_symlink()]
        if existing:
            if len(existing) == 1:
                raise BriefError(existing[0], "already exists", "rerun with --force to overwrite it")
            raise BriefError(f"{existing[0]} and {len(existing) - 1} more", "already exist",
                             "rerun with --force to overwrite them")
    files = []
    for source, target in copies:
        try:
            files.append((target, source.read_bytes()))
        except OSError as exc:
            raise BriefError(str(source), f"cannot read the built-in ({exc.strerror or exc})",
                             "reinstall brief") from None
    for parent in dict.fromkeys(target.parent for target, _ in files):
        ensure_folder(parent)
    atomic_write_all(files)
    return [target for target, _ in files]


# --------------------------------------------------------------------------- what a run uses


def used_templates(roots: Iterable[str], folder: Path | None) -> list[tuple[str, Path]]:
    """The templates rendering `roots` can read, includes followed, with the file used for
    each. An include whose name is computed cannot be followed: then every template is."""
    found: dict[str, Path] = {}
    pending = list(roots)
    while pending:
        name = pending.pop(0)
        if name in found:
            continue
        path = resolve(name, folder)
        if path is None:
            continue  # a missing include is the render's error to report, with its line
        found[name] = path
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"template {path}", f"cannot be read ({exc})", "check the file") from None
        references = _references(source, name, str(path))
        if None in references:
            for info in available(folder):
                found.setdefault(info.name, info.path)
            break
        pending.extend(references)
    return sorted(found.items())


@functools.lru_cache(maxsize=64)
def _references(source: str, name: str, filename: str) -> tuple[str | None, ...]:
    """The templates `source` includes, imports or extends; None for a name it computes.
    Kept per source: a process that runs many packs parses each template once."""
    import jinja2
    from jinja2 import meta

    # Parsing only: the syntax and the line numbers are those of a render's environment
    # (layout.template_environment), whose filters and sandbox play no part in parsing.
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    try:
        tree = env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError as exc:
        raise template_error(exc, env) from exc
    return tuple(meta.find_referenced_templates(tree))


def templates_digest(roots: Iterable[str], folder: Path | None) -> str:
    """A digest of every template `roots` use, as they are now (the user's where present)."""
    digest = hashlib.sha256()
    for name, path in used_templates(roots, folder):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"template {path}", f"cannot be read ({exc.strerror or exc})",
                                "reinstall brief or restore the templates folder") from None
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
    return digest.hexdigest()


# --------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class TemplateLimits:
    """What one template render may cost: wall-clock seconds, and memory it may add to the
    process. A theme sets them in its [limits] table (see pipeline.compose.theme)."""

    seconds: float = 10.0
    memory_mb: float = 512.0

    @classmethod
    def from_theme(cls, theme) -> "TemplateLimits":
        return cls(float(theme.template_seconds), float(theme.template_memory_mb))


class _OutOfTime(BaseException):
    """Raised in the render by the alarm; a BaseException, so no template code catches it."""


def _virtual_memory() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read(64).split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def limited(limits: TemplateLimits, name: str) -> Iterator[None]:
    """Run a template render within `limits`, or stop it with a TemplateError naming the limit.

    Time: an alarm (SIGALRM) interrupts the render; only the main thread can take it, so a
    render elsewhere runs without a time limit. Memory: the process's address-space limit is
    lowered to what it uses now plus the allowance while the render runs, and restored after,
    so an allocation past it fails at once with MemoryError instead of filling the machine."""
    import threading

    alarm = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
             and limits.seconds > 0)
    previous_handler = None
    if alarm:
        def out_of_time(signum, frame):
            raise _OutOfTime()

        previous_handler = signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    previous_limit = None
    try:
        import resource

        used = _virtual_memory()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if used is not None and limits.memory_mb > 0:
            wanted = used + int(limits.memory_mb * 1024 * 1024)
            if soft == resource.RLIM_INFINITY or wanted < soft:
                if hard == resource.RLIM_INFINITY or wanted <= hard:
                    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
                    previous_limit = (soft, hard)
    except (ImportError, OSError, ValueError):
        previous_limit = None
    try:
        yield
    except _OutOfTime:
        raise TemplateError(f"template {name}", f"exceeded its {limits.seconds:g} s limit",
                            "simplify the template's loops, or raise template_seconds in the theme's [limits]"
                            ) from None
    except MemoryError:
        raise TemplateError(f"template {name}", f"exceeded its {limits.memory_mb:g} MB memory limit",
                            "make the template build less text, or raise template_memory_mb in the theme's [limits]"
                            ) from None
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
        if previous_limit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, previous_limit)


# --------------------------------------------------------------------------- errors


def template_error(exc: BaseException, env: "jinja2.Environment | None" = None,
                   template: str | None = None) -> TemplateError:
    """What went wrong in a template, as one line naming the file used and the line."""
    import jinja2
    from jinja2.exceptions import SecurityError

    if isinstance(exc, TemplateError):
        return exc
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _where(exc.filename or exc.name or template, exc.lineno)
        return TemplateError(where, f"syntax error: {_message(exc.message or exc)}", HINT)
    where = _where(*_template_frame(exc.__traceback__, _loaded_files(env)) or (template, None))
    if isinstance(exc, SecurityError):
        return TemplateError(where, f"the template sandbox refused it: {_message(exc)}",
                             "templates may only read the fields they are given")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(where, f"undefined: {_message(exc)}", HINT)
    if isinstance(exc, jinja2.TemplateNotFound):
        names = ", ".join(getattr(exc, "templates", None) or [exc.name])
        return TemplateError(where, f"no template named {names}",
                             "add it to the templates folder or fix the name (`brief templates list`)")
    return TemplateError(where, f"{type(exc).__name__}: {_message(exc)}", HINT)


def _where(path: str | None, line: int | None) -> str:
    where = f"template {path or '?'}"
    return f"{where}, line {line}" if line else where


def _message(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split()).rstrip(".")
    return text or (type(exc).__name__ if isinstance(exc, BaseException) else "")


def _loaded_files(env: "jinja2.Environment | None") -> set[str]:
    if env is None or env.cache is None:
        return set()
    return {t.filename for t in list(env.cache.values()) if getattr(t, "filename", None)}


def _template_frame(tb: TracebackType | None, files: set[str]) -> tuple[str, int] | None:
    """The innermost traceback frame that is a line of a template (jinja2 rewrites a
    template's frames to carry its file name and line)."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in files or (not files and filename.endswith(TEMPLATE_SUFFIX)):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def page_environment(folder: Path) -> "jinja2.Environment":
    """An environment for the project's own HTML pages in `folder` (the review pages): escaping
    on, undefined names an error. Article text reaches those pages only as escaped data."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
