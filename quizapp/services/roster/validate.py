"""Checking every row of a parsed roster: clean values, resolve the chapter, find duplicates.

This loop runs 300,000 times for a province, so cells with few distinct values
(dates, gender, ethnicity, chapter columns) are cleaned once per distinct value.
"""

from __future__ import annotations

from datetime import date
from operator import itemgetter

from flask_babel import gettext as _

from quizapp.models import UnitKind
from quizapp.services.roster import columns as C
from quizapp.services.roster import values as V
from quizapp.services.roster.reader import ParsedRoster
from quizapp.services.roster.report import RosterIssue, RosterReport
from quizapp.services.roster.units import UnitResolver

KEEP = object()  # the row's sheet has no such column: keep what the database holds

# A validated row: (row number, code, full name, birth date, gender, ethnicity, phone, email,
# is cadre, chapter, attributes); member fields may be KEEP.
R_ROW, R_CODE, R_NAME, R_CADRE, R_CHAPTER, R_ATTRIBUTES = 0, 1, 2, 8, 9, 10
FIELD_SLICE = slice(2, 9)  # full name … is cadre, in the order of FIELDS
FIELDS = ("full_name", "birth_date", "gender", "ethnicity", "phone", "email", "is_cadre")


def _getter(parsed: ParsedRoster, column: str):
    index = parsed.columns.index(column) if parsed.has(column) else None
    return None if index is None else itemgetter(index)


def _name_getter(parsed: ParsedRoster):
    """The full name cell, or 'Họ' + 'Tên' joined when the row's sheet splits the name."""
    whole = _getter(parsed, C.FULL_NAME)
    family, given = _getter(parsed, C.FAMILY_NAME), _getter(parsed, C.GIVEN_NAME)
    if family is None and given is None:
        return whole

    def get(values):
        if whole is not None and whole(values) is not None:
            return whole(values)
        parts = [V.text(g(values)) for g in (family, given) if g is not None]
        return " ".join(p for p in parts if p)

    return get


