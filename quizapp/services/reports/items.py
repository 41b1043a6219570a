"""Item analysis on first attempts: facility (% correct) and discrimination per question and topic.

Discrimination compares the upper and lower 27 % of first attempts ranked by total
score: the mean item score (as a fraction of its points) in the upper group minus
that in the lower group. Questions are drawn per attempt, so each question is
measured on the attempts that received it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.markup import plain_text
from quizapp.models import Attempt, AttemptItem, AttemptState, Member, Question, Quiz, Topic, Unit
from quizapp.services.reports.units import population_unit

GROUP_SHARE = 0.27
LOW_FACILITY = 30.0  # percent


def question_href(question_id: int) -> str:
    """Where the organiser console shows a question."""
    return f"/org/questions/{question_id}"


@dataclass
class ItemRow:
    """One question's statistics."""

    question_id: int
    position: int
    text: str
    topic_id: int | None
    topic: str
    responses: int
    facility: float | None  # percent of the points obtained, 0–100
    discrimination: float | None  # −1 … 1
    upper: int = 0
    lower: int = 0

    @property
    def flagged(self) -> bool:
        """Likely a wrong key or unclear wording."""
        low = self.facility is not None and self.facility < LOW_FACILITY
        negative = self.discrimination is not None and self.discrimination < 0
        return low or negative

    @property
    def href(self) -> str:
        return question_href(self.question_id)


@dataclass
class TopicRow:
    """One topic: its questions' pooled facility."""

    topic_id: int | None
    title: str
    questions: int
    responses: int
    facility: float | None
    flagged: int


@dataclass
class ItemAnalysis:
    """The analysis of one quiz for one unit's subtree."""

    attempts: int
    group_size: int
    items: list[ItemRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)


def _first_attempts(quiz: Quiz, unit: Unit):
    population = population_unit(quiz, unit)
    if population is None:
        return None
    return (
        select(Attempt.id)
        .join(Member, Member.id == Attempt.member_id)
        .join(Unit, Unit.id == Member.chapter_id)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.number == 1,
            Attempt.state != AttemptState.IN_PROGRESS,
            population.subtree_filter(),
        )
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def item_analysis(quiz: Quiz, unit: Unit) -> ItemAnalysis:
    """Facility and discrimination of every question met in the subtree's finished first attempts."""
    first = _first_attempts(quiz, unit)
    if first is None:
        return ItemAnalysis(0, 0)
    scores = dict(
        db.session.execute(select(Attempt.id, Attempt.percent).where(Attempt.id.in_(first))).all()
    )
    ranked = sorted(scores, key=lambda a: (scores[a] or 0.0, a))
    k = round(GROUP_SHARE * len(ranked)) if len(ranked) >= 2 else 0
    lower = set(ranked[:k])
    upper = set(ranked[len(ranked) - k :]) if k else set()
    per_question: dict[int, list[tuple[int, float]]] = defaultdict(list)
    items = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.score).where(
            AttemptItem.attempt_id.in_(first)
        )
    )
    for attempt_id, question_id, score in items:
        if score is not None:
            per_question[question_id].append((attempt_id, score))
    questions = {
        q.id: q
        for q in db.session.scalars(select(Question).where(Question.id.in_(list(per_question))))
    }
    topics = {
        t.id: t
        for t in db.session.scalars(
            select(Topic).where(Topic.id.in_({q.topic_id for q in questions.values()}))
        )
    }
    rows = []
    for question_id, answers in per_question.items():
        q = questions[question_id]
        points = q.points or 1.0
        fractions = {a: s / points for a, s in answers}
        up = [f for a, f in fractions.items() if a in upper]
        low = [f for a, f in fractions.items() if a in lower]
        facility = _mean(list(fractions.values()))
        discrimination = _mean(up) - _mean(low) if up and low else None
        topic = topics.get(q.topic_id)
        rows.append(
            ItemRow(
                question_id,
                q.position,
                (q.title or plain_text(q.stem))[:160],
                q.topic_id,
                topic.title if topic else "",
                len(fractions),
                facility * 100 if facility is not None else None,
                discrimination,
                len(up),
                len(low),
            )
        )
    rows.sort(
        key=lambda r: (
            (topics[r.topic_id].position if r.topic_id in topics else 0),
            r.position,
            r.question_id,
        )
    )
    return ItemAnalysis(len(ranked), k, rows, _topics(rows, topics, per_question, questions))


def _topics(
    rows: list[ItemRow], topics: dict, per_question: dict, questions: dict
) -> list[TopicRow]:
    grouped: dict[int | None, list[ItemRow]] = defaultdict(list)
    for row in rows:
        grouped[row.topic_id].append(row)
    result = []
    for topic_id, members in grouped.items():
        fractions = [
            s / (questions[r.question_id].points or 1.0)
            for r in members
            for _, s in per_question[r.question_id]
        ]
        facility = _mean(fractions)
        topic = topics.get(topic_id)
        result.append(
            TopicRow(
                topic_id,
                topic.title if topic else "",
                len(members),
                len(fractions),
                facility * 100 if facility is not None else None,
                sum(1 for r in members if r.flagged),
            )
        )
    result.sort(key=lambda t: topics[t.topic_id].position if t.topic_id in topics else 0)
    return result
