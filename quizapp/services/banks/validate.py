"""Checks every format shares: types, keys, lengths, ids; warnings that do not block."""

from __future__ import annotations

import hashlib
import math
import re

from flask_babel import lazy_gettext as _l

from quizapp.services.banks import limits
from quizapp.services.banks.fields import LETTERS
from quizapp.services.banks.parsed import (
    DIFFICULTIES,
    QUESTION_TYPES,
    SCORINGS,
    TRUE_FALSE_OPTIONS,
    ParsedBank,
    ParsedQuestion,
    plain_number,
)
from quizapp.services.banks.problems import Location, Problems
from quizapp.text import UnsafeText, clean_text, fold_vietnamese, normalize_text

UID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# XML (hence XLSX) cannot hold these, and they have no business in a question anyway.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def validate_bank(bank: ParsedBank, problems: Problems) -> None:
    """Check the whole bank, fill in missing ids, and record every problem found."""
    whole = Location()
    _check_text(
        problems, whole, bank.title, _l("Tên ngân hàng"), limits.MAX_TITLE_CHARS, one_line=True
    )
    _check_text(
        problems, whole, bank.description, _l("Mô tả ngân hàng"), limits.MAX_LONG_TEXT_CHARS
    )
    if bank.slug is not None and not valid_slug(bank.slug):
        problems.error(
            whole,
            _l(
                "Mã ngân hàng «%(slug)s» không hợp lệ: chỉ dùng chữ thường không dấu, "
                "số và dấu gạch ngang (ví dụ nghi-quyet-dai-hoi).",
                slug=bank.slug,
            ),
        )
    if bank.multiple_scoring not in SCORINGS:
        problems.error(
            whole,
            _l(
                "Cách chấm câu nhiều đáp án «%(value)s» không hợp lệ; dùng "
                "all_or_nothing hoặc partial.",
                value=bank.multiple_scoring,
            ),
        )
    kept = []
    for topic in bank.topics:
        _check_text(
            problems,
            topic.location,
            topic.title,
            _l("Tên chủ đề"),
            limits.MAX_TITLE_CHARS,
            one_line=True,
            required=True,
        )
        if topic.questions:
            kept.append(topic)
        else:
            problems.warn(
                topic.location,
                _l("Chủ đề «%(title)s» không có câu hỏi nào nên bị bỏ qua.", title=topic.title),
            )
    bank.topics = kept
    if len(bank.topics) > limits.MAX_TOPICS:
        problems.error(
            whole,
            _l(
                "Quá nhiều chủ đề (%(count)s); tối đa %(max)s.",
                count=len(bank.topics),
                max=limits.MAX_TOPICS,
            ),
        )
    questions = bank.questions
    if not questions:
        problems.error(whole, _l("Tệp không có câu hỏi nào."))
    if len(questions) > limits.MAX_QUESTIONS:
        problems.error(
            whole,
            _l(
                "Quá nhiều câu hỏi (%(count)s); tối đa %(max)s mỗi tệp.",
                count=len(questions),
                max=limits.MAX_QUESTIONS,
            ),
        )
    for question in questions:
        validate_question(question, problems)
    _assign_uids(questions, problems)
    _warn_duplicates(questions, problems)


def valid_slug(slug: str) -> bool:
    """Lower-case ASCII words joined by hyphens, at most 100 characters."""
    return bool(SLUG_PATTERN.fullmatch(slug or "")) and len(slug) <= 100


