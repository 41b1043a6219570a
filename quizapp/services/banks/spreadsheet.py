"""The spreadsheet template (XLSX and CSV): one row per question, Vietnamese or English headers."""

from __future__ import annotations

import datetime
import re

from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from quizapp.services.banks import limits
from quizapp.services.banks.fields import (
    LETTERS,
    FieldError,
    clean,
    letters,
    name_key,
    numeric_text,
    parse_difficulty,
    parse_letters,
    parse_numeric_text,
    parse_points,
    parse_truth,
    parse_type,
    split_accepted,
    split_tags,
)
from quizapp.services.banks.parsed import (
    TRUE_FALSE_OPTIONS,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
)
from quizapp.services.banks.problems import Location, Problems
from quizapp.services.cell_format import format_cell, format_general
from quizapp.services.xlsx_reader import Shown

# The template's headers, in its column order, then the aliases each field also answers to.
HEADERS = {
    "topic": ("Chủ đề", ["topic", "category", "chuyen de"]),
    "qtype": ("Loại", ["loai cau hoi", "kieu", "type", "question type"]),
    "stem": ("Câu hỏi", ["noi dung", "noi dung cau hoi", "question", "stem", "text"]),
    "answer": ("Đáp án", ["dap an dung", "answer", "answers", "key", "correct"]),
    "explanation": ("Giải thích", ["explanation", "general feedback"]),
    "source": ("Nguồn", ["nguon trich dan", "trich dan", "source", "citation"]),
    "difficulty": ("Độ khó", ["muc do", "difficulty", "level"]),
    "points": ("Điểm", ["so diem", "points", "score", "mark", "marks"]),
    "uid": ("Mã câu", ["ma", "ma cau hoi", "id", "uid", "question id"]),
    "title": ("Tiêu đề", ["ten cau hoi", "title", "name"]),
    "tags": ("Nhãn", ["the", "tags", "tag"]),
    "ignore_diacritics": ("Không phân biệt dấu", ["bo qua dau", "ignore diacritics"]),
}
COLUMN_NAMES = {name_key(main): name for name, (main, _) in HEADERS.items()}
COLUMN_NAMES.update({alias: name for name, (_, aliases) in HEADERS.items() for alias in aliases})
_OPTION = re.compile(r"^(?:phuong an |lua chon |option |dap an |choice )?([a-z])$")
_FEEDBACK = re.compile(r"^(?:phan hoi|feedback) ([a-z])$")
DEFAULT_TOPIC = "Chung"
TEMPLATE_COLUMNS = [
    "topic",
    "qtype",
    "stem",
    "A",
    "B",
    "C",
    "D",
    "answer",
    "explanation",
    "source",
    "difficulty",
    "points",
    "uid",
    "title",
    "tags",
]
TYPE_LABELS = {
    "single": "một đáp án",
    "multiple": "nhiều đáp án",
    "true_false": "đúng sai",
    "short": "trả lời ngắn",
    "numeric": "số",
}
DIFFICULTY_LABELS = {"easy": "dễ", "medium": "trung bình", "hard": "khó"}
SCORING_LABELS = {"all_or_nothing": "trọn câu", "partial": "từng phần"}
_SCORING_NAMES = {
    "tron cau": "all_or_nothing",
    "tat ca hoac khong": "all_or_nothing",
    "all or nothing": "all_or_nothing",
    "partial": "partial",
    "tung phan": "partial",
}
INFO_KEYS = {
    "ma ngan hang": "slug",
    "slug": "slug",
    "ten ngan hang": "title",
    "title": "title",
    "mo ta": "description",
    "description": "description",
    "cham cau nhieu dap an": "multiple_scoring",
    "multiple scoring": "multiple_scoring",
}
INFO_LABELS = {
    "slug": "Mã ngân hàng",
    "title": "Tên ngân hàng",
    "description": "Mô tả",
    "multiple_scoring": "Chấm câu nhiều đáp án",
}