class RowValidator:
    """Cleans rows of one parsed file against one unit resolver."""

    def __init__(self, parsed: ParsedRoster, resolver: UnitResolver, today: date):
        self.parsed = parsed
        self.resolver = resolver
        header = parsed.headers
        name_header = header.get(C.FULL_NAME) or header.get(C.GIVEN_NAME)
        # (cell getter, cleaner, header, few distinct values?)
        self.specs = [
            (_getter(parsed, C.CODE), V.member_code, header.get(C.CODE), False),
            (_name_getter(parsed), V.full_name, name_header, False),
            (_getter(parsed, C.BIRTH_DATE), V.DateReader(today), header.get(C.BIRTH_DATE), True),
            (_getter(parsed, C.GENDER), V.gender, header.get(C.GENDER), True),
            (
                _getter(parsed, C.ETHNICITY),
                lambda v: V.limited(v, V.MAX_ETHNICITY),
                header.get(C.ETHNICITY),
                True,
            ),
            (_getter(parsed, C.PHONE), V.phone, header.get(C.PHONE), False),
            (_getter(parsed, C.EMAIL), V.email, header.get(C.EMAIL), False),
            (_getter(parsed, C.IS_CADRE), V.cadre_flag, header.get(C.IS_CADRE), True),
        ]
        self.attributes = [
            (itemgetter(i), c.removeprefix("attr:"), parsed.headers[c])
            for i, c in enumerate(parsed.columns)
            if c.startswith("attr:")
        ]
        chapter_columns = (C.PROVINCE, C.DISTRICT, C.GRASSROOTS, C.CHAPTER_CODE, C.CHAPTER)
        self.chapter_cells = [_getter(parsed, c) for c in chapter_columns]
        present = [parsed.columns.index(c) for c in chapter_columns if parsed.has(c)]
        self.chapter_slots = [parsed.has(c) for c in chapter_columns]
        if len(present) > 1:
            self.chapter_key = itemgetter(*present)
        else:  # itemgetter of one index returns the cell itself, not a tuple
            self.chapter_key = (
                (lambda values, i=present[0]: (values[i],)) if present else (lambda values: ())
            )
        self.chapter_header = header.get(C.CHAPTER) or header.get(C.CHAPTER_CODE)
        self.chapter_code_header = header.get(C.CHAPTER_CODE)

    def chapter(self, key: tuple):
        """The chapter for the row's chapter cells (known or planned unit); the import's own chapter
        when the row names none."""
        cells = iter(key)
        texts = [V.text(next(cells)) if has else "" for has in self.chapter_slots]
        return self._resolve(*texts)

    def _chapter_column(self, values) -> str | None:
        """The column to blame for a chapter error: the code column when the row fills it."""
        code_cell = self.chapter_cells[3]
        if code_cell is not None and V.text(code_cell(values)):
            return self.chapter_code_header
        return self.chapter_header

    def _resolve(self, province, district, grassroots, code, name):
        scope = self.resolver.scope
        if not code and not name and scope is not None and scope.kind == UnitKind.CHAPTER:
            return self.resolver.by_id[scope.id]
        return self.resolver.resolve((province, district, grassroots), code, name)

    def validate(self, report: RosterReport) -> list[tuple]:
        """Every good row as a record; every bad cell as an error in `report`.

        Columns are cleaned one at a time with list comprehensions (fast); a column with a
        bad cell is cleaned again cell by cell to say which rows are wrong."""
        rows = self.parsed.rows
        problems: dict[int, list[RosterIssue]] = {}
        columns = [[number for _sheet, number, _values in rows]]
        for get, clean, header, few in self.specs:
            columns.append(self._column(rows, get, clean, header, problems, few))
        columns.append(
            self._column(rows, self.chapter_key, self.chapter, None, problems, True, chapter=True)
        )
        attributes = [{} for _ in rows] if self.attributes else None
        attribute = lambda v: V.limited(v, V.MAX_ATTRIBUTE)  # noqa: E731
        for get, label, header in self.attributes:
            for found, value in zip(
                attributes, self._column(rows, get, attribute, header, problems, True)
            ):
                if value is not KEEP:
                    found[label] = value
        columns.append(attributes or [{}] * len(rows))
        get_phone, phone_column = self.specs[5][0], self.specs[5][2]
        if get_phone is not None and phone_column:
            mended = sum(
                1 for _sheet, _number, values in rows if V.lost_leading_zero(get_phone(values))
            )
            if mended:
                report.warning(
                    RosterIssue(
                        None,
                        phone_column,
                        _(
                            "%(n)d số điện thoại chỉ có 9 chữ số (bảng tính đã bỏ số 0 ở đầu vì lưu số điện thoại dạng "
                            "số) nên đã được thêm lại số 0.",
                            n=mended,
                        ),
                    )
                )
        records = []
        seen_codes: dict[str, int] = {}
        seen_phones: dict[str, int] = {}
        code_header, phone_header = self.specs[0][2], self.specs[5][2]
        for index, record in enumerate(zip(*columns)):
            number, code = record[R_ROW], record[R_CODE]
            if code is not KEEP:
                first = seen_codes.setdefault(code, number)
                if first != number:
                    problems.setdefault(index, []).append(
                        RosterIssue(
                            number,
                            code_header,
                            _(
                                "Mã đoàn viên '%(code)s' trùng với dòng %(row)d.",
                                code=code,
                                row=first,
                            ),
                            rows[index][0],
                        )
                    )
            if index in problems:
                for issue in problems[index]:
                    report.error(issue)
                continue
            phone = record[6]
            if phone is not None and phone is not KEEP:
                first = seen_phones.setdefault(phone, number)
                if first != number:
                    report.warning(
                        RosterIssue(
                            number,
                            phone_header,
                            _(
                                "Số điện thoại %(phone)s trùng với dòng %(row)d: "
                                "hai người này chỉ đăng nhập được bằng mã đoàn viên.",
                                phone=phone,
                                row=first,
                            ),
                            rows[index][0],
                        )
                    )
            records.append(record)
        report.rows = len(rows)
        return records

    def _column(self, rows, get, clean, header, problems, few: bool, chapter: bool = False) -> list:
        """One column cleaned for every row; KEEP where the row's sheet lacks it or the cell is bad.
        A column of few distinct values is cleaned once per value and mapped back."""
        if get is None:
            return [KEEP] * len(rows)
        raws = [get(values) for _sheet, _number, values in rows]
        if few:
            mapping = {}
            for raw in dict.fromkeys(
                raws
            ):  # first-seen order: new units are numbered as in the file
                try:
                    mapping[raw] = KEEP if raw is None else clean(raw)
                except V.CellError as err:
                    mapping[raw] = err
            cleaned = [mapping[raw] for raw in raws]
            if not any(v.__class__ is V.CellError for v in mapping.values()):
                return cleaned
        else:
            try:
                return [KEEP if raw is None else clean(raw) for raw in raws]
            except V.CellError:
                cleaned = [None] * len(raws)
        for index, raw in enumerate(raws):
            try:
                value = cleaned[index] if few else (KEEP if raw is None else clean(raw))
                if value.__class__ is V.CellError:
                    raise value
                cleaned[index] = value
            except V.CellError as err:
                cleaned[index] = KEEP
                sheet, number, values = rows[index]
                column = self._chapter_column(values) if chapter else header
                problems.setdefault(index, []).append(RosterIssue(number, column, str(err), sheet))
        return cleaned
