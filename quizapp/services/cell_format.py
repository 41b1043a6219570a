"""A number cell as a spreadsheet shows it: its number format applied, in Vietnamese conventions.

Used where a cell's text is what matters (a bank's options and keys): `26/3/1931` typed into a
cell is stored as a date serial with a format such as `dd/mm/yy`, `50%` as 0.5 with `0%`, `0,5`
as 0.5. Reading the stored value would give ISO dates and fractions; this gives what the organiser
saw. Vietnamese conventions: day before month, decimal comma, dot between thousands. Two-digit
years are written with four digits (a quiz key must not be ambiguous about the century).
"""

from __future__ import annotations

import datetime
import re

_BRACKET = re.compile(r"\[([^\]]*)\]")
_DATE_TOKEN = re.compile(
    r"(yyyy|yyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+)", re.IGNORECASE
)
_WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


def _sections(code: str) -> list[str]:
    out, part, quoted, escaped = [], [], False, False
    for ch in code:
        if escaped:
            part.append(ch)
            escaped = False
        elif ch == "\\":
            part.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            part.append(ch)
        elif ch == ";" and not quoted:
            out.append("".join(part))
            part = []
        else:
            part.append(ch)
    out.append("".join(part))
    return out


def _literals(code: str) -> list[tuple[bool, str]]:
    """(is_literal, text) pieces: quoted text and backslash escapes are literal."""
    pieces, i = [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            pieces.append((True, code[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(code):
            pieces.append((True, code[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(code):  # padding and fill characters: nothing shown
            i += 2
        else:
            pieces.append((False, ch))
            i += 1
    return pieces


def is_date_code(code: str) -> bool:
    """True when a format shows a date or time."""
    plain = "".join(
        t
        for lit, t in _literals(
            _BRACKET.sub(lambda m: "h" if m.group(1).lower() in ("h", "hh") else "", code)
        )
        if not lit
    )
    return bool(re.search(r"[dmyhs]", plain, re.IGNORECASE))


def format_general(value) -> str:
    """A number without a format, as a Vietnamese spreadsheet shows it (decimal comma)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and abs(value) < 1e15
    ):
        return str(int(value))
    text = repr(float(value))
    return text.replace(".", ",") if "e" not in text else text


def format_cell(value, code: str, date1904: bool = False) -> str:
    """`value` (a cell's number, a date serial for date formats) with the number format `code` applied."""
    sections = _sections(code or "General")
    negative = isinstance(value, (int, float)) and value < 0 and len(sections) > 1
    section = sections[1] if negative else sections[0]
    elapsed = None
    for inner in _BRACKET.findall(section):
        if inner.lower() in ("h", "hh", "m", "mm", "s", "ss"):
            elapsed = inner.lower()
    section = _BRACKET.sub(
        lambda m: m.group(1) if m.group(1).lower() in ("h", "hh", "m", "mm", "s", "ss") else "",
        section,
    )
    if section.strip().lower() in ("general", "@", ""):
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return _format_date(value, "dd/mm/yyyy", None)
        return format_general(value)
    if is_date_code(section):
        return _format_date(value, section, elapsed, date1904)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return _format_date(value, "dd/mm/yyyy", None)
    return _format_number(abs(value) if negative else value, section)


def _format_number(value, section: str) -> str:
    pieces = _literals(section)
    plain = "".join(t for lit, t in pieces if not lit)
    if re.search(r"[eE][+-]", plain):
        return format_general(value)
    if "%" in plain:
        value = value * 100
    number = re.search(r"[0#?,.]+", plain)
    spec = number.group(0) if number else "0"
    decimals = len(spec.split(".", 1)[1]) if "." in spec else 0
    grouped = "," in spec.split(".", 1)[0].strip(",")
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")  # 1.234,5
    out, placed = [], False
    i = 0
    while i < len(pieces):
        lit, ch = pieces[i]
        if not lit and ch in "0#?,." and not placed:
            out.append(text)
            placed = True
            while i < len(pieces) and not pieces[i][0] and pieces[i][1] in "0#?,.":
                i += 1
            continue
        if lit or ch not in "0#?,.":
            out.append(ch)
        i += 1
    return "".join(out).strip() if placed else text


_BASE_1900 = datetime.datetime(1899, 12, 30)
_BASE_1904 = datetime.datetime(1904, 1, 1)


def _format_date(value, section: str, elapsed, date1904=False) -> str:
    base = _BASE_1904 if date1904 else _BASE_1900
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if (
            not -693594 < value < 2958466
        ):  # outside years 1-9999 (LibreOffice writes dates before 1900
            return format_general(value)  # as negative serials; Excel shows ### for those)
        total_seconds = round(value * 86400)
        value = base + datetime.timedelta(seconds=total_seconds)
    else:
        if isinstance(value, datetime.time):
            value = datetime.datetime.combine(base.date(), value)
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = datetime.datetime.combine(value, datetime.time())
        elif not isinstance(value, datetime.datetime):
            return format_general(value)
        total_seconds = round((value - base).total_seconds())
    runs: list[tuple[bool, str]] = []
    for lit, t in _literals(section):
        if runs and runs[-1][0] == lit and not lit:
            runs[-1] = (lit, runs[-1][1] + t)
        else:
            runs.append((lit, t))
    ampm = any(not lit and re.search(r"am/pm|a/p", t, re.IGNORECASE) for lit, t in runs)
    out, tokens = [], []
    for lit, part in runs:
        if lit:
            tokens.append((True, part))
            continue
        pos = 0
        for found in _DATE_TOKEN.finditer(part):
            if found.start() > pos:
                tokens.append((True, part[pos : found.start()]))
            tokens.append((False, found.group(0)))
            pos = found.end()
        if pos < len(part):
            tokens.append((True, part[pos:]))
    for index, (lit, tok) in enumerate(tokens):
        if lit:
            out.append(tok)
            continue
        low = tok.lower()
        if low.startswith("y"):
            out.append(f"{value.year:04d}")
        elif low.startswith("m") and _is_minute(tokens, index):
            minutes = total_seconds // 60 if elapsed in ("m", "mm") else value.minute
            out.append(f"{minutes:02d}" if len(low) == 2 or elapsed else str(minutes))
        elif low in ("mmmmm", "mmmm", "mmm"):
            out.append(f"tháng {value.month}" if low == "mmmm" else f"thg {value.month}")
        elif low.startswith("m"):
            out.append(f"{value.month:02d}" if low == "mm" else str(value.month))
        elif low in ("dddd", "ddd"):
            out.append(_WEEKDAYS[value.weekday()])
        elif low.startswith("d"):
            out.append(f"{value.day:02d}" if low == "dd" else str(value.day))
        elif low.startswith("h"):
            hours = total_seconds // 3600 if elapsed in ("h", "hh") else value.hour
            if ampm and not elapsed:
                hours = hours % 12 or 12
            out.append(f"{hours:02d}" if low == "hh" else str(hours))
        elif low.startswith("s"):
            seconds = total_seconds if elapsed in ("s", "ss") else value.second
            out.append(f"{seconds:02d}" if low == "ss" else str(seconds))
        elif low in ("am/pm", "a/p"):
            out.append("SA" if value.hour < 12 else "CH")
        # fractions of a second (.0) are dropped: quiz keys have none
    return "".join(out).strip()


def _is_minute(tokens, index) -> bool:
    """m/mm means minutes right after an hour or right before a second, as in Excel."""
    for step, kinds in ((-1, "h"), (1, "s")):
        j = index + step
        while 0 <= j < len(tokens) and tokens[j][0]:
            j += step
        if 0 <= j < len(tokens) and tokens[j][1].lower().startswith(kinds):
            return True
    return False
