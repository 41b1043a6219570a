"""A round's prize list, drawn from its ranking.

The prize slots (first, second, third, consolation, in that order) are given to the ranking's
rows best first. Members equal under every rule are one group: a group whose slots hold one
prize kind all receive it; a group that straddles two kinds (or the last prize) is left for the
organiser to settle, listed with the prizes it straddles, never cut silently. A member wins at
most one prize per round (one ranking row each) and, if the contest says so, per contest.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ContestRound
from quizapp.services.contests.ranking import RankedRow, ranking

_PAGE = 500


class Prize(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    CONSOLATION = "consolation"


@dataclass(frozen=True)
class PrizeLine:
    """A ranked member in the prize list: their prize, or the prizes a tie leaves open."""

    row: RankedRow
    prize: Prize | None  # None while `unsettled`
    candidates: tuple[Prize | None, ...] = ()  # for a tie: the prizes (None: no prize) at stake

    @property
    def unsettled(self) -> bool:
        return bool(self.candidates)


@dataclass(frozen=True)
class PrizeList:
    """Who wins what in a round; `provisional` while its ranking is."""

    lines: list[PrizeLine]
    provisional: bool

    @property
    def has_ties(self) -> bool:
        return any(line.unsettled for line in self.lines)


def slots(contest_round: ContestRound) -> list[Prize]:
    """The round's prizes in the order they are given."""
    return (
        [Prize.FIRST] * contest_round.first_prizes
        + [Prize.SECOND] * contest_round.second_prizes
        + [Prize.THIRD] * contest_round.third_prizes
        + [Prize.CONSOLATION] * contest_round.consolation_prizes
    )


def set_prize_counts(
    contest_round: ContestRound, first: int, second: int, third: int, consolation: int
) -> None:
    """Change how many prizes of each kind the round awards (never negative)."""
    if min(first, second, third, consolation) < 0:
        raise ValueError("negative prize count")
    contest_round.first_prizes, contest_round.second_prizes = first, second
    contest_round.third_prizes, contest_round.consolation_prizes = third, consolation
    db.session.flush()


def _groups(contest_round: ContestRound, skip: set[int]):
    """The ranking's tie groups in order (members in `skip` left out), read page by page."""
    contest, quiz = contest_round.contest, contest_round.quiz
    group: list[RankedRow] = []
    offset = 0
    while True:
        page = ranking(quiz, contest, limit=_PAGE, offset=offset)
        for row in page.rows:
            if row.member_id in skip:
                continue
            if group and row.rank != group[0].rank:
                yield group
                group = []
            group.append(row)
        offset += _PAGE
        if offset >= page.total:
            break
    if group:
        yield group


def _earlier_winners(contest_round: ContestRound) -> set[int]:
    """Members holding a settled prize in the contest's earlier rounds."""
    earlier = db.session.scalars(
        select(ContestRound)
        .where(
            ContestRound.contest_id == contest_round.contest_id,
            ContestRound.position < contest_round.position,
        )
        .order_by(ContestRound.position)
    )
    winners: set[int] = set()
    for previous in earlier:
        winners |= {line.row.member_id for line in _draw(previous, winners).lines if line.prize}
    return winners


def _draw(contest_round: ContestRound, skip: set[int]) -> PrizeList:
    prizes = slots(contest_round)
    lines: list[PrizeLine] = []
    taken = 0
    if prizes:
        for group in _groups(contest_round, skip):
            at_stake = [*prizes[taken : taken + len(group)]]
            at_stake += [None] * (len(group) - len(at_stake))
            kinds = tuple(dict.fromkeys(at_stake))
            for row in group:
                if len(kinds) == 1:
                    lines.append(PrizeLine(row, kinds[0]))
                else:
                    lines.append(PrizeLine(row, None, kinds))
            taken += len(group)
            if taken >= len(prizes):
                break
    quiz = contest_round.quiz
    provisional = (
        bool(quiz.prediction_question)
        and contest_round.contest.use_prediction
        and quiz.prediction_answer is None
    )
    return PrizeList(lines=lines, provisional=provisional)


def prize_list(contest_round: ContestRound) -> PrizeList:
    """The round's prize list, best first, ties to settle marked."""
    skip = _earlier_winners(contest_round) if contest_round.contest.one_prize_per_contest else set()
    return _draw(contest_round, skip)
