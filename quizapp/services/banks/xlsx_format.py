"""Excel workbooks: read safely (bounded zip, streamed, no DTD, formulas refused never evaluated); written."""

from __future__ import annotations

import io
import re

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quizapp.services.banks import limits
from quizapp.services.banks.fields import name_key
from quizapp.services.banks.parsed import ParsedBank
from quizapp.services.banks.problems import BankFileError, Location, Problems
from quizapp.services.banks.spreadsheet import (
    DIFFICULTY_LABELS,
    HEADER_SEARCH_ROWS,
    INFO_LABELS,
    SCORING_LABELS,
    TEMPLATE_COLUMNS,
    TYPE_LABELS,
    _header_label,
    is_header,
    parse_info,
    parse_table,
    table_rows,
)
from quizapp.services.xlsx_reader import CellError, Formula, Workbook, XlsxRefused, open_workbook

QUESTION_SHEET = "Câu hỏi"
INFO_SHEET = "Thông tin"
HELP_SHEET = "Hướng dẫn"
_INFO_NAMES = {"thong tin", "info", "bank", "thong tin ngan hang"}
_HELP_NAMES = {"huong dan", "instructions", "help"}
_DAMAGED = _l("Không đọc được tệp Excel; hãy mở và lưu lại bằng Excel rồi thử lại.")
TEMPLATE_ROWS = 2000  # rows that get the drop-down lists in the template


def parse_xlsx(data: bytes, problems: Problems) -> ParsedBank:
    """Read the template workbook: the questions sheet, plus the optional information sheet.

    The questions are read from the visible sheet named «Câu hỏi» (or «Questions») when there is
    one, else from the first visible sheet with a question column in its first rows; hidden
    sheets are never read. Which sheet was read is said when there was a choice."""
    bank = ParsedBank(source_format="xlsx")
    try:
        workbook = open_workbook(data)
        candidates = []
        for title, path in workbook.visible_sheets():
            kind = name_key(title)
            if kind in _HELP_NAMES:
                continue
            if kind in _INFO_NAMES:
                parse_info(_rows(workbook, title, path, problems), title, bank, problems)
            else:
                candidates.append((title, path))
        questions_sheet = _questions_sheet_of(workbook, candidates)
        if questions_sheet is None:
            hidden = ", ".join(f"«{t}»" for t, _ in workbook.sheets if t in workbook.hidden)
            raise BankFileError(
                _l(
                    "Tệp Excel không có trang tính câu hỏi (trang tính «%(main)s», hoặc một trang "
                    "tính có cột «Câu hỏi»).",
                    main=QUESTION_SHEET,
                )
                if not hidden
                else _l(
                    "Tệp Excel không có trang tính câu hỏi đang hiện; các trang tính ẩn (%(hidden)s) "
                    "không được đọc. Hãy bỏ ẩn trang tính câu hỏi.",
                    hidden=hidden,
                )
            )
        title, path = questions_sheet
        parse_table(_rows(workbook, title, path, problems), title, problems, bank)
        others = [t for t, _ in candidates if t != title] + [
            t for t, _ in workbook.sheets if t in workbook.hidden
        ]
        if others:
            problems.warn(
                Location(sheet=title),
                _l(
                    "Câu hỏi được đọc từ trang tính «%(sheet)s»; các trang tính "
                    "khác (%(others)s) không được đọc.",
                    sheet=title,
                    others=", ".join(f"«{t}»" for t in others),
                ),
            )
        if workbook.hidden_rows.get(path):
            problems.warn(
                Location(sheet=title),
                _l(
                    "%(count)s hàng đang bị ẩn (bởi bộ lọc hoặc ẩn tay) vẫn được "
                    "nhập như các hàng khác.",
                    count=workbook.hidden_rows[path],
                ),
            )
    except BankFileError:
        raise
    except XlsxRefused as refused:
        raise BankFileError(refused.message) from None
    except Exception:  # noqa: BLE001  any broken part of an untrusted archive means the same to the user
        raise BankFileError(_DAMAGED) from None
    return bank


