"""The YAML format (quizapp-bank/1): full fidelity, and the format that round-trips."""

from __future__ import annotations

import datetime

import yaml
from flask_babel import lazy_gettext as _l

from quizapp.services.banks.fields import (
    FieldError,
    clean,
    parse_difficulty,
    parse_letters,
    parse_number,
    parse_truth,
    parse_type,
)
from quizapp.services.banks.parsed import (
    TRUE_FALSE_OPTIONS,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
)
from quizapp.services.banks.problems import Location, Problems

FORMAT_TAG = "quizapp-bank/1"
BANK_KEYS = ("format", "slug", "title", "description", "multiple_scoring", "topics")
TOPIC_KEYS = ("title", "questions")
QUESTION_KEYS = (
    "id",
    "type",
    "title",
    "stem",
    "options",
    "answer",
    "accepted",
    "ignore_diacritics",
    "value",
    "tolerance",
    "min",
    "max",
    "explanation",
    "source",
    "difficulty",
    "points",
    "tags",
)
TYPE_KEYS = {
    "single": {"options", "answer"},
    "multiple": {"options", "answer"},
    "true_false": {"answer", "options"},
    "short": {"accepted", "ignore_diacritics"},
    "numeric": {"value", "tolerance", "min", "max"},
}
_ANSWER_KEYS = {
    "options",
    "answer",
    "accepted",
    "ignore_diacritics",
    "value",
    "tolerance",
    "min",
    "max",
}


class _Map(dict):
    """A mapping that remembers the line of each key."""

    line = 0
    lines: dict


class _Seq(list):
    """A sequence that remembers the line of each item."""

    line = 0
    lines: list


class _Loader(yaml.SafeLoader):
    """Safe loading without aliases: a file cannot make us expand a billion references."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "alias", mark)
        return super().compose_node(parent, index)


def _convert(loader, node, problems):
    """Build plain Python values from the node tree, keeping line numbers."""
    if isinstance(node, yaml.MappingNode):
        result = _Map()
        result.line, result.lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, problems)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)):
                problems.error(Location(line=line), _l("Khóa YAML không hợp lệ."))
                continue
            if key in result:
                problems.error(Location(line=line), _l("Khóa «%(key)s» bị lặp lại.", key=key))
                continue
            result[key] = _convert(loader, value_node, problems)
            result.lines[key] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        result = _Seq(_convert(loader, item, problems) for item in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [item.start_mark.line + 1 for item in node.value]
        return result
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, problems: Problems) -> ParsedBank:
    """Read a quizapp-bank/1 YAML document; every problem goes to `problems`."""
    bank = ParsedBank(source_format="yaml")
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        data = _convert(loader, node, problems) if node is not None else None
    except yaml.reader.ReaderError as err:
        line = text[: err.position].count("\n") + 1
        problems.error(
            Location(line=line),
            _l(
                "Tệp YAML chứa ký tự không được phép (mã U+%(code)04X); hãy xoá ký tự đó.",
                code=err.character,
            ),
        )
        return bank
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        if err.problem == "alias":
            problems.error(
                Location(line=line), _l("Tệp YAML dùng tham chiếu (&/*); hãy viết đầy đủ nội dung.")
            )
        else:
            problems.error(
                Location(line=line),
                _l("Tệp YAML sai cú pháp: %(detail)s.", detail=err.problem or err.context or ""),
            )
        return bank
    except yaml.YAMLError as err:
        problems.error(Location(), _l("Tệp YAML sai cú pháp: %(detail)s.", detail=str(err)))
        return bank
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, _Map):
        problems.error(
            Location(line=1), _l("Tệp YAML phải là một bảng khóa (format, title, topics…).")
        )
        return bank
    _unknown_keys(data, BANK_KEYS, problems)
    where = Location(line=data.line)
    if data.get("format") != FORMAT_TAG:
        problems.error(
            Location(line=data.lines.get("format", data.line)),
            _l("Dòng đầu phải là «format: %(tag)s».", tag=FORMAT_TAG),
        )
    bank.slug = _text(data, "slug", problems) or None
    bank.title = _text(data, "title", problems)
    bank.description = _text(data, "description", problems)
    bank.multiple_scoring = _text(data, "multiple_scoring", problems) or "all_or_nothing"
    topics = data.get("topics")
    if not isinstance(topics, _Seq) or not topics:
        problems.error(
            Location(line=data.lines.get("topics", where.line)),
            _l("Thiếu danh sách chủ đề «topics»."),
        )
        return bank
    for i, item in enumerate(topics):
        if not isinstance(item, _Map):
            problems.error(
                Location(line=topics.lines[i]), _l("Mỗi chủ đề phải có «title» và «questions».")
            )
            continue
        _unknown_keys(item, TOPIC_KEYS, problems)
        topic = ParsedTopic(title=_text(item, "title", problems), location=Location(line=item.line))
        bank.topics.append(topic)
        questions = item.get("questions")
        if not isinstance(questions, _Seq):
            problems.error(
                Location(line=item.lines.get("questions", item.line)),
                _l("Chủ đề cần danh sách câu hỏi «questions»."),
            )
            continue
        for j, qdata in enumerate(questions):
            if not isinstance(qdata, _Map):
                problems.error(
                    Location(line=questions.lines[j]), _l("Mỗi câu hỏi phải là một bảng khóa.")
                )
                continue
            topic.questions.append(_question(qdata, problems))
    return bank


def _unknown_keys(data: _Map, allowed, problems):
    for key in data:
        if key not in allowed:
            problems.error(
                Location(line=data.lines[key]),
                _l(
                    "Khóa «%(key)s» không được nhận ra; các khóa hợp lệ: %(allowed)s.",
                    key=key,
                    allowed=", ".join(allowed),
                ),
            )


def _text(data: _Map, key, problems) -> str:
    """A text field; numbers and dates are taken as written, other kinds are refused."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        problems.error(
            Location(line=data.lines[key]),
            _l("«%(key)s» phải là chữ; hãy đặt giá trị trong ngoặc kép.", key=key),
        )
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        problems.error(Location(line=data.lines[key]), _l("«%(key)s» phải là chữ.", key=key))
        return ""
    return clean(value)


