"""Writing the canonical YAML of a bank: the same bank always gives the same bytes."""

from __future__ import annotations

import re

import yaml

from quizapp.services.banks.fields import format_number
from quizapp.services.banks.parsed import ParsedBank, ParsedQuestion
from quizapp.services.banks.yaml_format import FORMAT_TAG

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_RESOLVER = yaml.resolver.Resolver()
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar; anything YAML would not read back verbatim is escaped."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif (
            code < 0x20
            or 0x7F <= code < 0xA0
            or code in (0x2028, 0x2029, 0xFEFF)
            or 0xD800 <= code < 0xE000
            or code in (0xFFFE, 0xFFFF)
        ):
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _word(text: str) -> str:
    """A plain scalar when YAML reads it back as the same string, else quoted."""
    if (
        _PLAIN.fullmatch(text)
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    return _quoted(text)


def _number(value) -> str:
    text = format_number(value)
    if "e" in text and "." not in text:  # YAML 1.1 floats need a dot and a signed exponent
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent if exponent[0] in '+-' else '+' + exponent}"
    return text


def write_yaml(bank: ParsedBank) -> bytes:
    """The canonical YAML text of a bank: the same bank always gives the same bytes."""
    lines = [f"format: {FORMAT_TAG}"]
    if bank.slug:
        lines.append(f"slug: {_word(bank.slug)}")
    lines += [
        f"title: {_quoted(bank.title)}",
        f"description: {_quoted(bank.description)}",
        f"multiple_scoring: {bank.multiple_scoring}",
        "topics:",
    ]
    for topic in bank.topics:
        lines += [f"  - title: {_quoted(topic.title)}", "    questions:"]
        for q in topic.questions:
            lines += [
                "      - " + entry if i == 0 else "        " + entry
                for i, entry in enumerate(_question_lines(q))
            ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _question_lines(q: ParsedQuestion) -> list[str]:
    out = [f"id: {_word(q.uid)}", f"type: {q.qtype}"]
    if q.title:
        out.append(f"title: {_quoted(q.title)}")
    out.append(f"stem: {_quoted(q.stem)}")
    if q.qtype in ("single", "multiple") or (q.qtype == "true_false" and q.option_feedback):
        out.append("options:")
        for i, option in enumerate(q.options):
            feedback = q.option_feedback[i] if q.option_feedback else ""
            if feedback:
                out += [f"  - text: {_quoted(option)}", f"    feedback: {_quoted(feedback)}"]
            else:
                out.append(f"  - {_quoted(option)}")
    correct = q.answer.get("correct", [])
    if q.qtype == "single":
        out.append(f"answer: {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[correct[0]]}")
    elif q.qtype == "multiple":
        out.append("answer: [" + ", ".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i in correct) + "]")
    elif q.qtype == "true_false":
        out.append(f"answer: {'true' if correct == [0] else 'false'}")
    elif q.qtype == "short":
        out.append("accepted: [" + ", ".join(_quoted(a) for a in q.answer["accepted"]) + "]")
        if q.answer.get("ignore_diacritics"):
            out.append("ignore_diacritics: true")
    elif "min" in q.answer:
        out += [f"min: {_number(q.answer['min'])}", f"max: {_number(q.answer['max'])}"]
    else:
        out += [
            f"value: {_number(q.answer['value'])}",
            f"tolerance: {_number(q.answer['tolerance'])}",
        ]
    if q.explanation:
        out.append(f"explanation: {_quoted(q.explanation)}")
    if q.source:
        out.append(f"source: {_quoted(q.source)}")
    if q.difficulty:
        out.append(f"difficulty: {q.difficulty}")
    if q.points != 1:
        out.append(f"points: {_number(q.points)}")
    if q.tags:
        out.append("tags: [" + ", ".join(_word(t) for t in q.tags) + "]")
    return out
