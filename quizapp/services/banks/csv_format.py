"""The CSV version of the spreadsheet template (UTF-8; comma, semicolon or tab separated)."""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l

from quizapp.services.banks import limits
from quizapp.services.banks.parsed import ParsedBank
from quizapp.services.banks.problems import BankFileError, Problems
from quizapp.services.banks.spreadsheet import (
    TEMPLATE_COLUMNS,
    _header_label,
    parse_table,
    table_rows,
)
from quizapp.services.exports import FORMULA_PREFIXES, neutralise


def _unguard(cell: str) -> str:
    """Undo the apostrophe the export puts before formula-like text, so exports re-import as they were."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_PREFIXES else cell


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _records(text: str, delimiter: str):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for cells in reader:
            number += 1
            if number > limits.MAX_ROWS + 1000:
                raise BankFileError(
                    _l("Tệp CSV có quá nhiều hàng; tối đa %(max)s câu hỏi.", max=limits.MAX_ROWS)
                )
            yield number, [_unguard(cell) for cell in cells[: limits.MAX_COLUMNS]]
    except csv.Error as err:
        raise BankFileError(
            _l("Tệp CSV sai cấu trúc ở hàng %(row)s: %(detail)s.", row=number + 1, detail=str(err))
        ) from None


def parse_csv(text: str, problems: Problems) -> ParsedBank:
    """Read the template as CSV; rows are numbered as a spreadsheet shows them."""
    bank = ParsedBank(source_format="csv")
    parse_table(_records(text, _dialect(text)), None, problems, bank)
    return bank


def _write(headers, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    # The BOM lets Excel open the file as UTF-8 instead of guessing a legacy code page.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_csv(bank: ParsedBank) -> bytes:
    """The bank's questions as template CSV (bank information is not part of CSV)."""
    return _write(*table_rows(bank))


def write_csv_template() -> bytes:
    """The empty CSV template: the header row only."""
    return _write([c if len(c) == 1 else _header_label(c) for c in TEMPLATE_COLUMNS], [])