def _question(data: _Map, problems) -> ParsedQuestion:
    _unknown_keys(data, QUESTION_KEYS, problems)
    q = ParsedQuestion(
        qtype=None, stem=_text(data, "stem", problems), location=Location(line=data.line)
    )
    q.places = {key: Location(line=line) for key, line in data.lines.items()}
    q.places["qtype"] = q.places.get("type", q.location)
    q.places["uid"] = q.places.get("id", q.location)
    q.places["answer"] = next(
        (q.places[k] for k in ("answer", "accepted", "value", "min") if k in q.places), q.location
    )
    q.uid = _text(data, "id", problems) or None
    q.title = _text(data, "title", problems)
    q.explanation = _text(data, "explanation", problems)
    q.source = _text(data, "source", problems)
    try:
        q.difficulty = parse_difficulty(data.get("difficulty"))
    except FieldError as err:
        problems.error(q.where("difficulty"), err.text)
    if "points" in data:
        try:
            q.points = parse_number(data["points"])
        except FieldError as err:
            problems.error(q.where("points"), err.text)
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        problems.error(q.where("tags"), _l("«tags» phải là danh sách nhãn."))
        tags = []
    q.tags = [clean(t) for t in tags]
    if "type" not in data:
        problems.error(
            q.location,
            _l("Câu hỏi thiếu loại «type» (single, multiple, true_false, short, numeric)."),
        )
        return q
    try:
        q.qtype = parse_type(data["type"])
    except FieldError as err:
        problems.error(q.where("qtype"), err.text)
        return q
    for key in sorted(_ANSWER_KEYS & set(data) - TYPE_KEYS[q.qtype]):
        problems.error(
            q.where(key),
            _l("Khóa «%(key)s» không dùng cho câu loại %(type)s.", key=key, type=q.qtype),
        )
    try:
        _answer(q, data, problems)
    except FieldError as err:
        problems.error(q.where("answer"), err.text)
        q.reported.add("answer")
    return q


def _options(q, data, problems):
    raw = data.get("options")
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.error(q.where("options"), _l("«options» phải là danh sách phương án."))
        return
    feedback = []
    for i, item in enumerate(raw):
        q.places[f"option:{i}"] = Location(line=raw.lines[i])
        if isinstance(item, _Map):
            _unknown_keys(item, ("text", "feedback"), problems)
            q.options.append(_text(item, "text", problems))
            feedback.append(_text(item, "feedback", problems))
        else:
            q.options.append(_text(_single(item, raw.lines[i]), "options", problems))
            feedback.append("")
    q.option_feedback = feedback if any(feedback) else []


def _single(value, line) -> _Map:
    wrapped = _Map({"options": value})
    wrapped.line, wrapped.lines = line, {"options": line}
    return wrapped


def _answer(q: ParsedQuestion, data: _Map, problems) -> None:
    if q.qtype in ("single", "multiple"):
        _options(q, data, problems)
        if "answer" not in data:
            raise FieldError(_l("Thiếu đáp án «answer»."))
        q.answer = {
            "correct": parse_letters(data["answer"], len(q.options), single=q.qtype == "single")
        }
    elif q.qtype == "true_false":
        _options(q, data, problems)
        if q.options and q.options != TRUE_FALSE_OPTIONS:
            problems.error(
                q.where("options"),
                _l(
                    "Câu đúng sai chỉ có hai phương án «Đúng», «Sai» (theo thứ tự "
                    "đó), dùng để ghi phản hồi."
                ),
            )
        if "answer" not in data:
            raise FieldError(_l("Thiếu đáp án «answer» (true hoặc false)."))
        q.answer = {"correct": [0] if parse_truth(data["answer"]) else [1]}
    elif q.qtype == "short":
        accepted = data.get("accepted")
        if isinstance(accepted, (str, int, float)) and not isinstance(accepted, bool):
            accepted = [accepted]
        if not isinstance(accepted, list):
            raise FieldError(_l("Câu trả lời ngắn cần danh sách đáp án chấp nhận «accepted»."))
        ignore = data.get("ignore_diacritics", False)
        q.answer = {"accepted": [clean(a) for a in accepted], "ignore_diacritics": ignore}
    else:
        if "min" in data or "max" in data:
            q.answer = {"min": parse_number(data.get("min")), "max": parse_number(data.get("max"))}
        elif "value" in data:
            q.answer = {
                "value": parse_number(data["value"]),
                "tolerance": parse_number(data.get("tolerance", 0)),
            }
        else:
            raise FieldError(_l("Câu trả lời số cần «value» (và «tolerance») hoặc «min» và «max»."))
