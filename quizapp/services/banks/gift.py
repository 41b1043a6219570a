"""Reading Moodle GIFT: every feature quizapp can represent; the rest refused by line."""

from __future__ import annotations

import bisect
import re

from flask_babel import lazy_gettext as _l

from quizapp.services.banks.fields import (
    FieldError,
    clean,
    format_number,
    parse_difficulty,
    parse_number,
    parse_truth,
)
from quizapp.services.banks.parsed import (
    TRUE_FALSE_OPTIONS,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
)
from quizapp.services.banks.problems import Location, Problems

SPECIAL = "~=#{}:"
_ESCAPES = {
    "\\": "\\",
    "~": "~",
    "=": "=",
    "#": "#",
    "{": "{",
    "}": "}",
    ":": ":",
    "n": "\n",
    ">": ">",
}
_META = re.compile(r"^\s*//\s*@([A-Za-z_-]+)\s*:\s?(.*)$")
_CATEGORY = re.compile(r"^\s*\$CATEGORY\s*:(.*)$", re.IGNORECASE)
_CONTEXT = re.compile(r"^\$(?:course|system|module|coursecategory|cat\d+)\$/(?:top/)?")
_PUNCTUATION = re.compile(r"[.?!:;…]+")
_MARKER = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
BANK_KEYS = {"slug", "title", "description", "multiple-scoring"}
QUESTION_KEYS = {"id", "source", "difficulty", "points", "tags", "ignore-diacritics"}
DEFAULT_TOPIC = "Chung"


