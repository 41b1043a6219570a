"""Report rows as (headers, rows, number formats) for CSV and XLSX, with Vietnamese headers."""

from __future__ import annotations

from flask_babel import gettext as _

from quizapp.services.exports import DATE, DATETIME, DECIMAL, INTEGER, PERCENT
from quizapp.services.reports.items import ItemAnalysis
from quizapp.services.reports.overview import QuizRow
from quizapp.services.reports.page import UnitReport
from quizapp.services.reports.trend import Trend
from quizapp.services.reports.units import MemberRow, Status, UnitRow

Table = tuple[list[str], list[list], dict[int, str]]


def _r(value: float | None, digits: int = 1) -> float | None:
    return round(value, digits) if value is not None else None


def status_label(status: Status) -> str:
    """The member's status in Vietnamese."""
    return {
        Status.NOT_STARTED: _("Chưa làm"),
        Status.IN_PROGRESS: _("Đang làm"),
        Status.FINISHED: _("Đã hoàn thành"),
    }[status]


def unit_label(row: UnitRow) -> str:
    """The row's name; the members attached to a unit directly are named as such."""
    return _("Đoàn viên trực thuộc %(name)s", name=row.name) if row.direct else row.name


def children_table(report: UnitReport) -> Table:
    """One line per child unit, then the unit's total."""
    headers = [
        _("Đơn vị"),
        _("Số đoàn viên"),
        _("Đã tham gia"),
        _("Tỉ lệ (%)"),
        _("Chỉ tiêu (%)"),
        _("Còn thiếu để đạt chỉ tiêu"),
        _("Cán bộ đoàn"),
        _("Cán bộ đã tham gia"),
        _("Tỉ lệ cán bộ (%)"),
        _("Đạt yêu cầu"),
        _("Điểm cao nhất trung bình (%)"),
        _("Hoạt động gần nhất"),
    ]
    rows = [_unit_line(unit_label(r), r) for r in report.children]
    rows.append(_unit_line(_("Tổng cộng: %(name)s", name=report.unit.name), report.totals))
    formats = {
        1: INTEGER,
        2: INTEGER,
        3: PERCENT,
        4: PERCENT,
        5: INTEGER,
        6: INTEGER,
        7: INTEGER,
        8: PERCENT,
        9: INTEGER,
        10: PERCENT,
        11: DATETIME,
    }
    return headers, rows, formats


def _unit_line(name: str, r: UnitRow) -> list:
    return [
        name,
        r.members,
        r.took_part,
        _r(r.rate),
        r.target_rate,
        r.gap,
        r.cadres,
        r.cadres_took_part,
        _r(r.cadre_rate),
        r.passed,
        _r(r.avg_best),
        r.last_activity_at,
    ]


def members_table(rows: list[MemberRow]) -> Table:
    """One line per member of a chapter."""
    headers = [
        _("Mã đoàn viên"),
        _("Họ và tên"),
        _("Số điện thoại"),
        _("Cán bộ đoàn"),
        _("Trạng thái"),
        _("Số lượt làm"),
        _("Điểm cao nhất (%)"),
        _("Đạt yêu cầu"),
        _("Lần gần nhất"),
    ]
    lines = [
        [
            r.code,
            r.full_name,
            r.phone or "",
            _("Có") if r.is_cadre else "",
            status_label(r.status),
            r.attempts_started,
            _r(r.best_percent),
            _("Đạt") if r.passed else "",
            r.last_activity_at,
        ]
        for r in rows
    ]
    return headers, lines, {5: INTEGER, 6: PERCENT, 8: DATETIME}


def not_taken_table(rows: list[MemberRow]) -> Table:
    """Members who have not yet taken part: whom to remind."""
    headers = [_("Họ và tên"), _("Số điện thoại"), _("Mã đoàn viên"), _("Trạng thái")]
    lines = [
        [r.full_name, r.phone or "", r.code, status_label(r.status)]
        for r in rows
        if not r.took_part
    ]
    return headers, lines, {}


def breakdowns_table(report: UnitReport) -> Table:
    """Every breakdown group on its own line."""
    headers = [
        _("Phân theo"),
        _("Nhóm"),
        _("Số đoàn viên"),
        _("Đã tham gia"),
        _("Tỉ lệ (%)"),
        _("Còn thiếu để đạt chỉ tiêu"),
    ]
    lines = [
        [b.title, g.label, g.members, g.took_part, _r(g.rate), g.gap]
        for b in report.breakdowns
        for g in b.rows
    ]
    return headers, lines, {2: INTEGER, 3: INTEGER, 4: PERCENT, 5: INTEGER}


def trend_table(trend: Trend) -> Table:
    """Cumulative participation per day."""
    headers = [_("Ngày"), _("Tham gia mới"), _("Luỹ kế đã tham gia"), _("Tỉ lệ luỹ kế (%)")]
    previous, lines = 0, []
    for day, total, rate in zip(trend.days, trend.cumulative, trend.rates):
        lines.append([day, total - previous, total, _r(rate)])
        previous = total
    return headers, lines, {0: DATE, 1: INTEGER, 2: INTEGER, 3: PERCENT}


def overview_table(rows: list[QuizRow]) -> Table:
    """One line per quiz concerning the unit."""
    headers = [
        _("Đợt kiểm tra"),
        _("Mở"),
        _("Đóng"),
        _("Số đoàn viên"),
        _("Đã tham gia"),
        _("Tỉ lệ (%)"),
        _("Chỉ tiêu (%)"),
        _("Hạn chỉ tiêu"),
        _("Còn thiếu để đạt chỉ tiêu"),
    ]
    lines = [
        [
            q.quiz.title,
            q.quiz.opens_at,
            q.quiz.effective_closes_at,
            q.row.members,
            q.row.took_part,
            _r(q.row.rate),
            q.quiz.target_rate,
            q.quiz.target_date,
            q.row.gap,
        ]
        for q in rows
    ]
    return (
        headers,
        lines,
        {
            1: DATETIME,
            2: DATETIME,
            3: INTEGER,
            4: INTEGER,
            5: PERCENT,
            6: PERCENT,
            7: DATE,
            8: INTEGER,
        },
    )


def items_table(analysis: ItemAnalysis) -> Table:
    """One line per question of the item analysis."""
    headers = [
        _("Chủ đề"),
        _("Mã câu hỏi"),
        _("Câu hỏi"),
        _("Số lượt trả lời"),
        _("Độ khó: tỉ lệ đúng (%)"),
        _("Độ phân biệt"),
        _("Cảnh báo"),
    ]
    lines = [
        [
            r.topic,
            r.question_id,
            r.text,
            r.responses,
            _r(r.facility),
            _r(r.discrimination, 2),
            _("Có thể sai đáp án hoặc câu hỏi chưa rõ") if r.flagged else "",
        ]
        for r in analysis.items
    ]
    return headers, lines, {1: INTEGER, 3: INTEGER, 4: PERCENT, 5: DECIMAL}
