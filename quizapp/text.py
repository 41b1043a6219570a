"""Text normalisation shared by search and grading: NFC, whitespace, Vietnamese diacritics."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, case folded, whitespace folded to single spaces and trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    return _SPACES.sub(" ", text).strip().casefold()


def fold_vietnamese(text: str) -> str:
    """Like normalize_text, but also without diacritics: 'Nghị Quyết' -> 'nghi quyet'."""
    decomposed = unicodedata.normalize("NFD", text or "")
    # đ/Đ is a separate letter, not d + a combining mark, so NFD alone keeps it.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return normalize_text(stripped)
