"""Reading any bank file: size and encoding checks, format detection, parsing, validation."""

from __future__ import annotations

import os
import re

from flask_babel import lazy_gettext as _l

from quizapp.services.banks import limits
from quizapp.services.banks.aiken import parse_aiken
from quizapp.services.banks.csv_format import parse_csv
from quizapp.services.banks.gift import parse_gift
from quizapp.services.banks.parsed import ParsedBank
from quizapp.services.banks.problems import BankFileError, Location, Problems
from quizapp.services.banks.validate import validate_bank
from quizapp.services.banks.xlsx_format import parse_xlsx
from quizapp.services.banks.yaml_format import parse_yaml

EXTENSIONS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".gift": "gift",
    ".aiken": "aiken",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".txt": None,
}
SUPPORTED = ".xlsx, .csv, .yaml, .yml, .gift, .txt (GIFT hoặc Aiken), .aiken"


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); any other encoding is refused, never guessed."""
    if len(data) > limits.MAX_TEXT_BYTES:
        raise BankFileError(
            _l(
                "Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.",
                size=round(len(data) / 1048576, 1),
                max=limits.MAX_TEXT_BYTES // 1048576,
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BankFileError(
            _l(
                "Tệp được mã hoá UTF-16, không phải UTF-8. Hãy lưu lại tệp với mã hoá "
                "UTF-8 (trong Excel: «CSV UTF-8»; trong Notepad: «UTF-8»)."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BankFileError(
            _l(
                "Tệp không được mã hoá UTF-8 (có byte không hợp lệ ở dòng %(line)s), có thể "
                "là mã cũ như TCVN3 hay Windows-1258. Hãy lưu lại tệp với mã hoá UTF-8 rồi "
                "tải lên lại.",
                line=line,
            ),
            Location(line=line),
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BankFileError(
            _l("Tệp chứa ký tự NUL (dòng %(line)s): đây không phải tệp văn bản UTF-8.", line=line),
            Location(line=line),
        )
    return text


def detect_format(filename: str, data: bytes) -> str:
    """The format named by the file's extension (sniffing .txt for GIFT or Aiken)."""
    ext = os.path.splitext(filename or "")[1].lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or ext in (".xls", ".ods"):
        raise BankFileError(
            _l(
                "Đây là tệp Excel cũ (.xls) hoặc OpenDocument; hãy mở và lưu lại dưới dạng "
                "«Excel Workbook (.xlsx)»."
            )
        )
    if ext not in EXTENSIONS:
        if data.startswith(b"PK\x03\x04"):
            return "xlsx"
        raise BankFileError(
            _l(
                "Không nhận ra định dạng tệp «%(name)s»; các định dạng được hỗ trợ: %(list)s.",
                name=filename,
                list=SUPPORTED,
            )
        )
    fmt = EXTENSIONS[ext]
    if fmt == "xlsx" and not data.startswith(b"PK\x03\x04"):
        raise BankFileError(
            _l("Tệp .xlsx này không phải là tệp Excel hợp lệ; hãy lưu lại từ Excel.")
        )
    if fmt is None:
        head = data[: 256 * 1024].decode("utf-8", errors="ignore")
        fmt = (
            "aiken"
            if re.search(r"^\s*ANSWER\s*:", head, re.MULTILINE) and "{" not in head
            else "gift"
        )
    return fmt


def parse_any(fmt: str, filename: str, data: bytes, problems: Problems) -> ParsedBank:
    """Dispatch to the parser of one format; may raise BankFileError."""
    if fmt == "xlsx":
        return parse_xlsx(data, problems)
    text = decode_text(data)
    if fmt == "yaml":
        return parse_yaml(text, problems)
    if fmt == "gift":
        return parse_gift(text, problems)
    if fmt == "aiken":
        return parse_aiken(text, problems)
    return parse_csv(text, problems)


def load_bank_file(filename: str, data: bytes) -> ParsedBank:
    """Read and validate a bank file; content problems are in .errors/.warnings, never raised."""
    problems = Problems()
    fmt = ""
    try:
        fmt = detect_format(filename, data)
        bank = parse_any(fmt, filename, data, problems)
    except BankFileError as err:
        bank = ParsedBank()
        problems.errors.append(err.problem)
    else:
        if (
            bank.topics or not problems.errors
        ):  # a file that did not parse has nothing more to check
            validate_bank(bank, problems)
    bank.filename = re.sub(r"[\x00-\x1f\x7f]", "", os.path.basename(filename or ""))[:255]
    bank.source_format = fmt
    bank.errors = sorted(problems.errors, key=lambda p: p.location.sort_key())
    bank.warnings = sorted(problems.warnings, key=lambda p: p.location.sort_key())
    return bank
