"""Errors and warnings meant for the person running `brief`.

Every failure a user can cause is a `BriefError` with three parts, printed on one line as
``brief: <subject>: <problem>; <hint>``. Anything else reaching the top level is a bug.
"""

from __future__ import annotations


class BriefError(Exception):
    """A failure the user can act on: what it concerns, what went wrong, and what to do."""

    def __init__(self, subject: str, problem: str, hint: str = "") -> None:
        super().__init__(subject, problem, hint)
        self.subject = subject
        self.problem = problem
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.subject}: {self.problem}" if self.subject else self.problem
        return f"{text}; {self.hint}" if self.hint else text
