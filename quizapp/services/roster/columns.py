"""Roster columns: the headers organisers write, matched without case, diacritics or punctuation."""

from __future__ import annotations

import re

from quizapp.text import fold_vietnamese

# Field keys, in the order the rest of the roster code uses them.
CODE = "code"
FULL_NAME = "full_name"
FAMILY_NAME = "family_name"  # "Họ (và tên đệm)" when the name is split in two columns
GIVEN_NAME = "given_name"  # "Tên"
BIRTH_DATE = "birth_date"
GENDER = "gender"
ETHNICITY = "ethnicity"
PHONE = "phone"
EMAIL = "email"
IS_CADRE = "is_cadre"
CHAPTER = "chapter"  # name or code of the chapter
CHAPTER_CODE = "chapter_code"
PROVINCE = "province"  # parent columns: used only to create missing units
DISTRICT = "district"
GRASSROOTS = "grassroots"
IGNORED = "ignored"  # STT: a row counter, not data

# Folded header (no diacritics, no spaces or punctuation, lower case) -> field.
_ALIASES: dict[str, tuple[str, ...]] = {
    CODE: (
        "Mã đoàn viên",
        "Số thẻ đoàn viên",
        "Số thẻ",
        "Mã thẻ",
        "Mã thẻ đoàn viên",
        "Mã ĐV",
        "Số thẻ ĐV",
        "Mã số đoàn viên",
        "Mã",
        "member code",
        "member id",
        "code",
        "id",
    ),
    FULL_NAME: (
        "Họ và tên",
        "Họ tên",
        "Họ và tên đoàn viên",
        "Họ tên đoàn viên",
        "Tên đoàn viên",
        "full name",
        "name",
    ),
    FAMILY_NAME: ("Họ", "Họ và tên đệm", "Họ đệm", "Họ lót", "family name", "last name", "surname"),
    GIVEN_NAME: ("Tên", "given name", "first name"),
    BIRTH_DATE: (
        "Ngày sinh",
        "Ngày tháng năm sinh",
        "Sinh ngày",
        "birth date",
        "date of birth",
        "dob",
        "birthday",
    ),
    GENDER: ("Giới tính", "Giới", "Phái", "gender", "sex"),
    ETHNICITY: ("Dân tộc", "ethnicity", "ethnic group", "ethnic"),
    PHONE: (
        "Số điện thoại",
        "Điện thoại",
        "SĐT",
        "ĐT",
        "Di động",
        "Số di động",
        "phone",
        "phone number",
        "mobile",
        "tel",
    ),
    EMAIL: ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "mail"),
    IS_CADRE: (
        "Cán bộ đoàn",
        "Là cán bộ đoàn",
        "CBĐ",
        "Cán bộ",
        "cadre",
        "is cadre",
        "union cadre",
    ),
    CHAPTER: (
        "Chi đoàn",
        "Tên chi đoàn",
        "Chi đoàn sinh hoạt",
        "Đơn vị",
        "chapter",
        "chapter name",
        "unit",
    ),
    CHAPTER_CODE: ("Mã chi đoàn", "Mã đơn vị", "chapter code", "unit code"),
    PROVINCE: ("Tỉnh đoàn", "Thành đoàn", "Tỉnh", "province"),
    DISTRICT: ("Huyện đoàn", "Quận đoàn", "Thị đoàn", "Đoàn trực thuộc", "Huyện", "district"),
    GRASSROOTS: (
        "Đoàn cơ sở",
        "Xã đoàn",
        "Đoàn xã",
        "Đoàn phường",
        "Đoàn thị trấn",
        "Đoàn trường",
        "Cơ sở",
        "grassroots",
        "grassroots union",
    ),
    IGNORED: ("STT", "TT", "Số thứ tự", "No", "No."),
}

_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_header(header: str) -> str:
    """'Ngày sinh (dd/mm/yyyy) *' -> 'ngaysinh': no notes in brackets, diacritics, case or spaces."""
    return _NOT_ALNUM.sub("", fold_vietnamese(_PARENTHESES.sub(" ", header)))


HEADER_FIELDS: dict[str, str] = {
    fold_header(alias): field for field, aliases in _ALIASES.items() for alias in aliases
}

# Parent columns from the top of the tree down, with the kind of unit each creates.
PARENT_FIELDS: tuple[tuple[str, str], ...] = (
    (PROVINCE, "province"),
    (DISTRICT, "district"),
    (GRASSROOTS, "grassroots"),
)

# Fields that are stored on the member and may be cleared by a blank cell.
MEMBER_FIELDS = (FULL_NAME, BIRTH_DATE, GENDER, ETHNICITY, PHONE, EMAIL, IS_CADRE)


def field_for_header(header: str) -> str | None:
    """The field a header names, or None for a custom attribute."""
    return HEADER_FIELDS.get(fold_header(header))


def is_header_row(cells: list[str]) -> bool:
    """True when the row names at least a member code and a name: the header of a roster."""
    fields = {field_for_header(c) for c in cells if c}
    has_name = FULL_NAME in fields or {FAMILY_NAME, GIVEN_NAME} <= fields
    return CODE in fields and has_name
