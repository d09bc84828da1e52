"""The one exception type for errors a user can act on: printed as one line plus a hint."""

from __future__ import annotations


class UserError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f"\n  hint: {self.hint}" if self.hint else "")
