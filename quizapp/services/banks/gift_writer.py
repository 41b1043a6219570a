"""Writing GIFT: Moodle-importable text, with quizapp's extras in // @key: comments."""

from __future__ import annotations

from quizapp.services.banks.fields import format_number
from quizapp.services.banks.gift import SPECIAL
from quizapp.services.banks.parsed import ParsedBank, ParsedQuestion


def escape(text: str) -> str:
    """Plain text to GIFT: special characters and backslashes escaped, newlines as \\n."""
    out = []
    for ch in text:
        if ch == "\\" or ch in SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)


def _meta_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _answer_text(text: str, *, mark: str, weight: str | None = None) -> str:
    # A leading %n% would be read as a weight, and -> in a short answer as matching.
    if weight is None and text.startswith("%"):
        weight = "100" if mark == "=" else "0"
    body = escape(text)
    if mark == "=":
        body = body.replace("->", "-\\>")
    return mark + (f"%{weight}%" if weight is not None else "") + body


def _weight_text(k: int) -> str:
    return f"{100 / k:.5f}".rstrip("0").rstrip(".")


def write_gift(bank: ParsedBank) -> bytes:
    """GIFT text Moodle can import; quizapp's extras ride in // @key: comments."""
    out = ["// quizapp-bank/1 (GIFT)"]
    if bank.slug:
        out.append(f"// @slug: {bank.slug}")
    if bank.title:
        out.append(f"// @title: {_meta_value(bank.title)}")
    if bank.description:
        out.append(f"// @description: {_meta_value(bank.description)}")
    out += [f"// @multiple-scoring: {bank.multiple_scoring}", ""]
    for topic in bank.topics:
        out += [f"$CATEGORY: $course$/top/{topic.title}", ""]
        for q in topic.questions:
            out += _question_lines(q) + [""]
    return "\n".join(out).encode("utf-8")


def _question_lines(q: ParsedQuestion) -> list[str]:
    lines = [f"// @id: {q.uid}"]
    if q.source:
        lines.append(f"// @source: {_meta_value(q.source)}")
    if q.difficulty:
        lines.append(f"// @difficulty: {q.difficulty}")
    if q.points != 1:
        lines.append(f"// @points: {format_number(q.points)}")
    if q.tags:
        lines.append(f"// @tags: {', '.join(q.tags)}")
    if q.qtype == "short" and q.answer.get("ignore_diacritics"):
        lines.append("// @ignore-diacritics: true")
    head = f"::{escape(q.title)}::" if q.title else ""
    stem = escape(q.stem)
    if stem.startswith("[") or (not head and stem.startswith(("//", "$"))):
        stem = "[markdown]" + stem
    general = f"####{escape(q.explanation)}" if q.explanation else ""
    if q.qtype in ("single", "multiple"):  # one answer per line, as people write GIFT by hand
        lines.append(f"{head}{stem}{{")
        lines += (
            [f"\t{answer}" for answer in _block(q)] + ([f"\t{general}"] if general else []) + ["}"]
        )
    else:
        lines.append(f"{head}{stem}{{{_block(q)}{general}}}")
    return lines


def _block(q: ParsedQuestion):
    """The answer block: a list of answer lines for choices, else one string."""
    feedback = q.option_feedback or [""] * len(q.options)
    correct = q.answer.get("correct", [])
    if q.qtype in ("single", "multiple"):
        weight = _weight_text(len(correct))
        parts = []
        for i, option in enumerate(q.options):
            if q.qtype == "single":
                text = _answer_text(option, mark="=" if i in correct else "~")
            else:
                text = _answer_text(option, mark="~", weight=weight if i in correct else "-100")
            parts.append(text + (f"#{escape(feedback[i])}" if feedback[i] else ""))
        return parts
    if q.qtype == "true_false":
        truth = correct == [0]
        right, wrong = (feedback[0], feedback[1]) if truth else (feedback[1], feedback[0])
        # An empty last feedback is left out: "#" next to "####" would read as general feedback.
        tail = (
            (f"#{escape(wrong)}" if wrong else "")
            if not right
            else f"#{escape(wrong)}#{escape(right)}"
        )
        return ("T" if truth else "F") + tail
    if q.qtype == "short":
        return " ".join(_answer_text(a, mark="=") for a in q.answer["accepted"])
    if "min" in q.answer:
        return f"#{format_number(q.answer['min'])}..{format_number(q.answer['max'])}"
    tolerance = q.answer.get("tolerance", 0)
    value = format_number(q.answer["value"])
    return f"#{value}:{format_number(tolerance)}" if tolerance else f"#{value}"
