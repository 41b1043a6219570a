"""Aiken: single-choice questions, `A.`/`A)` options and `ANSWER: X`, plus quizapp's extra lines."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from quizapp.services.banks.fields import LETTERS, clean, fold_vietnamese
from quizapp.services.banks.parsed import ParsedBank, ParsedQuestion, ParsedTopic
from quizapp.services.banks.problems import Location, Problems

_OPTION = re.compile(r"^\s*([A-Z])\s*[.)]\s+(.*)$")
# «A.Hà Nội», «A)1930»: no space after the letter, as Moodle accepts; only for the letter expected next,
# so that a stem line such as «U.S.A…» is not taken for an option.
_TIGHT_OPTION = re.compile(r"^\s*([A-Z])[.)](\S.*)$")
_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*(.*)$", re.IGNORECASE)
_EXTRA = re.compile(r"^\s*([^\W\d_][^:]{0,20}?)\s*:\s*(.*)$")
EXTRA_KEYS = {
    "source": "source",
    "nguon": "source",
    "explanation": "explanation",
    "giai thich": "explanation",
    "id": "uid",
    "ma cau": "uid",
    "topic": "topic",
    "chu de": "topic",
}
DEFAULT_TOPIC = "Chung"
# A source cited at the end of the question line survives Moodle's strict Aiken import.
_TRAILING_SOURCE = re.compile(
    r"\s*\((?:Nguồn|Source)\s*:\s*([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", re.IGNORECASE
)


def _extra_key(line: str):
    found = _EXTRA.match(line)
    if not found:
        return None, None
    key = EXTRA_KEYS.get(" ".join(fold_vietnamese(found.group(1)).split()))
    return (key, clean(found.group(2))) if key else (None, None)


def parse_aiken(text: str, problems: Problems) -> ParsedBank:
    """Read an Aiken file; each question ends with its ANSWER line (then optional extra lines)."""
    bank = ParsedBank(source_format="aiken")
    topic: ParsedTopic | None = None
    q: ParsedQuestion | None = None
    stem_lines: list[str] = []
    answer_seen = False

    def current_topic(line):
        nonlocal topic
        if topic is None:
            topic = ParsedTopic(DEFAULT_TOPIC, location=Location(line=line))
            bank.topics.append(topic)
        return topic

    for number, line in enumerate(
        text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1
    ):
        if not line.strip():
            continue
        key, value = _extra_key(line)
        if answer_seen and key in ("source", "explanation", "uid"):
            setattr(q, key, value)
            q.places[key] = Location(line=number)
            continue
        if key == "topic" and (q is None or answer_seen):
            topic = ParsedTopic(value, location=Location(line=number))
            bank.topics.append(topic)
            q, answer_seen = None, False
            continue
        if q is None or answer_seen:
            q = ParsedQuestion(qtype="single", stem="", location=Location(line=number))
            current_topic(number).questions.append(q)
            stem_lines, answer_seen = [], False
        option = _OPTION.match(line)
        if (
            option is None
            and (tight := _TIGHT_OPTION.match(line))
            and len(q.options) < len(LETTERS)
            and tight.group(1) == LETTERS[len(q.options)]
        ):
            option = tight
        answer = _ANSWER.match(line)
        if answer:
            answer_seen = True
            q.stem = clean("\n".join(stem_lines))
            cited = _TRAILING_SOURCE.search(q.stem)
            if cited and clean(cited.group(1)):
                q.stem, q.source = clean(q.stem[: cited.start()]), clean(cited.group(1))
            q.places["answer"] = Location(line=number)
            _answer(q, answer.group(1), number, problems)
        elif option and (q.options or stem_lines):
            letter = option.group(1)
            expected = LETTERS[len(q.options)] if len(q.options) < len(LETTERS) else "?"
            if letter != expected:
                problems.error(
                    Location(line=number),
                    _l(
                        "Phương án «%(letter)s» không đúng thứ tự; cần «%(expected)s».",
                        letter=letter,
                        expected=expected,
                    ),
                )
            q.places[f"option:{len(q.options)}"] = Location(line=number)
            q.options.append(clean(option.group(2)))
        elif q.options:
            problems.error(
                Location(line=number),
                _l(
                    "Dòng này không phải phương án (A. …) cũng không phải «ANSWER: X»; "
                    "mỗi câu Aiken kết thúc bằng dòng ANSWER."
                ),
            )
        else:
            stem_lines.append(line)
    if q is not None and not answer_seen:
        problems.error(q.location, _l("Câu hỏi bắt đầu ở dòng này thiếu dòng «ANSWER: X»."))
        q.stem = clean("\n".join(stem_lines))
        q.reported.add("answer")
    return bank


def _answer(q, raw, number, problems):
    letter = clean(raw).upper().rstrip(".)")
    if len(letter) != 1 or letter not in LETTERS:
        problems.error(
            Location(line=number),
            _l(
                "«ANSWER:» cần đúng một chữ cái (Aiken chỉ có câu một đáp án), "
                "không phải «%(value)s».",
                value=clean(raw),
            ),
        )
        q.reported.add("answer")
        return
    index = LETTERS.index(letter)
    if index >= len(q.options):
        problems.error(
            Location(line=number),
            _l(
                "Đáp án %(letter)s không có phương án tương ứng (chỉ có %(count)s phương án).",
                letter=letter,
                count=len(q.options),
            ),
        )
        q.reported.add("answer")
        return
    q.answer = {"correct": [index]}
