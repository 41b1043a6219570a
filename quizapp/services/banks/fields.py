"""Reading single fields (type, answer letters, numbers, difficulty) the same way in every format."""

from __future__ import annotations

import functools
import math
import re
import unicodedata

from flask_babel import lazy_gettext as _l

from quizapp.services.banks.parsed import plain_number
from quizapp.text import UnsafeText, clean_text, fold_vietnamese

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class FieldError(ValueError):
    """A field's value cannot be understood; carries a lazy Vietnamese message."""

    def __init__(self, text):
        super().__init__(str(text))
        self.text = text


def clean(text) -> str:
    """NFC, Unix line ends, no surrounding whitespace: how every text is stored."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    try:
        # The shared helper drops invisible characters; what it refuses is kept as it is, for
        # validate._check_text to report with its place in the file.
        text = clean_text(text, multiline=True)
    except UnsafeText:
        pass
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@functools.lru_cache(maxsize=4096)
def name_key(text: str) -> str:
    """A forgiving key for names typed by people: no diacritics, no punctuation, lower case."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_vietnamese(text)).split())


_TYPES = {
    "single": [
        "single",
        "single choice",
        "mot dap an",
        "mot lua chon",
        "chon mot",
        "trac nghiem",
        "mc",
    ],
    "multiple": [
        "multiple",
        "multiple answer",
        "multiple answers",
        "multi",
        "nhieu dap an",
        "nhieu lua chon",
        "chon nhieu",
    ],
    "true_false": ["true false", "truefalse", "tf", "dung sai"],
    "short": ["short", "short answer", "tra loi ngan", "dien tu", "cau tra loi ngan"],
    "numeric": ["numeric", "number", "numerical", "so", "dien so", "tra loi so"],
}
TYPE_NAMES = {alias: name for name, aliases in _TYPES.items() for alias in aliases}

_DIFFICULTIES = {
    "easy": ["easy", "de", "nhan biet"],
    "medium": ["medium", "trung binh", "thong hieu", "vua"],
    "hard": ["hard", "kho", "van dung", "van dung cao"],
}
DIFFICULTY_NAMES = {a: name for name, aliases in _DIFFICULTIES.items() for a in aliases}

_TRUE = {"dung", "d", "true", "t", "yes", "co", "1", "a"}
_FALSE = {"sai", "s", "false", "f", "no", "khong", "0", "b"}

TYPE_HINT = "một đáp án, nhiều đáp án, đúng sai, trả lời ngắn, số"


def parse_type(raw) -> str:
    """A question type from its name in Vietnamese or English."""
    name = TYPE_NAMES.get(name_key(str(raw)))
    if name is None:
        raise FieldError(
            _l(
                "Loại câu hỏi «%(value)s» không hợp lệ; dùng một trong: %(choices)s.",
                value=clean(raw),
                choices=TYPE_HINT,
            )
        )
    return name


def parse_difficulty(raw) -> str | None:
    """easy/medium/hard from English or Vietnamese (dễ, trung bình, khó); empty means none."""
    if raw is None or clean(raw) == "":
        return None
    name = DIFFICULTY_NAMES.get(name_key(str(raw)))
    if name is None:
        raise FieldError(
            _l(
                "Độ khó «%(value)s» không hợp lệ; dùng dễ, trung bình hoặc khó "
                "(easy, medium, hard).",
                value=clean(raw),
            )
        )
    return name


def parse_truth(raw) -> bool:
    """True/false from Đúng/Sai, true/false, T/F (and A/B for the two options)."""
    if isinstance(raw, bool):
        return raw
    key = name_key(str(raw))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise FieldError(
        _l(
            "Đáp án câu đúng sai phải là «Đúng» hoặc «Sai», không phải «%(value)s».",
            value=clean(raw),
        )
    )