def unescape(text: str) -> str:
    """GIFT escapes (\\~ \\= \\# \\{ \\} \\: \\n \\\\) to plain text; unknown ones are kept."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _find(text: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped `target` at or after `start`, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, start = [], 0
    while True:
        i = _find(text, sep, start)
        if i < 0:
            parts.append(text[start:])
            return parts
        parts.append(text[start:i])
        start = i + len(sep)


class _Chunk:
    """The lines of one question (comments removed), with their line numbers."""

    def __init__(self):
        self.lines: list[tuple[int, str]] = []

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.lines)

    def line_at(self, offset: int) -> int:
        starts, pos = [], 0
        for _, t in self.lines:
            starts.append(pos)
            pos += len(t) + 1
        return self.lines[max(0, bisect.bisect_right(starts, offset) - 1)][0]


def parse_gift(text: str, problems: Problems) -> ParsedBank:
    """Read a GIFT file; metadata comments (// @key: value) carry what GIFT cannot say."""
    bank = ParsedBank(source_format="gift")
    topic: ParsedTopic | None = None
    meta: dict[str, tuple[int, str]] = {}
    chunk = _Chunk()

    def flush():
        nonlocal topic, chunk, meta
        if chunk.lines and chunk.text.strip():
            if topic is None:
                topic = ParsedTopic(DEFAULT_TOPIC, location=Location(line=chunk.lines[0][0]))
                bank.topics.append(topic)
            topic.questions.append(_question(chunk, meta, problems))
            meta = {}
        chunk = _Chunk()

    for number, line in enumerate(
        text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1
    ):
        if not line.strip():
            flush()
            continue
        found = _META.match(line)
        if found:
            key, value = found.group(1).lower().replace("_", "-"), unescape(found.group(2))
            if key in BANK_KEYS:
                _bank_meta(bank, key, clean(value))
            elif key in QUESTION_KEYS:
                meta[key] = (number, value)
            else:
                problems.error(
                    Location(line=number),
                    _l(
                        "Chú thích @%(key)s không được nhận ra; dùng @id, @source, "
                        "@difficulty, @points, @tags, @ignore-diacritics hoặc "
                        "@title, @slug, @description, @multiple-scoring.",
                        key=key,
                    ),
                )
            continue
        if line.lstrip().startswith("//"):
            continue
        category = _CATEGORY.match(line)
        if category and not chunk.lines:
            title = clean(_CONTEXT.sub("", clean(category.group(1))))
            topic = ParsedTopic(title, location=Location(line=number))
            bank.topics.append(topic)
            continue
        chunk.lines.append((number, line))
    flush()
    if meta:
        line = min(n for n, _ in meta.values())
        problems.error(
            Location(line=line), _l("Chú thích @… ở cuối tệp không đứng trước câu hỏi nào.")
        )
    return bank


def _bank_meta(bank, key, value):
    if key == "slug":
        bank.slug = value or None
    elif key == "title":
        bank.title = value
    elif key == "description":
        bank.description = value
    else:
        bank.multiple_scoring = value


def _question(chunk: _Chunk, meta, problems: Problems) -> ParsedQuestion:
    text = chunk.text
    first = chunk.lines[0][0]
    q = ParsedQuestion(qtype=None, stem="", location=Location(line=first))
    ignore = _apply_meta(q, meta, problems)
    pos = len(text) - len(text.lstrip())
    if text.startswith("::", pos):
        end = _find(text, "::", pos + 2)
        if end < 0:
            problems.error(q.location, _l("Tiêu đề câu hỏi mở bằng «::» nhưng không có «::» đóng."))
            q.reported.add("stem")
            return q
        q.title = clean(unescape(text[pos + 2 : end]))
        pos = end + 2
    marker = _MARKER.match(text[pos:])
    if marker:
        if marker.group(1).lower() == "html":
            problems.warn(
                q.location,
                _l(
                    "Câu hỏi ghi định dạng [html]: thẻ HTML sẽ hiện nguyên văn, không được "
                    "diễn dịch."
                ),
            )
        pos += marker.end()
    open_at = _find(text, "{", pos)
    if open_at < 0:
        problems.error(
            q.location,
            _l(
                "Câu hỏi không có phần đáp án {…}; câu chỉ có mô tả (description) không được "
                "hỗ trợ."
            ),
        )
        q.reported.add("stem")
        return q
    close_at = _find(text, "}", open_at + 1)
    if close_at < 0:
        problems.error(
            Location(line=chunk.line_at(open_at)),
            _l("Thiếu dấu «}» đóng phần đáp án (mở ở dòng này)."),
        )
        q.reported.add("stem")
        return q
    q.stem = clean(unescape(text[pos:open_at]))
    after = text[close_at + 1 :]
    if after.strip() and _PUNCTUATION.fullmatch(after.strip()):
        # «… năm {#1931}.»: Moodle reads the full stop as the end of a sentence with a blank in it.
        q.stem = clean(q.stem + " _____" + after.strip())
    elif after.strip():
        problems.error(
            Location(line=chunk.line_at(close_at + 1)),
            _l(
                "Có chữ sau phần đáp án {…}: câu điền từ vào chỗ trống (missing word) không được hỗ trợ. "
                "Hãy chuyển phần {…} xuống cuối câu hỏi."
            ),
        )
        return q
    block = text[open_at + 1 : close_at]
    _answers(q, block, chunk, open_at + 1, problems)
    if ignore is not None:
        if q.qtype == "short":
            q.answer["ignore_diacritics"] = ignore
        elif q.qtype is not None:
            problems.error(
                Location(line=meta["ignore-diacritics"][0]),
                _l("@ignore-diacritics chỉ dùng cho câu trả lời ngắn."),
            )
    return q


def _apply_meta(q, meta, problems) -> bool | None:
    ignore = None
    for key, (line, value) in meta.items():
        where = Location(line=line)
        q.places[{"id": "uid", "ignore-diacritics": "answer"}.get(key, key)] = where
        value = clean(value)
        try:
            if key == "id":
                q.uid = value or None
            elif key == "source":
                q.source = value
            elif key == "difficulty":
                q.difficulty = parse_difficulty(value)
            elif key == "points":
                q.points = parse_number(value)
            elif key == "tags":
                q.tags = [clean(t) for t in value.split(",") if clean(t)]
            else:
                ignore = parse_truth(value)
        except FieldError as err:
            problems.error(where, err.text)
    return ignore


def _answers(q: ParsedQuestion, block: str, chunk: _Chunk, base: int, problems: Problems) -> None:
    general_at = _find(block, "####")
    if general_at >= 0:
        q.explanation = clean(unescape(block[general_at + 4 :]))
        block = block[:general_at]
    body = block.strip()
    where = Location(line=chunk.line_at(base))
    q.places["answer"] = where
    if not body:
        problems.error(where, _l("Phần đáp án trống {}: câu tự luận (essay) không được hỗ trợ."))
        return
    if body.startswith("#"):
        _numeric(q, body[1:], where, problems)
    elif _find(body, "~") >= 0:
        _choice(q, body, chunk, base + block.index(body), problems)
    elif _find(body, "->") >= 0:
        problems.error(where, _l("Câu ghép đôi (matching, dùng «->») không được hỗ trợ."))
    elif _split_unescaped(body, "#")[0].strip().upper() in ("T", "F", "TRUE", "FALSE"):
        _true_false(q, body)
    else:
        _short(q, body, where, problems)


def _parts(body: str) -> list[tuple[int, str, str]]:
    """Answers as (offset, marker, raw text) split at unescaped = and ~."""
    marks = []
    i = 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body[i] in "=~":
            marks.append(i)
        i += 1
    return [
        (at, body[at], body[at + 1 : (marks[n + 1] if n + 1 < len(marks) else len(body))])
        for n, at in enumerate(marks)
    ]


def _weight(raw: str):
    found = _WEIGHT.match(raw.strip())
    if not found:
        return None, raw
    return float(found.group(1)), raw.strip()[found.end() :]


def _unmarked(raw: str) -> str:
    """An answer's or a feedback's text without its own format marker ([moodle], [html]…), which
    applies to it as the question's marker applies to the question."""
    marker = _MARKER.match(raw)
    return raw[marker.end() :] if marker else raw


def _text_and_feedback(raw: str) -> tuple[str, str]:
    pieces = _split_unescaped(raw, "#")
    return clean(unescape(_unmarked(pieces[0]))), clean(unescape(_unmarked("#".join(pieces[1:]))))


def _choice(q, body, chunk, base, problems):
    parts = _parts(body)
    lead = body[: parts[0][0]] if parts else body
    if lead.strip():
        problems.error(
            Location(line=chunk.line_at(base)), _l("Phần đáp án phải bắt đầu bằng «=» hoặc «~».")
        )
    weights, feedback = [], []
    for i, (offset, mark, raw) in enumerate(parts):
        place = Location(line=chunk.line_at(base + offset))
        q.places[f"option:{i}"] = place
        weight, raw = _weight(raw)
        text, fb = _text_and_feedback(raw)
        q.options.append(text)
        feedback.append(fb)
        weights.append((mark, weight, place))
    q.option_feedback = feedback if any(feedback) else []
    equals = [i for i, (mark, _, _) in enumerate(weights) if mark == "="]
    if equals:
        q.qtype = "single"
        q.answer = {"correct": equals}
        if len(equals) > 1:
            problems.error(
                q.where("answer"),
                _l(
                    "Câu một đáp án có %(count)s phương án «=»; nếu nhiều phương án "
                    "cùng đúng, hãy dùng «~%%50%%» cho từng phương án đúng.",
                    count=len(equals),
                ),
            )
            q.reported.add("answer")
        for mark, weight, place in weights:
            if weight is not None and weight != (100 if mark == "=" else 0):
                problems.error(
                    place,
                    _l(
                        "Trọng số %(weight)s%% không được hỗ trợ trong câu một đáp án (chỉ chấm "
                        "đúng hoặc sai).",
                        weight=format_number(weight),
                    ),
                )
        return
    q.qtype = "multiple"
    correct = [i for i, (_, weight, _) in enumerate(weights) if weight is not None and weight > 0]
    q.answer = {"correct": correct}
    positive = {weight for _, weight, _ in weights if weight is not None and weight > 0}
    if len(positive) > 1:
        problems.warn(
            q.where("answer"),
            _l(
                "Các phương án đúng có trọng số khác nhau; ở đây mọi phương án đúng "
                "được tính như nhau."
            ),
        )


def _true_false(q, body):
    pieces = [clean(unescape(p)) for p in _split_unescaped(body, "#")]
    truth = pieces[0].upper() in ("T", "TRUE")
    q.qtype = "true_false"
    q.options = list(TRUE_FALSE_OPTIONS)
    q.answer = {"correct": [0] if truth else [1]}
    wrong, right = (pieces + ["", ""])[1:3]
    if wrong or right:
        q.option_feedback = [right, wrong] if truth else [wrong, right]


def _short(q, body, where, problems):
    parts = _parts(body)
    if not parts or body[: parts[0][0]].strip():
        problems.error(
            where,
            _l(
                "Không hiểu phần đáp án: câu trả lời ngắn ghi «=đáp án», câu trắc nghiệm ghi "
                "«=đúng ~sai»."
            ),
        )
        q.reported.add("answer")
        return
    q.qtype = "short"
    accepted = []
    for _, _, raw in parts:
        weight, raw = _weight(raw)
        text, fb = _text_and_feedback(raw)
        if weight is not None and weight != 100:
            problems.error(
                where,
                _l(
                    "Đáp án ngắn với trọng số %(weight)s%% không được hỗ trợ; mỗi đáp án chấp nhận "
                    "đều được trọn điểm.",
                    weight=format_number(weight),
                ),
            )
        if fb:
            problems.warn(
                where,
                _l(
                    "Phản hồi riêng cho đáp án ngắn «%(answer)s» bị bỏ qua; hãy đưa vào phần giải "
                    "thích (####).",
                    answer=text,
                ),
            )
        accepted.append(text)
    q.answer = {"accepted": accepted, "ignore_diacritics": False}


def _numeric(q, body, where, problems):
    q.qtype = "numeric"
    parts = _parts(body)
    # Moodle exports «=%100%2006:1#right ~#other»: a «~» with no value is the feedback for any other
    # answer, not a second answer.
    others = [p for p in parts if p[1] == "~" and not _split_unescaped(p[2], "#")[0].strip()]
    if others and len(others) < len(parts):
        problems.warn(
            where,
            _l("Phản hồi cho các đáp án khác (~#…) bị bỏ qua; hãy đưa vào phần giải thích (####)."),
        )
        parts = [p for p in parts if p not in others]
    if parts:
        if len(parts) > 1 or body[: parts[0][0]].strip():
            problems.error(
                where, _l("Câu trả lời số chỉ được có một đáp án (giá trị:sai số hoặc nhỏ..lớn).")
            )
            q.reported.add("answer")
            return
        weight, body = _weight(parts[0][2])
        if weight is not None and weight != 100:
            problems.error(
                where,
                _l(
                    "Trọng số %(weight)s%% không được hỗ trợ cho câu trả lời số.",
                    weight=format_number(weight),
                ),
            )
    pieces = _split_unescaped(body, "#")
    if any(p.strip() for p in pieces[1:]):
        problems.warn(
            where, _l("Phản hồi riêng cho đáp án số bị bỏ qua; hãy đưa vào phần giải thích (####).")
        )
    spec = unescape(pieces[0]).strip()
    try:
        if ".." in spec:
            low, high = spec.split("..", 1)
            q.answer = {"min": parse_number(low), "max": parse_number(high)}
        elif ":" in spec:
            value, tolerance = spec.split(":", 1)
            q.answer = {"value": parse_number(value), "tolerance": parse_number(tolerance)}
        else:
            q.answer = {"value": parse_number(spec), "tolerance": 0}
    except FieldError as err:
        problems.error(where, err.text)
        q.reported.add("answer")
