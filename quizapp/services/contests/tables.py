"""A round's ranking as a table, for the CLI, the console's downloads and the public page."""

from __future__ import annotations

from flask_babel import gettext as _

from quizapp.services.contests.prizes import Prize, PrizeLine, PrizeList
from quizapp.services.contests.ranking import RankedRow, Ranking
from quizapp.services.contests.units import UnitStanding
from quizapp.services.exports import DATETIME, DECIMAL, INTEGER, PERCENT


def ranking_headers() -> list[str]:
    """Column titles of the full ranking (organisers only: it holds member codes)."""
    return [
        _("Hạng"),
        _("Mã đoàn viên"),
        _("Họ và tên"),
        _("Đơn vị"),
        _("Điểm (%)"),
        _("Dự đoán"),
        _("Chênh lệch dự đoán"),
        _("Thời gian làm bài (giây)"),
        _("Nộp bài lúc"),
    ]


def ranking_line(row: RankedRow) -> list:
    """One ranked member as a row of `ranking_headers`; a tied rank reads "1 (đồng hạng)"."""
    rank = _("%(rank)s (đồng hạng)", rank=row.rank) if row.tied else row.rank
    return [
        rank,
        row.member_code,
        row.name,
        row.unit,
        round(row.percent, 2),
        row.guess,
        row.distance,
        row.seconds,
        row.finished_at,
    ]


RANKING_FORMATS = {4: PERCENT, 5: INTEGER, 6: INTEGER, 7: DECIMAL, 8: DATETIME}


def ranking_table(result: Ranking) -> tuple[list[str], list[list], dict[int, str]]:
    """Headers, rows and XLSX number formats of a ranking."""
    return ranking_headers(), [ranking_line(r) for r in result.rows], RANKING_FORMATS


def prize_names() -> dict[Prize | None, str]:
    """Each prize kind (None: no prize) in the reader's language."""
    return {
        Prize.FIRST: _("Giải nhất"),
        Prize.SECOND: _("Giải nhì"),
        Prize.THIRD: _("Giải ba"),
        Prize.CONSOLATION: _("Giải khuyến khích"),
        None: _("Không giải"),
    }


def prize_text(line: PrizeLine, names: dict[Prize | None, str]) -> str:
    """The prize of a line, or, for a tie the rules leave open, the prizes the organisers decide."""
    if line.unsettled:
        return _(
            "Đồng hạng, cần quyết định: %(prizes)s",
            prizes=" / ".join(names[p] for p in line.candidates),
        )
    return names[line.prize]


def prize_table(prizes: PrizeList) -> tuple[list[str], list[list], dict[int, str]]:
    """The prize list as a table: the prize, then the winner's ranking row (member code included:
    organisers only)."""
    names = prize_names()
    rows = [[prize_text(line, names), *ranking_line(line.row)] for line in prizes.lines]
    return [_("Giải"), *ranking_headers()], rows, {i + 1: f for i, f in RANKING_FORMATS.items()}


def unit_ranking_headers(whole_contest: bool) -> list[str]:
    """Column titles of a unit ranking; over a whole contest participants are summed per round."""
    took = _("Lượt tham gia (cộng các vòng)") if whole_contest else _("Số người tham gia")
    return [
        _("Hạng theo tỉ lệ"),
        _("Hạng theo số người tham gia"),
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Số đoàn viên"),
        took,
        _("Tỉ lệ tham gia (%)"),
    ]


def unit_ranking_table(
    standings: list[UnitStanding], whole_contest: bool
) -> tuple[list[str], list[list], dict[int, str]]:
    """Headers, rows and XLSX number formats of a unit ranking, best rate first."""
    rows = [
        [
            s.rank_by_rate,
            s.rank_by_participants,
            s.code,
            s.name,
            s.members,
            s.participants,
            None if s.rate is None else round(s.rate, 2),
        ]
        for s in standings
    ]
    formats = {0: INTEGER, 1: INTEGER, 4: INTEGER, 5: INTEGER, 6: PERCENT}
    return unit_ranking_headers(whole_contest), rows, formats
