"""A round's ranking as a table, for the CLI, the console's downloads and the public page."""
from __future__ import annotations

from flask_babel import gettext as _

from quizapp.services.contests.ranking import RankedRow, Ranking
from quizapp.services.exports import DATETIME, DECIMAL, INTEGER, PERCENT


def ranking_headers() -> list[str]:
    """Column titles of the full ranking (organisers only: it holds member codes)."""
    return [_("Hạng"), _("Mã đoàn viên"), _("Họ và tên"), _("Đơn vị"), _("Điểm (%)"),
            _("Dự đoán"), _("Chênh lệch dự đoán"), _("Thời gian làm bài (giây)"), _("Nộp bài lúc")]


def ranking_line(row: RankedRow) -> list:
    """One ranked member as a row of `ranking_headers`; a tied rank reads "1 (đồng hạng)"."""
    rank = _("%(rank)s (đồng hạng)", rank=row.rank) if row.tied else row.rank
    return [rank, row.member_code, row.name, row.unit, round(row.percent, 2), row.guess,
            row.distance, row.seconds, row.finished_at]


def ranking_table(result: Ranking) -> tuple[list[str], list[list], dict[int, str]]:
    """Headers, rows and XLSX number formats of a ranking."""
    formats = {4: PERCENT, 5: INTEGER, 6: INTEGER, 7: DECIMAL, 8: DATETIME}
    return ranking_headers(), [ranking_line(r) for r in result.rows], formats
