"""Rendering to bytes and writing files: the side renderer, atomic writes, safe names."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.render.build import SideRenderer, render_brief, write_outputs
from pipeline.errors import BriefError
from pipeline.extract import extract
from pipeline.files import TEMP_PREFIX, atomic_write, output_path, slugify, sweep_temp_files
from pipeline.readers import read_path
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def brief():
    return extract(read_path(SAMPLE))


def test_side_renderer_gives_the_same_bytes_as_rendering_in_process(brief, theme):
    alone = render_brief(brief, ["docx", "pdf"], theme)
    with SideRenderer.start("pdf", theme) as side:
        shared = render_brief(brief, ["docx", "pdf"], theme, side=side)
        again = render_brief(brief, ["pdf", "docx"], theme, side=side)
    assert shared.outputs == alone.outputs
    assert list(again.outputs) == ["pdf", "docx"] and again.outputs["pdf"] == alone.outputs["pdf"]


def test_the_side_process_collects_what_the_last_job_left_before_the_next(brief, theme, monkeypatch):
    """Run here, as the side process runs it: the collector's rare full passes must not let
    one job's reference cycles wait through the next."""
    import gc
    import weakref

    from pipeline.compose.layout import layout_brief
    from pipeline.render import RenderJob
    from pipeline.render import build

    _, document = layout_brief(brief)
    job = RenderJob(document=document, markdown="", theme=theme)
    monkeypatch.setattr(build, "_garbage_waiting", False)
    thresholds = gc.get_threshold()
    gc.set_threshold(10**9)  # no pass of the collector's own while this test looks
    try:
        assert build._render_for_parent("md", job)[0] == "ok"

        class Cycle:
            pass

        left = Cycle()
        left.itself = left
        alive = weakref.ref(left)
        del left
        assert alive() is not None
        assert build._render_for_parent("md", job)[0] == "ok"
        assert alive() is None
        assert gc.get_freeze_count() == 0  # what the job froze is thawed again
    finally:
        gc.set_threshold(*thresholds)


def test_side_renderer_failure_reaches_the_caller_with_its_traceback(brief, theme):
    with SideRenderer.start("no-such-format", theme) as side:
        side.format = "pdf"  # route pdf jobs to a renderer that cannot render them
        for _ in range(2):
            with pytest.raises(KeyError) as caught:
                render_brief(brief, ["md", "pdf"], theme, side=side)
            assert "renderer process" in "".join(caught.value.__notes__)


def test_a_dead_side_renderer_is_replaced_by_rendering_in_process(brief, theme):
    alone = render_brief(brief, ["docx", "pdf"], theme)
    side = SideRenderer.start("pdf", theme)
    os.kill(side.pid, signal.SIGKILL)
    try:
        os.waitpid(side.pid, 0)
    except ChildProcessError:
        pass  # the process pool's own thread reaped it first
    try:
        for _ in range(2):
            assert render_brief(brief, ["docx", "pdf"], theme, side=side).outputs == alone.outputs
        assert not side.alive
    finally:
        side.close()
        side.close()


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(BriefError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_write_replaces_a_symlink_instead_of_following_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    link = tmp_path / "brief.md"
    link.symlink_to(victim)
    atomic_write(link, b"brief")
    assert victim.read_bytes() == b"keep me"
    assert not link.is_symlink() and link.read_bytes() == b"brief"


def test_write_outputs_writes_every_format(tmp_path):
    paths = write_outputs(tmp_path / "new", "a-brief", {"md": b"# x\n", "json": b"{}"})
    assert [p.name for p in paths] == ["a-brief.md", "a-brief.json"]
    assert paths[0].read_bytes() == b"# x\n"


def test_old_temporary_files_are_swept(tmp_path):
    old = tmp_path / f"{TEMP_PREFIX}old"
    young = tmp_path / f"{TEMP_PREFIX}young"
    old.write_bytes(b"x")
    young.write_bytes(b"x")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    sweep_temp_files(tmp_path)
    assert not old.exists() and young.exists()


@pytest.mark.parametrize("title, slug", [
    ("UK and France Sign Pact", "uk-and-france-sign-pact"),
    ("../../etc/passwd", "etc-passwd"),
    ("CON", "brief-con"),
    ("AC/DC: Live \\ 2024 | \"Best\" <of> ? * \u2215\u29f8\uff0f", "ac-dc-live-2024-best-of"),
    ("Report. ", "report"),
    ("R\u00e9sum\u00e9 \u2014 caf\u00e9", "resume-cafe"),
])
def test_slugs(title, slug):
    assert slugify(title) == slug


def test_slug_of_punctuation_only_falls_back_to_a_hash():
    assert re.fullmatch(r"brief-[0-9a-f]{10}", slugify("\u2026 \u2014 !!! ???"))
    assert slugify("\u2026", "a") != slugify("\u2026", "b")


@given(st.text(st.characters(codec=None)))
def test_any_title_gives_a_safe_name(tmp_path_factory, title):
    slug = slugify(title)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug)
    assert slug not in {"con", "nul", "aux", "prn"}
    folder = tmp_path_factory.getbasetemp()
    assert output_path(folder, slug, "pdf").resolve().parent == folder.resolve()


