"""Every quiz that concerns a unit, each with the unit's rate and gap: all campaigns at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from quizapp.extensions import db
from quizapp.models import Quiz, QuizStatus, Unit, UnitQuizCounter, UnitRoster
from quizapp.services.reports.units import UnitRow, fill, population_unit


@dataclass
class QuizRow:
    """A quiz and the unit's participation in it."""

    quiz: Quiz
    row: UnitRow
    state: QuizStatus


def quizzes_for(unit: Unit) -> list[Quiz]:
    """Quizzes whose audience overlaps the unit's subtree, newest first."""
    audience = db.aliased(Unit)
    stmt = (
        select(Quiz)
        .join(audience, audience.id == Quiz.audience_unit_id)
        .where(
            or_(
                Quiz.audience_unit_id.in_(unit.ancestor_ids()),
                audience.path.startswith(unit.path, autoescape=True),
            )
        )
        .order_by(Quiz.opens_at.desc(), Quiz.id.desc())
        .options(selectinload(Quiz.audience_unit))
    )
    return list(db.session.scalars(stmt))


def overview(unit: Unit, now: datetime) -> list[QuizRow]:
    """One row per quiz concerning the unit, with the unit's members, took part, rate and gap."""
    quizzes = quizzes_for(unit)
    if not quizzes:
        return []
    populations = {q.id: population_unit(q, unit).id for q in quizzes}
    rosters = {
        r.unit_id: r
        for r in db.session.scalars(
            select(UnitRoster).where(UnitRoster.unit_id.in_(set(populations.values())))
        )
    }
    counters = {
        (c.quiz_id, c.unit_id): c
        for c in db.session.scalars(
            select(UnitQuizCounter).where(
                or_(
                    *(
                        and_(UnitQuizCounter.quiz_id == q, UnitQuizCounter.unit_id == u)
                        for q, u in populations.items()
                    )
                )
            )
        )
    }
    rows = []
    for quiz in quizzes:
        population_id = populations[quiz.id]
        row = fill(
            UnitRow(unit.id, unit.name, unit.kind, quiz.target_rate),
            rosters.get(population_id),
            counters.get((quiz.id, population_id)),
        )
        rows.append(QuizRow(quiz, row, quiz.status(now)))
    return rows