_QUESTION_NAMES = {"cau hoi", "questions", "question", "ngan hang cau hoi"}


def _questions_sheet_of(workbook: Workbook, candidates):
    """The sheet named «Câu hỏi» if any, else the first whose first rows hold a question column."""
    for title, path in candidates:
        if name_key(title) in _QUESTION_NAMES:
            return title, path
    for title, path in candidates:
        for scanned, (_number, cells) in enumerate(
            workbook.rows(path, limits.MAX_COLUMNS, shown=True)
        ):
            if is_header(cells):
                return title, path
            if scanned >= HEADER_SEARCH_ROWS:
                break
    # One visible sheet and nothing hidden: read it, so its errors say what is wrong with its header.
    return candidates[0] if len(candidates) == 1 and not workbook.hidden else None


def _rows(workbook: Workbook, title: str, path: str, problems: Problems):
    """(row number, values) of non-empty rows; formulas and error cells are reported, not used."""
    for number, cells in workbook.rows(path, limits.MAX_COLUMNS, shown=True):
        if not any(value is not None for value in cells):
            continue
        values = []
        for i, value in enumerate(cells):
            if isinstance(value, (Formula, CellError)):
                where = Location(sheet=title, row=number, column=get_column_letter(i + 1))
                if isinstance(value, Formula):
                    problems.error(
                        where,
                        _l(
                            "Ô chứa công thức (%(formula)s); công thức không được tính. Hãy thay "
                            "bằng giá trị (Sao chép → Dán đặc biệt → Giá trị).",
                            formula=value.text[:40],
                        ),
                    )
                else:
                    problems.error(
                        where, _l("Ô chứa lỗi Excel (%(value)s); hãy sửa ô này.", value=value.text)
                    )
                value = None
            values.append(value)
        yield number, values


# --- writing -------------------------------------------------------------------------------

_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F5FAD")
HELP_LINES = [
    "Hướng dẫn điền ngân hàng câu hỏi",
    "",
    "Mỗi hàng của trang tính «Câu hỏi» là một câu hỏi. Hàng đầu tiên là hàng tiêu đề: không đổi tên các cột.",
    "Chủ đề: tên chủ đề (phần của Nghị quyết). Để trống thì dùng chủ đề của hàng trên.",
    "Loại: một đáp án, nhiều đáp án, đúng sai, trả lời ngắn, số (chọn trong danh sách).",
    "Câu hỏi: nội dung câu hỏi. Được dùng **đậm**, *nghiêng*, gạch đầu dòng «- » và xuống dòng (Alt+Enter).",
    "A, B, C, D…: các phương án. Cần thêm phương án thì thêm cột E, F… ngay sau cột D.",
    "Đáp án: một đáp án ghi một chữ cái (B); nhiều đáp án ghi A, C; đúng sai ghi Đúng hoặc Sai;",
    "    trả lời ngắn ghi các đáp án chấp nhận cách nhau bởi dấu | (ví dụ: TNCS | Thanh niên Cộng sản);",
    "    số ghi 144, hoặc 144±2 (sai số cho phép), hoặc 1..2 (khoảng).",
    "Giải thích: điều người làm bài học được sau khi xem đáp án.",
    "Nguồn: văn bản, mục và địa chỉ trích dẫn. Mọi câu hỏi nên có nguồn.",
    "Độ khó: dễ, trung bình, khó (không bắt buộc). Điểm: để trống là 1.",
    "Mã câu: mã riêng của câu (chữ không dấu, số, dấu gạch ngang). Giữ nguyên mã khi sửa câu để hệ thống",
    "    nhận ra đó là cùng một câu ở phiên bản mới. Để trống thì hệ thống tự tạo mã từ nội dung.",
    "Tiêu đề: tên ngắn của câu (không bắt buộc). Nhãn: các nhãn cách nhau bởi dấu phẩy.",
    "Không phân biệt dấu (cột thêm, tuỳ chọn): ghi «có» để câu trả lời ngắn chấp nhận cả khi gõ không dấu.",
    "Phản hồi A, Phản hồi B… (cột thêm, tuỳ chọn): phản hồi hiện khi người làm bài chọn phương án đó.",
    "",
    "Trang tính «Thông tin»: mã ngân hàng, tên, mô tả, cách chấm câu nhiều đáp án (trọn câu hoặc từng phần).",
    "Không dùng công thức: ô có công thức bị từ chối. Lưu tệp dưới dạng .xlsx.",
    "Kiểm tra tệp trước khi nhập: quizapp bank check <tệp> (hoặc trang tải ngân hàng câu hỏi).",
]