def cell_text(value) -> str:
    """A cell's value as the organiser saw it: the number format applied (Vietnamese day/month
    order, decimal comma), never an ISO date or a fraction for a percentage."""
    if value is None:
        return ""
    if value.__class__ is Shown:
        return clean(value.text)
    if isinstance(value, bool):
        return "Đúng" if value else "Sai"
    if isinstance(value, float):
        return format_general(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return format_cell(
            value, "dd/mm/yyyy" if not isinstance(value, datetime.time) else "hh:mm:ss"
        )
    return clean(value)


def _raw(value):
    """The value under its format, for fields that are numbers (points, numeric keys)."""
    return value.value if value.__class__ is Shown else value


_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*")


def header_field(text: str) -> str | None:
    """The field a header names: 'topic', 'option:0', 'feedback:1', … or None. Notes in brackets
    and a required-mark star are not part of the name: «Đáp án (A/B/C/D)» is «Đáp án»."""
    key = name_key(_NOTE.sub(" ", text)) or name_key(text)
    if key in COLUMN_NAMES:
        return COLUMN_NAMES[key]
    if found := _OPTION.match(key):
        return f"option:{LETTERS.index(found.group(1).upper())}"
    if found := _FEEDBACK.match(key):
        return f"feedback:{LETTERS.index(found.group(1).upper())}"
    return None


def parse_info(rows, sheet: str, bank: ParsedBank, problems: Problems) -> None:
    """The optional bank-information sheet: label in column A, value in column B."""
    for _number, cells in rows:
        if not cells or not cell_text(cells[0]):
            continue
        field = INFO_KEYS.get(name_key(cell_text(cells[0])))
        value = cell_text(cells[1]) if len(cells) > 1 else ""
        if field is None or not value:
            continue
        if field == "multiple_scoring":
            bank.multiple_scoring = _SCORING_NAMES.get(name_key(value), value)
        elif field == "slug":
            bank.slug = value
        else:
            setattr(bank, field, value)


def parse_table(rows, sheet: str | None, problems: Problems, bank: ParsedBank) -> None:
    """Read question rows into `bank`; `rows` yields (row number, cell values)."""
    columns = None
    topics: dict[str, ParsedTopic] = {}
    current = None
    count = 0
    above: list[tuple[int, list]] = []  # non-empty rows before the header: a title, notes
    for number, cells in rows:
        if not any(cell_text(c) for c in cells):
            continue
        if columns is None:
            if not is_header(cells):
                above.append((number, cells))
                if len(above) < HEADER_SEARCH_ROWS:
                    continue
                _header(
                    above[0][1], above[0][0], sheet, problems
                )  # says the question column is missing
                return
            columns = _header(cells, number, sheet, problems)
            if columns is None:
                return
            letters = {i: get_column_letter(i + 1) for i in columns}
            continue
        count += 1
        if count > limits.MAX_ROWS:
            problems.error(
                Location(sheet=sheet, row=number),
                _l("Quá nhiều hàng; tối đa %(max)s câu hỏi mỗi tệp.", max=limits.MAX_ROWS),
            )
            return
        row = {
            field: (cells[i] if i < len(cells) else None, letters[i])
            for i, field in columns.items()
        }
        title = cell_text(row.get("topic", (None, ""))[0]) or current or DEFAULT_TOPIC
        current = title
        if title not in topics:
            topics[title] = ParsedTopic(title, location=Location(sheet=sheet, row=number))
            bank.topics.append(topics[title])
        topics[title].questions.append(_row(row, number, sheet, problems))
    if columns is None and above:
        _header(above[0][1], above[0][0], sheet, problems)  # reports the missing question column
    elif columns is None:
        problems.error(
            Location(sheet=sheet), _l("Trang tính trống: không có hàng tiêu đề và câu hỏi nào.")
        )


HEADER_SEARCH_ROWS = 15


def is_header(cells) -> bool:
    """True for a row that names a question column: the header may follow a title row or two."""
    return any(header_field(cell_text(c)) == "stem" for c in cells[: limits.MAX_COLUMNS])


def _header(cells, number, sheet, problems) -> dict[int, str] | None:
    if len(cells) > limits.MAX_COLUMNS:
        cells = cells[: limits.MAX_COLUMNS]
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, value in enumerate(cells):
        text = cell_text(value)
        if not text:
            continue
        letter = get_column_letter(i + 1)
        field = header_field(text)
        where = Location(sheet=sheet, row=number, column=letter)
        if field is None:
            problems.warn(where, _l("Cột «%(name)s» không được nhận ra nên bị bỏ qua.", name=text))
        elif field in seen:
            problems.error(
                where, _l("Cột «%(name)s» trùng với cột %(other)s.", name=text, other=seen[field])
            )
        else:
            columns[i], seen[field] = field, letter
    if "stem" not in seen:
        problems.error(
            Location(sheet=sheet, row=number),
            _l(
                "Không thấy hàng tiêu đề: trong %(n)s hàng đầu cần một hàng có cột «Câu hỏi» (và Chủ đề, "
                "Loại, A, B, C, D, Đáp án…); hãy dùng tệp mẫu mau-ngan-hang-cau-hoi.xlsx.",
                n=HEADER_SEARCH_ROWS,
            ),
        )
        return None
    return columns


def _row(row: dict, number: int, sheet, problems: Problems) -> ParsedQuestion:
    def text(field):
        return cell_text(row[field][0]) if field in row else ""

    q = ParsedQuestion(qtype=None, stem=text("stem"), location=Location(sheet=sheet, row=number))
    q.places = {field: letter for field, (_, letter) in row.items()}
    q.places["options"] = q.places.get("option:0", q.location)
    q.uid = text("uid") or None
    q.title = text("title")
    q.explanation = text("explanation")
    q.source = text("source")
    q.tags = split_tags(text("tags"))
    for field, parse in (("difficulty", parse_difficulty), ("points", parse_points)):
        try:
            setattr(q, field, parse(_raw(row[field][0]) if field in row else None))
        except FieldError as err:
            problems.error(q.where(field), err.text)
    options = _options(row, "option", q, problems)
    feedback = _options(row, "feedback", q, problems, trailing_ok=True)
    answer = row.get("answer", (None, ""))[0]
    try:
        q.qtype = parse_type(text("qtype")) if text("qtype") else _guess_type(options, answer)
    except FieldError as err:
        problems.error(q.where("qtype"), err.text)
        return q
    try:
        _answer(q, options, feedback, answer, text("ignore_diacritics"), problems)
    except FieldError as err:
        problems.error(q.where("answer"), err.text)
        q.reported.add("answer")
    return q


def _options(row, kind, q, problems, trailing_ok=False) -> list[str]:
    found = sorted(
        (int(f.split(":")[1]), cell_text(v))
        for f, (v, _) in row.items()
        if f.startswith(kind + ":")
    )
    values = dict(found)
    last = max((i for i, v in found if v), default=-1)
    out = []
    for i in range(last + 1):
        if not values.get(i) and not trailing_ok:
            problems.error(
                q.where(f"{kind}:{i}") if f"{kind}:{i}" in row else q.location,
                _l("Phương án %(letter)s để trống nhưng có phương án sau nó.", letter=LETTERS[i]),
            )
            q.reported.add("options")
        out.append(values.get(i, ""))
    return out


def _guess_type(options, answer) -> str:
    if not options:
        raise FieldError(
            _l(
                "Thiếu loại câu hỏi ở cột «Loại» (một đáp án, nhiều đáp án, đúng sai, trả lời ngắn, số)."
            )
        )
    letters = re.sub(r"[^A-Z]", "", cell_text(answer).upper())
    return "multiple" if len(letters) > 1 else "single"


def _answer(q, options, feedback, answer, ignore, problems):
    if q.qtype in ("single", "multiple"):
        q.options = options
        q.option_feedback = (
            feedback[: len(options)] + [""] * (len(options) - len(feedback))
            if any(feedback)
            else []
        )
        q.answer = {
            "correct": parse_letters(cell_text(answer), len(options), single=q.qtype == "single")
        }
    elif q.qtype == "true_false":
        if options and [o.casefold() for o in options] != [
            o.casefold() for o in TRUE_FALSE_OPTIONS
        ]:
            problems.warn(
                q.where("options"),
                _l("Câu đúng sai không cần phương án; các phương án ghi ở đây bị bỏ qua."),
            )
        q.options = list(TRUE_FALSE_OPTIONS)
        q.option_feedback = (feedback + ["", ""])[:2] if any(feedback) else []
        if answer is None or cell_text(answer) == "":
            raise FieldError(_l("Thiếu đáp án: ghi «Đúng» hoặc «Sai»."))
        q.answer = {"correct": [0] if parse_truth(answer) else [1]}
    elif q.qtype == "short":
        q.options = [o for o in options if o]
        accepted = split_accepted(cell_text(answer))
        if answer.__class__ is Shown and answer.is_date and len(accepted) == 1:
            accepted = date_variants(accepted[0])
        if not accepted:
            raise FieldError(
                _l(
                    "Câu trả lời ngắn cần ít nhất một đáp án chấp nhận ở cột «Đáp án» (nhiều đáp án "
                    "cách nhau bởi dấu |)."
                )
            )
        q.answer = {
            "accepted": accepted,
            "ignore_diacritics": parse_truth(ignore) if ignore else False,
        }
    else:
        q.options = [o for o in options if o]
        if answer is None or cell_text(answer) == "":
            raise FieldError(_l("Câu trả lời số cần đáp án ở cột «Đáp án»: 144, 144±2 hoặc 1..2."))
        if (
            answer.__class__ is Shown
            and answer.is_date
            or isinstance(answer, (datetime.date, datetime.time))
        ):
            raise FieldError(
                _l(
                    "Ô đáp án «%(cell)s» là ngày hoặc giờ, không phải số (bảng tính đã đổi cách gõ "
                    "như 144:2 thành giờ). Hãy ghi 144±2 cho sai số cho phép, hoặc định dạng ô là "
                    "Văn bản rồi gõ lại.",
                    cell=cell_text(answer),
                )
            )
        q.answer = parse_numeric_text(_raw(answer))
    if ignore and q.qtype != "short":
        problems.error(
            q.where("ignore_diacritics"), _l("«Không phân biệt dấu» chỉ dùng cho câu trả lời ngắn.")
        )


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$")


def date_variants(text: str) -> list[str]:
    """The usual ways of writing the date in `text` (26/03/1931 → 26/3/1931, 26-3-1931, …), it first."""
    found = _DATE_TEXT.match(text)
    if not found:
        return [text]
    day, month, year = int(found.group(1)), int(found.group(2)), found.group(3)
    out = [text]
    for d, m in ((str(day), str(month)), (f"{day:02d}", f"{month:02d}")):
        for sep in ("/", "-", "."):
            variant = f"{d}{sep}{m}" + (f"{sep}{year}" if year else "")
            if variant not in out:
                out.append(variant)
    return out


def table_rows(bank: ParsedBank) -> tuple[list[str], list[list]]:
    """Headers and rows for writing a bank as a spreadsheet (no extra columns unless needed)."""
    questions = bank.questions
    width = max([4] + [len(q.options) for q in questions if q.qtype in ("single", "multiple")])
    has_feedback = any(q.option_feedback for q in questions)
    feedback_width = max([0] + [len(q.option_feedback) for q in questions])
    has_ignore = any(q.qtype == "short" and q.answer.get("ignore_diacritics") for q in questions)
    fields = (
        ["topic", "qtype", "stem"]
        + [f"option:{i}" for i in range(width)]
        + ["answer", "explanation", "source", "difficulty", "points", "uid", "title", "tags"]
    )
    if has_ignore:
        fields.append("ignore_diacritics")
    if has_feedback:
        fields += [f"feedback:{i}" for i in range(feedback_width)]
    headers = [_header_label(f) for f in fields]
    rows = []
    for topic in bank.topics:
        for q in topic.questions:
            rows.append([_value(q, topic, f) for f in fields])
    return headers, rows


def _header_label(field: str) -> str:
    if field.startswith("option:"):
        return LETTERS[int(field[7:])]
    if field.startswith("feedback:"):
        return f"Phản hồi {LETTERS[int(field[9:])]}"
    return HEADERS[field][0]


def _value(q: ParsedQuestion, topic: ParsedTopic, field: str):
    if field.startswith("option:"):
        i = int(field[7:])
        return q.options[i] if q.qtype in ("single", "multiple") and i < len(q.options) else None
    if field.startswith("feedback:"):
        i = int(field[9:])
        return q.option_feedback[i] if i < len(q.option_feedback) and q.option_feedback[i] else None
    if field == "answer":
        if q.qtype in ("single", "multiple"):
            return letters(q.answer["correct"])
        if q.qtype == "true_false":
            return "Đúng" if q.answer["correct"] == [0] else "Sai"
        if q.qtype == "short":
            return " | ".join(q.answer["accepted"])
        return numeric_text(q.answer)
    value = {
        "topic": topic.title,
        "qtype": TYPE_LABELS[q.qtype],
        "stem": q.stem,
        "explanation": q.explanation,
        "source": q.source,
        "difficulty": DIFFICULTY_LABELS.get(q.difficulty or ""),
        "points": q.points,
        "uid": q.uid,
        "title": q.title,
        "tags": ", ".join(q.tags),
        "ignore_diacritics": "có" if q.answer.get("ignore_diacritics") else None,
    }[field]
    return value if value != "" else None
