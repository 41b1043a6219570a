"""Cell values of a roster, cleaned one by one; a bad value raises CellError with a Vietnamese message."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from flask_babel import gettext as _

from quizapp.text import UnsafeText, clean_text, fold_vietnamese

MAX_CODE = 64
MAX_NAME = 255
MAX_ETHNICITY = 64
MAX_EMAIL = 255
MAX_ATTRIBUTE = 255
EARLIEST_BIRTH_YEAR = 1900

_TRUE = {
    "x",
    "co",
    "1",
    "true",
    "yes",
    "y",
    "v",
    "\u2713",
    "\u2714",
    "la",
    "phai",
    "canbo",
    "canbodoan",
    "cbd",
}
_FALSE = {"", "0", "khong", "k", "ko", "no", "n", "false", "-"}
_GENDERS = {
    "nam": "nam",
    "male": "nam",
    "m": "nam",
    "trai": "nam",
    "nu": "nu",
    "female": "nu",
    "f": "nu",
    "gai": "nu",
    "khac": "khac",
    "other": "khac",
}
_SPACE = re.compile(r"\s")
_DATE_SEPARATORS = re.compile(r"[/.\-]")
_PHONE_NOISE = re.compile(r"[\s.\-()]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


def _clean(value: str) -> str:
    try:
        return clean_text(value)
    except UnsafeText as err:
        raise CellError(err.message(_("Ô này"))) from err


def text(value) -> str:
    """A cell as text: cleaned by the shared helper (NFC, invisible characters dropped; control and
    bidi characters refused), outer spaces trimmed; whole numbers without '.0'."""
    if value.__class__ is str:
        return _clean(value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def member_code(value) -> str:
    """Member code: required, no spaces inside (it is the login), at most 64 characters."""
    code = text(value)
    if not code:
        raise CellError(_("Thiếu mã đoàn viên."))
    if _SPACE.search(code):
        raise CellError(
            _(
                "Mã đoàn viên '%(code)s' có dấu cách; mã dùng để đăng nhập nên phải liền nhau.",
                code=code,
            )
        )
    if len(code) > MAX_CODE:
        raise CellError(_("Mã đoàn viên dài quá %(n)d ký tự.", n=MAX_CODE))
    return code


def full_name(value) -> str:
    """Full name exactly as written (NFC), only the outer spaces trimmed."""
    name = text(value)
    if not name:
        raise CellError(_("Thiếu họ và tên."))
    if len(name) > MAX_NAME:
        raise CellError(_("Họ và tên dài quá %(n)d ký tự.", n=MAX_NAME))
    return name


def limited(value, limit: int) -> str | None:
    """Free text up to `limit` characters; blank is None."""
    result = text(value)
    if len(result) > limit:
        raise CellError(_("Nội dung dài quá %(n)d ký tự.", n=limit))
    return result or None


class DateReader:
    """Birth dates as dd/mm/yyyy (also d-m-yyyy, d.m.yyyy) or ISO yyyy-mm-dd, cached per text."""

    def __init__(self, today: date):
        self.today = today
        self._cache: dict[str, date] = {}

    def __call__(self, value) -> date | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return self._check(value, text(value))
        raw = text(value)
        if not raw:
            return None
        found = self._cache.get(raw)
        if found is None:
            found = self._check(self._parse(raw), raw)
            self._cache[raw] = found
        return found

    def _parse(self, raw: str) -> date:
        parts = _DATE_SEPARATORS.split(raw.split(" ")[0])
        try:
            if len(parts) == 3 and len(parts[0]) == 4:
                year, month, day = (int(p) for p in parts)
            elif len(parts) == 3 and len(parts[2]) == 4:
                day, month, year = (int(p) for p in parts)
            else:
                raise ValueError(raw)
            return date(year, month, day)
        except ValueError:
            raise CellError(
                _(
                    "Ngày sinh '%(value)s' không hợp lệ; hãy ghi ngày/tháng/năm, ví dụ 05/09/2001.",
                    value=raw,
                )
            ) from None

    def _check(self, day: date, raw: str) -> date:
        if day.year < EARLIEST_BIRTH_YEAR or day > self.today:
            raise CellError(_("Ngày sinh '%(value)s' không hợp lý.", value=raw))
        return day


def gender(value) -> str | None:
    """Nam / Nữ / Khác (and English) -> 'nam' | 'nu' | 'khac'; blank is None."""
    raw = text(value)
    if not raw:
        return None
    found = _GENDERS.get(fold_vietnamese(raw))
    if found is None:
        raise CellError(_("Giới tính '%(value)s' không rõ; hãy ghi Nam, Nữ hoặc Khác.", value=raw))
    return found


def lost_leading_zero(value) -> bool:
    """True for a phone a spreadsheet stored as a number, so its leading 0 is gone: 9 digits,
    as a number (XLSX) or as the digits a CSV export of that number wrote."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return len(text(value)) == 9
    return (
        isinstance(value, str)
        and len(value.strip()) == 9
        and value.strip().isdigit()
        and value.strip()[0] != "0"
    )


def phone(value) -> str | None:
    """A Vietnamese phone number stored as 0xxxxxxxxx; +84 and lost leading zeros are mended."""
    raw = text(value)
    if lost_leading_zero(value):  # a spreadsheet dropped the leading 0
        raw = "0" + raw.strip()
    if not raw:
        return None
    digits = _PHONE_NOISE.sub("", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not digits.isdigit() or not digits.startswith("0") or not 10 <= len(digits) <= 11:
        raise CellError(
            _(
                "Số điện thoại '%(value)s' không hợp lệ; cần 10 chữ số bắt đầu bằng 0, ví dụ 0912345678.",
                value=raw,
            )
        )
    return digits


def email(value) -> str | None:
    """An e-mail address, checked for the obvious shape only."""
    raw = text(value)
    if not raw:
        return None
    if len(raw) > MAX_EMAIL or not _EMAIL.match(raw):
        raise CellError(_("Email '%(value)s' không hợp lệ.", value=raw))
    return raw


def cadre_flag(value) -> bool:
    """'x', 'có', '1' … mean a union cadre; blank, 'không', '0' mean not."""
    if isinstance(value, bool):
        return value
    raw = text(value)
    folded = fold_vietnamese(raw).replace(" ", "")
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(
        _("Cột cán bộ đoàn chỉ nhận 'x', 'có' hoặc để trống; ô này ghi '%(value)s'.", value=raw)
    )