def _write_row(sheet, row: int, values) -> None:
    for column, value in enumerate(values, start=1):
        if value is None:
            continue
        if isinstance(value, str) and "_x" in value:
            value = _LITERAL_ESCAPE.sub(
                r"_x005F_\1", value
            )  # text that looks like Excel's _xHHHH_ escape
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text that starts with = stays text, never a formula


def _questions_sheet(workbook, headers, rows):
    sheet = workbook.active
    sheet.title = QUESTION_SHEET
    _write_row(sheet, 1, headers)
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for number, values in enumerate(rows, start=2):
        _write_row(sheet, number, values)
    sheet.freeze_panes = "A2"
    widths = {"Chủ đề": 24, "Loại": 14, "Câu hỏi": 60, "Đáp án": 12, "Giải thích": 40, "Nguồn": 40}
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(
            header, 22 if len(header) == 1 else 14
        )
    last = max(TEMPLATE_ROWS, len(rows) + 1)
    lists = {"Loại": list(TYPE_LABELS.values()), "Độ khó": list(DIFFICULTY_LABELS.values())}
    for i, header in enumerate(headers, start=1):
        if header in lists:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(lists[header]) + '"', allow_blank=True
            )
            rule.error = "Chọn một giá trị trong danh sách."
            rule.errorTitle = header
            sheet.add_data_validation(rule)
            letter = get_column_letter(i)
            rule.add(f"{letter}2:{letter}{last}")
    return sheet


def _info_sheet(workbook, bank: ParsedBank):
    sheet = workbook.create_sheet(INFO_SHEET)
    values = {
        "slug": bank.slug or "",
        "title": bank.title,
        "description": bank.description,
        "multiple_scoring": SCORING_LABELS.get(bank.multiple_scoring, bank.multiple_scoring),
    }
    for row, (field, label) in enumerate(INFO_LABELS.items(), start=1):
        _write_row(sheet, row, [label, values[field] or None])
        sheet.cell(row=row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 70
    rule = DataValidation(
        type="list", formula1='"' + ",".join(SCORING_LABELS.values()) + '"', allow_blank=True
    )
    sheet.add_data_validation(rule)
    rule.add(f"B{list(INFO_LABELS).index('multiple_scoring') + 1}")


def _help_sheet(workbook):
    sheet = workbook.create_sheet(HELP_SHEET)
    for row, line in enumerate(HELP_LINES, start=1):
        if line:
            _write_row(sheet, row, [line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_xlsx(bank: ParsedBank) -> bytes:
    """The bank as the template workbook: questions, bank information, instructions."""
    workbook = openpyxl.Workbook()
    headers, rows = table_rows(bank)
    _questions_sheet(workbook, headers, rows)
    _info_sheet(workbook, bank)
    _help_sheet(workbook)
    return _save(workbook)


def write_template() -> bytes:
    """The empty template organisers fill in."""
    workbook = openpyxl.Workbook()
    headers = [c if len(c) == 1 else _header_label(c) for c in TEMPLATE_COLUMNS]
    _questions_sheet(workbook, headers, [])
    _info_sheet(workbook, ParsedBank(title=""))
    _help_sheet(workbook)
    return _save(workbook)
