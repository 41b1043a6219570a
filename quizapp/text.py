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


# Vietnamese alphabetical order (as in CLDR's `vi` collation): ă and â after a, đ after d,
# ê after e, ô and ơ after o, ư after u; tones only break ties, in the order
# ngang, huyền, hỏi, ngã, sắc, nặng. Code-point order puts "Cà" after "Chá" and "Đ" after "Z".
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_sort_key(text: str) -> tuple:
    """A sort key that orders Vietnamese words as a Vietnamese reader expects."""
    letters: list[tuple[str, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFD", _SPACES.sub(" ", text or "").strip()):
        if ch in _LETTER_MARKS and letters:
            base, _mark = letters[-1]
            letters[-1] = (base, _LETTER_MARKS[ch])
        elif ch in _TONES:
            if tones:
                tones[-1] = _TONES[ch]
        elif unicodedata.combining(ch):
            continue
        else:
            lower = ch.lower()
            letters.append(("d", 9) if lower == "đ" else (lower, 0))
            tones.append(0)
            cases.append(0 if ch == lower else 1)
    return tuple(letters), tuple(tones), tuple(cases)


def person_sort_key(full_name: str) -> tuple:
    """Vietnamese lists order people by given name (the last word), then by the whole name."""
    words = (full_name or "").split()
    return vietnamese_sort_key(words[-1] if words else ""), vietnamese_sort_key(full_name)
