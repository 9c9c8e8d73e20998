"""Markdown output: exactly what the template produced, the source of every other format."""

from __future__ import annotations

from pipeline.render import RenderJob


def render(job: RenderJob) -> bytes:
    return job.markdown.encode("utf-8")