def _check_text(problems, loc, text, label, max_chars, *, one_line=False, required=False):
    if required and not text:
        problems.error(loc, _l("%(label)s đang để trống.", label=label))
    if len(text) > max_chars:
        problems.error(
            loc,
            _l(
                "%(label)s quá dài (%(count)s ký tự); tối đa %(max)s.",
                label=label,
                count=len(text),
                max=max_chars,
            ),
        )
    if one_line and "\n" in text:
        problems.error(loc, _l("%(label)s phải nằm trên một dòng.", label=label))
    if _CONTROL.search(text):
        problems.error(
            loc, _l("%(label)s chứa ký tự điều khiển không in được; hãy xoá nó.", label=label)
        )
        return
    try:
        clean_text(text, multiline=True)
    except UnsafeText as err:
        if err.reason == "bidi":
            problems.error(
                loc,
                _l(
                    "%(label)s chứa ký tự đảo chiều chữ (có thể dùng để giả mạo nội dung); "
                    "hãy xoá nó.",
                    label=label,
                ),
            )
        elif err.reason == "combining":
            problems.error(
                loc, _l("%(label)s có quá nhiều dấu chồng lên một chữ; hãy gõ lại.", label=label)
            )


def validate_question(q: ParsedQuestion, problems: Problems) -> None:
    """Check one question and normalise its key (sorted indexes, plain numbers)."""
    _check_text(
        problems,
        q.where("stem"),
        q.stem,
        _l("Nội dung câu hỏi"),
        limits.MAX_STEM_CHARS,
        required="stem" not in q.reported,
    )  # a reader that could not find the stem said why
    _check_text(
        problems,
        q.where("title"),
        q.title,
        _l("Tiêu đề câu hỏi"),
        limits.MAX_TITLE_CHARS,
        one_line=True,
    )
    _check_text(
        problems,
        q.where("explanation"),
        q.explanation,
        _l("Giải thích"),
        limits.MAX_LONG_TEXT_CHARS,
    )
    _check_text(problems, q.where("source"), q.source, _l("Nguồn"), limits.MAX_LONG_TEXT_CHARS)
    if q.uid and (len(q.uid) > limits.MAX_UID_CHARS or not UID_PATTERN.fullmatch(q.uid)):
        problems.error(
            q.where("uid"),
            _l(
                "Mã câu «%(uid)s» không hợp lệ: chỉ dùng chữ không dấu, số, "
                "dấu chấm, gạch ngang, gạch dưới; tối đa %(max)s ký tự.",
                uid=q.uid,
                max=limits.MAX_UID_CHARS,
            ),
        )
    if q.difficulty is not None and q.difficulty not in DIFFICULTIES:
        problems.error(
            q.where("difficulty"), _l("Độ khó «%(value)s» không hợp lệ.", value=q.difficulty)
        )
    _check_points(q, problems)
    _check_tags(q, problems)
    if q.qtype is None:
        return  # the parser already said the type is missing or unknown
    if q.qtype not in QUESTION_TYPES:
        problems.error(
            q.where("qtype"), _l("Loại câu hỏi «%(value)s» không hợp lệ.", value=q.qtype)
        )
        return
    if q.qtype in ("single", "multiple"):
        _check_choices(q, problems)
    elif q.qtype == "true_false":
        q.options = list(TRUE_FALSE_OPTIONS)
        if q.answer.get("correct") not in ([0], [1]) and "answer" not in q.reported:
            problems.error(q.where("answer"), _l("Câu đúng sai cần đáp án Đúng hoặc Sai."))
        _check_feedback(q, problems)
    elif q.qtype == "short":
        _check_short(q, problems)
    else:
        _check_numeric(q, problems)


def _check_points(q, problems):
    points = q.points
    if (
        isinstance(points, bool)
        or not isinstance(points, (int, float))
        or not math.isfinite(points)
        or not 0 < points <= limits.MAX_POINTS
    ):
        problems.error(
            q.where("points"),
            _l(
                "Điểm «%(value)s» không hợp lệ: cần một số lớn hơn 0 và không quá %(max)s.",
                value=points,
                max=limits.MAX_POINTS,
            ),
        )
    else:
        q.points = plain_number(float(points))


