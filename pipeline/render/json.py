"""JSON output: the brief in its own serialisation, as `brief extract` prints it."""

from __future__ import annotations

from pipeline.render import RenderJob


def render(job: RenderJob) -> bytes:
    if job.brief is None:
        raise ValueError("the json format needs a brief")
    return job.brief.to_json().encode("utf-8")
