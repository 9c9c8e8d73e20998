"""Errors and warnings meant for the person running `brief`.

Every failure a user can cause is a `BriefError` with three parts, printed on one line as
``brief: <subject>: <problem>; <hint>``. Anything else reaching the top level is a bug.
"""

from __future__ import annotations

import re

# Line breaks and other control characters, shown as escapes so a message stays on one line
# whatever a file name or web address holds.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], text)


class BriefError(Exception):
    """A failure the user can act on: what it concerns, what went wrong, and what to do."""

    def __init__(self, subject: str, problem: str, hint: str = "") -> None:
        super().__init__(subject, problem, hint)
        self.subject = subject
        self.problem = problem
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.subject}: {self.problem}" if self.subject else self.problem
        return one_line(f"{text}; {self.hint}" if self.hint else text)


class DeliveryError(BriefError):
    """The e-mail could not be delivered (the documents themselves were written): exit status 3."""

    exit_code = 3


class SettingsError(BriefError):
    """A pack file, theme or configuration that cannot be used as written: exit status 2, like a
    usage error, since nothing was built."""

    exit_code = 2
