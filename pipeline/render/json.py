"""JSON output: the brief (or the pack) in its own serialisation, as `brief extract` prints it."""

from __future__ import annotations

from pipeline.render import RenderJob


def render(job: RenderJob) -> bytes:
    subject = job.pack or job.brief
    if subject is None:
        raise ValueError("the json format needs a brief or a pack")
    return subject.to_json().encode("utf-8")
