"""Creating contests and attaching quizzes to them as rounds."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Contest, ContestRound, Quiz, Unit
from quizapp.services.reports import rank_keys


class ContestError(ValueError):
    """A contest or round that cannot be saved; the message says why (Vietnamese)."""


def create_contest(
    title: str,
    audience: Unit,
    now: datetime,
    *,
    use_prediction: bool = True,
    use_time: bool = True,
    one_prize_per_contest: bool = False,
) -> Contest:
    """A new contest over `audience`'s subtree."""
    title = (title or "").strip()
    if not title:
        raise ContestError(_("Cuộc thi cần có tên."))
    contest = Contest(
        title=title[:255],
        audience_unit=audience,
        use_prediction=use_prediction,
        use_time=use_time,
        one_prize_per_contest=one_prize_per_contest,
        created_at=now,
    )
    db.session.add(contest)
    db.session.flush()
    return contest


def refusal(contest: Contest, quiz: Quiz) -> str | None:
    """Why `quiz` cannot become a round of `contest` (in the user's language), or None."""
    if quiz.audience_unit_id != contest.audience_unit_id:
        return _(
            "Đợt kiểm tra «%(quiz)s» dành cho %(unit)s: vòng thi phải có cùng đơn vị dự thi với cuộc thi "
            "(%(audience)s).",
            quiz=quiz.title,
            unit=quiz.audience_unit.name,
            audience=contest.audience_unit.name,
        )
    taken = round_of(quiz)
    if taken is not None:
        return _(
            "Đợt kiểm tra «%(quiz)s» đã là %(round)s của cuộc thi «%(contest)s»: mỗi đợt kiểm tra chỉ "
            "thuộc một cuộc thi.",
            quiz=quiz.title,
            round=taken.label,
            contest=taken.contest.title,
        )
    return None


def next_position(contest: Contest) -> int:
    """The position the contest's next round takes."""
    return (
        db.session.scalar(
            select(func.max(ContestRound.position)).where(ContestRound.contest_id == contest.id)
        )
        or 0
    ) + 1


def default_label(contest: Contest) -> str:
    """The next round's name: the last round's numbered name counted on ("Tuần 3" → "Tuần 4"),
    else "Vòng N"."""
    position = next_position(contest)
    last = contest.rounds[-1].label if contest.rounds else ""
    numbered = re.fullmatch(r"(\D*\S)\s+(\d+)", last.strip())
    if numbered:
        return f"{numbered.group(1)} {int(numbered.group(2)) + 1}"
    return f"Vòng {position}"


def add_round(
    contest: Contest,
    quiz: Quiz,
    label: str | None = None,
    *,
    first: int = 0,
    second: int = 0,
    third: int = 0,
    consolation: int = 0,
) -> ContestRound:
    """Attach `quiz` as the next round; it must share the contest's audience and be in no contest."""
    reason = refusal(contest, quiz)
    if reason:
        raise ContestError(reason)
    if min(first, second, third, consolation) < 0:
        raise ContestError(_("Số giải không được âm."))
    label = (label or "").strip() or default_label(contest)
    row = ContestRound(
        contest=contest,
        quiz=quiz,
        position=next_position(contest),
        label=label[:120],
        first_prizes=first,
        second_prizes=second,
        third_prizes=third,
        consolation_prizes=consolation,
    )
    db.session.add(row)
    db.session.flush()
    rank_keys.refresh_quiz(quiz)  # the round's rules pick the counted attempts now
    return row


def remove_round(row: ContestRound) -> None:
    """Detach a round whose results were never published (the quiz itself stays). Later rounds
    move up a place, unless one of them is published: its public address keeps its number."""
    if row.results_published_at is not None:
        raise ContestError(
            _(
                "Vòng «%(round)s» đã công bố kết quả: hãy thôi công bố trước khi gỡ vòng này.",
                round=row.label,
            )
        )
    contest, quiz = row.contest, row.quiz
    later = [r for r in contest.rounds if r.position > row.position]
    contest.rounds.remove(row)
    db.session.flush()
    rank_keys.refresh_quiz(
        quiz
    )  # no longer a round: the contest's rules no longer pick its attempts
    if any(r.results_published_at is not None for r in later):
        return
    for r in later:  # one at a time: (contest, position) is unique at every step
        r.position -= 1
        db.session.flush()


def eligible_quizzes(contest: Contest) -> list[Quiz]:
    """Quizzes that may become the contest's next round: its audience, in no contest; newest first."""
    taken = select(ContestRound.quiz_id)
    return list(
        db.session.scalars(
            select(Quiz)
            .where(Quiz.audience_unit_id == contest.audience_unit_id, Quiz.id.not_in(taken))
            .order_by(Quiz.opens_at.desc(), Quiz.id.desc())
        )
    )


def round_of(quiz: Quiz) -> ContestRound | None:
    """The contest round `quiz` is, if any."""
    return db.session.scalar(select(ContestRound).where(ContestRound.quiz_id == quiz.id))


def contests(audience_filter=None) -> list[Contest]:
    """Every contest (or those whose audience unit meets `audience_filter`), newest first."""
    stmt = select(Contest).order_by(Contest.id.desc())
    if audience_filter is not None:
        stmt = stmt.join(Unit, Unit.id == Contest.audience_unit_id).where(audience_filter)
    return list(db.session.scalars(stmt))


def set_rules(
    contest: Contest, *, use_prediction: bool, use_time: bool, one_prize_per_contest: bool
) -> None:
    """Change the contest's tie-break rules and its one-prize-per-contest rule."""
    contest.use_prediction, contest.use_time = use_prediction, use_time
    contest.one_prize_per_contest = one_prize_per_contest
    db.session.flush()
    for row in contest.rounds:  # the rules pick each round's counted attempts
        rank_keys.refresh_quiz(row.quiz)


def quiz_ids(contest: Contest) -> list[int]:
    """The contest's rounds' quizzes, in round order."""
    return [r.quiz_id for r in contest.rounds]


def contests_concerning(unit: Unit) -> list[Contest]:
    """Contests whose audience holds the unit or lies inside it, newest first."""
    return [
        c for c in contests() if unit.is_within(c.audience_unit) or c.audience_unit.is_within(unit)
    ]
