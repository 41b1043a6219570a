"""CSV and XLSX exports open correctly in Excel and never run a cell as a formula."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from quizapp.services.exports import PERCENT, as_download, neutralise, to_csv, to_xlsx

HEADERS = ["Họ và tên", "Số điện thoại", "Tỉ lệ (%)"]


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_csv_starts_with_a_byte_order_mark_and_keeps_vietnamese_text():
    data = to_csv(HEADERS, [["Nguyễn Thị Hồng Nhung", "0912345678", 87.5]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert _read_csv(data) == [HEADERS, ["Nguyễn Thị Hồng Nhung", "0912345678", "87.5"]]


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
)
def test_csv_cells_that_look_like_formulas_are_prefixed_with_an_apostrophe(dangerous):
    rows = _read_csv(to_csv(["a"], [[dangerous]]))
    assert rows[1][0] == "'" + dangerous


@pytest.mark.parametrize("dangerous", ["=1+1", "+84912345678", "-x", "@A1", "\tx", "\rx"])
def test_xlsx_cells_that_look_like_formulas_stay_text(dangerous):
    ws = _read_xlsx(to_xlsx(["a"], [[dangerous]], "t"))
    cell = ws["A2"]
    assert cell.data_type == "s"
    # XML turns a lone carriage return into a line feed; the apostrophe is what matters
    assert cell.value.startswith("'") and cell.value[1:].strip() == dangerous.strip()


def test_negative_numbers_stay_numbers():
    assert neutralise(-3) == -3
    ws = _read_xlsx(to_xlsx(["n"], [[-3.5]], "t"))
    assert ws["A2"].value == -3.5
    assert _read_csv(to_csv(["n"], [[-3]]))[1] == ["-3"]


def test_header_cells_are_neutralised_too():
    assert _read_csv(to_csv(["=cmd"], []))[0] == ["'=cmd"]


def test_xlsx_has_a_bold_frozen_header_row_and_number_formats():
    ws = _read_xlsx(to_xlsx(HEADERS, [["Lò Văn Ánh", "0912", 87.5]], "Tham gia", {2: PERCENT}))
    assert [c.value for c in ws[1]] == HEADERS
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws["C2"].value == 87.5 and ws["C2"].number_format == PERCENT
    assert ws.title == "Tham gia"


def test_xlsx_number_formats_may_be_keyed_by_header():
    ws = _read_xlsx(to_xlsx(HEADERS, [["A", "1", 50.0]], "t", {"Tỉ lệ (%)": PERCENT}))
    assert ws["C2"].number_format == PERCENT


def test_xlsx_columns_are_wide_enough_for_their_longest_value():
    name = "Chi đoàn cơ sở Trường Trung học phổ thông Mộc Lỵ"
    ws = _read_xlsx(to_xlsx(["Đơn vị", "x"], [[name, 1]], "t"))
    assert ws.column_dimensions["A"].width >= len(name)
    assert ws.column_dimensions["B"].width >= 8


def test_datetimes_are_written_in_vietnam_time():
    at = datetime(2024, 3, 1, 17, 30, tzinfo=UTC)
    ws = _read_xlsx(to_xlsx(["t"], [[at]], "t"))
    assert ws["A2"].value == datetime(2024, 3, 2, 0, 30)
    assert _read_csv(to_csv(["t"], [[at]]))[1] == ["02/03/2024 00:30"]


def test_sheet_title_drops_characters_excel_forbids():
    ws = _read_xlsx(to_xlsx(["a"], [], "Báo cáo: 01/02 [Sơn La]?"))
    assert ws.title.startswith("Báo cáo")
    assert not any(ch in ws.title for ch in "[]:*?/\\")


def test_download_response_names_the_file_and_sets_the_type(app):
    with app.test_request_context():
        response = as_download("csv", ["a"], [[1]], "tham-gia-Sơn-La")
        assert response.mimetype == "text/csv"
        assert "tham-gia-S" in response.headers["Content-Disposition"]
        response = as_download("xlsx", ["a"], [[1]], "bao-cao")
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert "bao-cao.xlsx" in response.headers["Content-Disposition"]