def _check_tags(q, problems):
    if len(q.tags) > limits.MAX_TAGS:
        problems.error(
            q.where("tags"),
            _l(
                "Quá nhiều nhãn (%(count)s); tối đa %(max)s.",
                count=len(q.tags),
                max=limits.MAX_TAGS,
            ),
        )
    for tag in q.tags:
        if (
            not tag
            or len(tag) > limits.MAX_TAG_CHARS
            or re.search(r"[,;\n]", tag)
            or _CONTROL.search(tag)
        ):
            problems.error(
                q.where("tags"),
                _l(
                    "Nhãn «%(tag)s» không hợp lệ: không để trống, không chứa dấu "
                    "phẩy, chấm phẩy, xuống dòng; tối đa %(max)s ký tự.",
                    tag=tag,
                    max=limits.MAX_TAG_CHARS,
                ),
            )


def _check_choices(q, problems):
    if len(q.options) < 2:
        problems.error(
            q.where("options"),
            _l(
                "Câu trắc nghiệm cần ít nhất 2 phương án, ở đây có %(count)s.", count=len(q.options)
            ),
        )
    if len(q.options) > limits.MAX_OPTIONS:
        problems.error(
            q.where("options"),
            _l(
                "Quá nhiều phương án (%(count)s); tối đa %(max)s.",
                count=len(q.options),
                max=limits.MAX_OPTIONS,
            ),
        )
    seen = {}
    for i, option in enumerate(q.options):
        letter = LETTERS[i] if i < len(LETTERS) else str(i + 1)
        place = q.where(f"option:{i}")
        _check_text(
            problems,
            place,
            option,
            _l("Phương án %(letter)s", letter=letter),
            limits.MAX_OPTION_CHARS,
            required="options" not in q.reported,
        )
        key = normalize_text(option)
        if key and key in seen:
            problems.warn(
                place,
                _l(
                    "Phương án %(letter)s trùng với phương án %(other)s.",
                    letter=letter,
                    other=seen[key],
                ),
            )
        seen.setdefault(key, letter)
    correct = q.answer.get("correct")
    if "answer" in q.reported:
        pass
    elif (
        not isinstance(correct, list) or not correct
    ) and q.location.line is not None:  # a text file
        problems.error(
            q.where("answer"),
            _l(
                "Chưa có đáp án đúng: trong GIFT đặt «=» trước phương án đúng; "
                "trong YAML ghi «correct»."
            ),
        )
    elif not isinstance(correct, list) or not correct:
        problems.error(
            q.where("answer"), _l("Chưa có đáp án đúng (ghi chữ cái của phương án, ví dụ B).")
        )
    elif any(
        not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(q.options)
        for i in correct
    ):
        problems.error(q.where("answer"), _l("Đáp án chỉ tới một phương án không có."))
    elif q.qtype == "single" and len(correct) != 1:
        problems.error(
            q.where("answer"),
            _l(
                "Câu một đáp án chỉ được có đúng một đáp án, ở đây có %(count)s.",
                count=len(correct),
            ),
        )
    elif len(set(correct)) != len(correct):
        problems.error(q.where("answer"), _l("Đáp án lặp lại một chữ cái."))
    else:
        q.answer = {"correct": sorted(correct)}
    _check_feedback(q, problems)


def _check_feedback(q, problems):
    if q.option_feedback and not any(q.option_feedback):
        q.option_feedback = []
    if q.option_feedback and len(q.option_feedback) != len(q.options):
        problems.error(
            q.where("option_feedback"),
            _l(
                "Số phản hồi (%(count)s) khác số phương án (%(options)s).",
                count=len(q.option_feedback),
                options=len(q.options),
            ),
        )
    for text in q.option_feedback:
        _check_text(
            problems,
            q.where("option_feedback"),
            text,
            _l("Phản hồi phương án"),
            limits.MAX_LONG_TEXT_CHARS,
        )


