"""Text normalisation shared by search and grading: NFC, whitespace, Vietnamese diacritics."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

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


# --- cleaning text typed or imported by people -------------------------------------------------
# Names end up in reports, slips and spreadsheets. Control characters break XLSX writers (a 500 on
# every export of the unit), bidi controls reorder what a reader sees ("‮nàoH" shows as "Hoàn"),
# and invisible characters make two names that look the same differ. One helper for every input
# path: forms, roster import, bank import.

# Bidi embedding/override/isolate controls: refused, they change how the text around them reads.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Invisible format characters and fillers: dropped (zero-width spaces, joiners, BOM, soft hyphen,
# word joiner, invisible operators, Hangul/Khmer fillers, variation-less tag characters).
INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064"
    "\u3164\ufeff\uffa0"
)
MAX_COMBINING_RUN = 3  # Vietnamese needs at most two marks on a letter (ệ = e + ̂ + ̣)
ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def _suspect_pattern() -> re.Pattern:
    """Characters that need a closer look: controls, format characters, surrogates and combining
    marks (runs). Text without any (nearly every name) takes the fast path."""
    ranges, start, prev = [], None, None
    extra = range(0xE0000, 0xE0080)
    for code in [*range(0x10000), *extra]:
        char = chr(code)
        hit = (
            unicodedata.category(char) in ("Cc", "Cf", "Cs")
            or unicodedata.combining(char)
            or char in INVISIBLE
        )
        if hit and start is None:
            start = code
        if not hit and start is not None:
            ranges.append((start, prev))
            start = None
        prev = code
    if start is not None:
        ranges.append((start, prev))
    parts = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{parts}]")


_SUSPECT = _suspect_pattern()


class UnsafeText(ValueError):
    """Text that cannot be stored; `reason` is one of 'control', 'bidi', 'combining'."""

    def __init__(self, reason: str, char: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.char = char

    def message(self, subject: str) -> str:
        """The sentence for whoever typed it; `subject` names the text ("Ô này", "Nội dung này")."""
        if self.reason == "bidi":
            return _(
                "%(subject)s có ký tự đảo chiều chữ (dùng để giả mạo tên hiển thị). Hãy gõ lại.",
                subject=subject,
            )
        if self.reason == "combining":
            return _("%(subject)s có quá nhiều dấu chồng lên một chữ. Hãy gõ lại.", subject=subject)
        return _(
            "%(subject)s có ký tự điều khiển không nhìn thấy (thường do dán từ phần mềm khác). "
            "Hãy gõ lại.",
            subject=subject,
        )


def clean_text(value: str | None, *, multiline: bool = False) -> str | None:
    """NFC, invisible characters dropped; refuse control characters (tabs and newlines only when
    `multiline`), bidi controls and long runs of combining marks with UnsafeText."""
    if value is None:
        return None
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    if not _SUSPECT.search(value):
        return value
    out = []
    run = 0
    for char in value:
        if char in BIDI_CONTROLS:
            raise UnsafeText("bidi", char)
        if char in INVISIBLE or "\U000e0000" <= char <= "\U000e007f":
            continue
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in ALLOWED_CONTROLS):
            if char in ALLOWED_CONTROLS:
                char = " "  # a tab or line break in a one-line field is a space
            else:
                raise UnsafeText("control", char)
        if category == "Cf":
            continue  # other format characters are invisible too
        if category == "Cs":
            raise UnsafeText("control", char)
        run = run + 1 if unicodedata.combining(char) else 0
        if run > MAX_COMBINING_RUN:
            raise UnsafeText("combining", char)
        out.append(char)
    return "".join(out)


def scrub_text(value):
    """For export of values stored before cleaning existed: the same rules, but nothing is refused;
    offending characters are dropped (a legacy name must not make an export fail)."""
    if not isinstance(value, str):
        return value
    try:
        return clean_text(value, multiline=True)
    except UnsafeText:
        pass
    kept, run = [], 0
    for char in unicodedata.normalize("NFC", value):
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS or char in INVISIBLE or category in ("Cf", "Cs"):
            continue
        if category == "Cc" and char not in ALLOWED_CONTROLS:
            continue
        run = run + 1 if unicodedata.combining(char) else 0
        if run > MAX_COMBINING_RUN:
            continue
        kept.append(char)
    return "".join(kept)
