"""Exporting a stored version to YAML, GIFT, XLSX or CSV."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from quizapp.models import BankVersion
from quizapp.services.banks.csv_format import write_csv
from quizapp.services.banks.gift_writer import write_gift
from quizapp.services.banks.importer import BankImportError, version_to_parsed
from quizapp.services.banks.parsed import ParsedBank
from quizapp.services.banks.xlsx_format import write_xlsx
from quizapp.services.banks.yaml_writer import write_yaml

FORMATS = ("yaml", "gift", "xlsx", "csv")
EXTENSIONS = {"yaml": "yaml", "gift": "gift", "xlsx": "xlsx", "csv": "csv"}
MIMETYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "gift": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def write_bank(bank: ParsedBank, fmt: str) -> bytes:
    """A parsed bank in one format."""
    if fmt == "yaml":
        return write_yaml(bank)
    if fmt == "gift":
        return write_gift(bank)
    if fmt == "xlsx":
        return write_xlsx(bank)
    if fmt == "csv":
        return write_csv(bank)
    raise BankImportError(
        _l("Định dạng xuất «%(fmt)s» không được hỗ trợ; dùng yaml, gift, xlsx hoặc csv.", fmt=fmt)
    )


def export_version(version: BankVersion, fmt: str) -> bytes:
    """The file content of a stored version in `fmt` (yaml, gift, xlsx or csv)."""
    return write_bank(version_to_parsed(version), fmt)


def export_filename(version: BankVersion, fmt: str) -> str:
    """A download name such as nghi-quyet-dai-hoi-doan-xii-v3.yaml."""
    return f"{version.bank.slug}-v{version.number}.{EXTENSIONS.get(fmt, fmt)}"
