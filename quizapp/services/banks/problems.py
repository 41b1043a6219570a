"""Problems found in a bank file: where (line, sheet/row/column) and what, in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l


def render(text) -> str:
    """Render a lazy message now; outside a request (CLI, tests) use the default language."""
    try:
        return str(text)
    except RuntimeError:  # the app's locale selector needs a request; fall back to Vietnamese
        with force_locale("vi"):
            return str(text)


@dataclass(frozen=True)
class Location:
    """Where a problem is: a line of a text file, or a sheet/row/column of a spreadsheet."""

    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self):
        """A lazy, translatable description of this place."""
        if self.line is not None:
            return _l("dòng %(line)s", line=self.line)
        parts = []
        if self.sheet:
            parts.append(str(_l("trang tính «%(sheet)s»", sheet=self.sheet)))
        if self.row is not None:
            parts.append(str(_l("hàng %(row)s", row=self.row)))
        if self.column:
            parts.append(str(_l("cột %(column)s", column=self.column)))
        return ", ".join(parts) if parts else _l("toàn tệp")

    def __str__(self) -> str:
        return render(self.describe())

    def sort_key(self):
        return (self.sheet or "", self.line or 0, self.row or 0, self.column or "")


@dataclass(frozen=True)
class Problem:
    """One error or warning; `message` is rendered in the current language when read."""

    location: Location
    text: object  # a lazy string from _l(), rendered at display time
    is_error: bool = True

    @property
    def message(self) -> str:
        return render(self.text)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class BankFileError(Exception):
    """A problem that stops reading a file at once (encoding, size, broken archive)."""

    def __init__(self, text, location: Location | None = None):
        super().__init__(render(text))
        self.problem = Problem(location or Location(), text)


class Problems:
    """Collects errors and warnings while a file is read."""

    def __init__(self):
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, location: Location, text) -> None:
        self.errors.append(Problem(location, text, True))

    def warn(self, location: Location, text) -> None:
        self.warnings.append(Problem(location, text, False))