def test_output_path_refuses_unsafe_names(tmp_path):
    for stem in ("../x", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            output_path(tmp_path, stem, "pdf")


def test_a_pack_is_the_same_rendered_side_by_side_or_in_one_process(brief, theme):
    from pipeline.compose.layout import Furniture, layout_pack
    from pipeline.model import Pack, PackEntry
    from pipeline.render import RenderJob
    from pipeline.render.build import render_formats

    pack = Pack("Daily", "2026-03-04", "OFFICIAL", None, None, [PackEntry(brief, n % 2 == 0) for n in range(4)], [])
    markdown, document = layout_pack(pack, theme.language, furniture=Furniture.from_theme(theme))
    alone_job = RenderJob(document=document, markdown=markdown, theme=theme, pack=pack)
    alone = render_formats(["docx", "pdf"], alone_job)
    with SideRenderer.start("pdf", theme) as side:
        shared_job = RenderJob(document=document, markdown=markdown, theme=theme, pack=pack)
        shared = render_formats(["docx", "pdf"], shared_job, side)
    assert shared == alone  # the DOCX's contents carry the PDF's page numbers either way
    assert shared_job.page_facts == alone_job.page_facts and alone_job.page_facts["headings"]


def test_formats_are_ordered_by_what_they_declare_they_need(monkeypatch):
    from pipeline.compose.blocks import Contents, Document, Heading, Meta, Span
    from pipeline.render import FORMATS, Need, render_order

    with_contents = Document(Meta(title="t"), [Contents(), Heading(2, [Span("Part")])])
    without = Document(Meta(title="t"), [Heading(2, [Span("Part")])])
    asked = ["md", "docx", "html", "pdf"]
    # The DOCX's contents take their page numbers from the PDF, so the PDF goes first.
    assert render_order(asked, with_contents) == ["pdf", "md", "docx", "html"]
    assert render_order(asked, without) == asked
    assert render_order(["docx", "md"], with_contents) == ["docx", "md"]
    monkeypatch.setitem(FORMATS, "pdf", dataclasses.replace(FORMATS["pdf"], needs=(Need("docx", lambda d: True),)))
    with pytest.raises(ValueError, match="wait for each other"):
        render_order(asked, with_contents)


def test_a_contents_page_gets_the_pdf_page_numbers_whichever_order_is_asked(brief, theme):
    from pipeline.render.build import render_brief as rendered

    first = rendered(brief, ["docx", "pdf"], theme).outputs
    second = rendered(brief, ["pdf", "docx"], theme).outputs
    assert first == second
