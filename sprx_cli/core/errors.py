"""The library's own exceptions, in its own words.

A library function that cannot do what it was asked raises one of these; the command line says
it and exits (1, or 2 for a `UsageError`), naming the option that set what `subject` names. Bad
data is never an exception: validation reports it (core/problems.py).
"""

from __future__ import annotations


class SprxError(Exception):
    """Something sprx cannot do as asked; `hint` says what would help."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(SprxError):
    """What was asked for names something that is not there or cannot be (a usage error).

    `subject` says what, in the library's words: a setting ('schemes', 'tiles', 'crs'), a filter
    ('status', 'category', 'referral_route', 'area'), an import's 'column' or 'encoding'; None when
    the request as a whole is at fault."""

    def __init__(self, subject: str | None, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.subject = subject