def _check_short(q, problems):
    if q.options:
        problems.error(
            q.where("options"),
            _l(
                "Câu trả lời ngắn không có phương án; ghi các đáp án chấp "
                "nhận vào cột Đáp án, cách nhau bởi dấu |."
            ),
        )
    accepted = q.answer.get("accepted")
    if "answer" in q.reported:
        return
    if (
        not isinstance(accepted, list)
        or not accepted
        or not all(isinstance(a, str) and a for a in accepted)
    ):
        problems.error(q.where("answer"), _l("Câu trả lời ngắn cần ít nhất một đáp án chấp nhận."))
        return
    for answer in accepted:
        if "|" in answer:
            problems.error(
                q.where("answer"),
                _l("Đáp án chấp nhận «%(value)s» không được chứa ký tự |.", value=answer),
            )
        _check_text(
            problems,
            q.where("answer"),
            answer,
            _l("Đáp án chấp nhận"),
            limits.MAX_OPTION_CHARS,
            one_line=True,
        )
    if len({normalize_text(a) for a in accepted}) != len(accepted):
        problems.warn(q.where("answer"), _l("Có đáp án chấp nhận bị lặp lại."))
    ignore = q.answer.get("ignore_diacritics", False)
    if not isinstance(ignore, bool):
        problems.error(q.where("answer"), _l("«Không phân biệt dấu» phải là có hoặc không."))
        return
    q.answer = {"accepted": list(accepted), "ignore_diacritics": ignore}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_numeric(q, problems):
    if q.options:
        problems.error(q.where("options"), _l("Câu trả lời số không có phương án."))
    answer = q.answer
    if "answer" in q.reported:
        return
    if "min" in answer or "max" in answer:
        low, high = answer.get("min"), answer.get("max")
        if not (_number(low) and _number(high)):
            problems.error(
                q.where("answer"), _l("Khoảng đáp án cần cả giá trị nhỏ nhất và lớn nhất là số.")
            )
        elif low > high:
            problems.error(
                q.where("answer"),
                _l("Khoảng đáp án sai: %(low)s lớn hơn %(high)s.", low=low, high=high),
            )
        else:
            q.answer = {"min": plain_number(float(low)), "max": plain_number(float(high))}
        return
    value, tolerance = answer.get("value"), answer.get("tolerance", 0)
    if not _number(value):
        problems.error(
            q.where("answer"), _l("Câu trả lời số cần đáp án là một số (hoặc khoảng a..b).")
        )
    elif not _number(tolerance) or tolerance < 0:
        problems.error(q.where("answer"), _l("Sai số cho phép phải là một số không âm."))
    else:
        q.answer = {
            "value": plain_number(float(value)),
            "tolerance": plain_number(float(tolerance)),
        }


def generated_uid(q: ParsedQuestion) -> str:
    """An id from the question's text, stable while the text does not change."""
    digest = hashlib.sha1(f"{q.qtype}|{fold_vietnamese(q.stem)}".encode()).hexdigest()
    return f"q-{digest[:10]}"


def _assign_uids(questions, problems):
    seen: dict[str, ParsedQuestion] = {}
    for q in questions:
        if not q.uid:
            continue
        if q.uid in seen:
            problems.error(
                q.where("uid"),
                _l(
                    "Mã câu «%(uid)s» đã dùng cho câu ở %(other)s; mỗi câu cần một mã riêng.",
                    uid=q.uid,
                    other=seen[q.uid].location.describe(),
                ),
            )
        else:
            seen[q.uid] = q
    for q in questions:
        if q.uid:
            continue
        base = uid = generated_uid(q)
        n = 2
        while uid in seen:
            uid, n = f"{base}-{n}", n + 1
        q.uid = uid
        seen[uid] = q


def _warn_duplicates(questions, problems):
    first: dict[str, ParsedQuestion] = {}
    for q in questions:
        if not q.source:
            problems.warn(q.where("source"), _l("Câu hỏi chưa ghi nguồn trích dẫn."))
        key = fold_vietnamese(q.stem)
        if not key:
            continue
        if key in first:
            problems.warn(
                q.where("stem"),
                _l(
                    "Nội dung câu hỏi trùng với câu ở %(other)s.",
                    other=first[key].location.describe(),
                ),
            )
        else:
            first[key] = q