def parse_number(raw) -> float | int:
    """A finite number; a decimal comma (1,5) is accepted as Vietnamese write it."""
    if isinstance(raw, bool):
        raise FieldError(_l("«%(value)s» không phải là số.", value=raw))
    if isinstance(raw, (int, float)):
        value = raw
    else:
        text = clean(raw).replace(" ", "")
        if re.fullmatch(r"[-+]?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise FieldError(_l("«%(value)s» không phải là số.", value=clean(raw))) from None
    if not math.isfinite(value):
        raise FieldError(_l("«%(value)s» không phải là số hữu hạn.", value=raw))
    return plain_number(float(value)) if isinstance(value, float) else value


def parse_points(raw) -> float | int:
    """Points for a question; empty means 1."""
    if raw is None or (isinstance(raw, str) and clean(raw) == ""):
        return 1
    return parse_number(raw)


def parse_letters(raw, count: int, *, single: bool) -> list[int]:
    """Option letters (B; A, C; AC; [A, C]) to sorted option indexes."""
    if isinstance(raw, (list, tuple)):
        parts = [clean(p).upper() for p in raw]
    else:
        text = re.sub(r"[.)]", "", clean(raw).upper())
        parts = re.split(r"[\s,;/+&]+", text) if re.search(r"[\s,;/+&]", text) else list(text)
    parts = [p for p in parts if p]
    if not parts:
        raise FieldError(_l("Chưa có đáp án đúng (ghi chữ cái của phương án, ví dụ B)."))
    indexes = []
    for part in parts:
        if len(part) != 1 or part not in LETTERS:
            raise FieldError(
                _l("Đáp án «%(value)s» không phải là chữ cái của phương án (A, B, C…).", value=part)
            )
        index = LETTERS.index(part)
        if index >= count:
            raise FieldError(
                _l(
                    "Đáp án %(letter)s không có phương án tương ứng (chỉ có %(count)s phương án).",
                    letter=part,
                    count=count,
                )
            )
        indexes.append(index)
    if single and len(indexes) != 1:
        raise FieldError(
            _l(
                "Câu một đáp án chỉ được có đúng một đáp án, ở đây có %(count)s.",
                count=len(indexes),
            )
        )
    if len(set(indexes)) != len(indexes):
        raise FieldError(_l("Đáp án lặp lại một chữ cái."))
    return sorted(indexes)


def letters(indexes) -> str:
    """Option indexes back to letters: [0, 2] -> 'A, C'."""
    return ", ".join(LETTERS[i] for i in indexes)


def parse_numeric_text(raw) -> dict:
    """A numeric key written in one cell: 144, 144±2, 144:2 or 1..2."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return {"value": parse_number(raw), "tolerance": 0}
    text = clean(raw).replace(" ", "")
    if ".." in text:
        low, high = text.split("..", 1)
        return {"min": parse_number(low), "max": parse_number(high)}
    for sep in ("±", "+-", "+/-", ":"):
        if sep in text:
            value, tol = text.split(sep, 1)
            return {"value": parse_number(value), "tolerance": parse_number(tol)}
    return {"value": parse_number(text), "tolerance": 0}


def numeric_text(answer: dict) -> str:
    """A numeric key as one cell's text, readable by parse_numeric_text."""
    if "min" in answer:
        return f"{format_number(answer['min'])}..{format_number(answer['max'])}"
    tol = answer.get("tolerance", 0)
    value = format_number(answer["value"])
    return f"{value}±{format_number(tol)}" if tol else value


def format_number(value) -> str:
    """Shortest text that reads back as the same number."""
    value = plain_number(value)
    return str(value) if isinstance(value, int) else repr(value)


def split_accepted(raw) -> list[str]:
    """Accepted short answers written in one cell, separated by |."""
    return [clean(p) for p in str(raw).split("|") if clean(p)]


def split_tags(raw) -> list[str]:
    """Tags written in one cell, separated by commas or semicolons."""
    if raw is None:
        return []
    return [clean(p) for p in re.split(r"[,;]", str(raw)) if clean(p)]


def slugify(text: str) -> str:
    """A bank slug from a title or file name: no diacritics, lower case, hyphens."""
    return "-".join(re.sub(r"[^0-9a-z]+", " ", fold_vietnamese(text)).split())[:100]
