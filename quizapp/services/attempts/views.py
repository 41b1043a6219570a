"""Read models for the member pages: quiz cards, question screens, review, history.

The answer key appears only in `review()` rows, which exist only for a finished attempt
whose quiz's review policy allows it at `now` (DESIGN.md invariant 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    ContestRound,
    Member,
    Question,
    QuestionType,
    Quiz,
    QuizStatus,
    ReviewPolicy,
)
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.attempts import snapshot


@dataclass
class QuizCard:
    """One quiz on the member's home page, with where the member stands."""

    quiz: Quiz
    status: str  # upcoming | open | in_progress | finished | closed
    attempt: Attempt | None  # the attempt in progress, or the latest finished one
    seconds_left: int
    attempts_used: int
    attempts_allowed: int | None
    best_percent: float | None
    passed: bool
    can_start: bool
    results: ContestRound | None = (
        None  # the contest round this quiz is, once its results are published
    )


def quiz_cards(member: Member, now: datetime) -> list[QuizCard]:
    """The quizzes whose audience covers the member, running ones first, then open, upcoming, closed."""
    cards = []
    mine = list(
        db.session.scalars(
            select(Attempt).where(Attempt.member_id == member.id).order_by(Attempt.number)
        )
    )
    quizzes = attempts.quizzes_for_unit(member.chapter)
    published = {
        r.quiz_id: r
        for r in db.session.scalars(
            select(ContestRound).where(
                ContestRound.quiz_id.in_([q.id for q in quizzes]),
                ContestRound.results_published_at.is_not(None),
            )
        )
    }
    for quiz in quizzes:
        own = [a for a in mine if a.quiz_id == quiz.id]
        running = next((a for a in own if attempts.accepts_answers(a, now)), None)
        finished = [a for a in own if a.is_finished]
        allowed = attempts.attempts_allowed_for(quiz, member)
        left = allowed is None or len(own) < allowed
        overdue = any(attempts.is_overdue(a, now) for a in own)
        window = quiz.status(now)
        if running is not None:
            status = "in_progress"
        elif window == QuizStatus.SCHEDULED:
            status = "upcoming"
        elif window != QuizStatus.OPEN:
            status = "closed"
        elif finished or overdue:
            status = "finished"
        else:
            status = "open"
        best = max((a.percent for a in finished if a.percent is not None), default=None)
        cards.append(
            QuizCard(
                quiz=quiz,
                status=status,
                attempt=running or (own[-1] if own else None),
                seconds_left=attempts.seconds_left(running, now) if running else 0,
                attempts_used=len(own),
                attempts_allowed=allowed,
                best_percent=best,
                passed=any(a.passed for a in finished),
                can_start=running is None and window == QuizStatus.OPEN and left and member.active,
                results=published.get(quiz.id),
            )
        )
    order = {"in_progress": 0, "open": 1, "finished": 2, "upcoming": 3, "closed": 4}
    return sorted(cards, key=lambda c: order[c.status])


@dataclass
class Screen:
    """One question as the member sees it: options in the attempt's order, their saved answer."""

    position: int
    question: Question
    options: list[tuple[int, str]]  # (original index, text) in display order
    answer: Any
    flagged: bool
    seq: int

    @property
    def answered(self) -> bool:
        return self.answer is not None


def screens(attempt: Attempt) -> list[Screen]:
    """Every question of the attempt in order, with what the server has saved for it."""
    saved = snapshot.responses_of(attempt)
    result = []
    for item in snapshot.items_of(attempt):
        q = item.question
        order = item.option_order or list(range(len(q.options or [])))
        r = saved.get(item.question_id)
        result.append(
            Screen(
                position=item.position,
                question=q,
                options=[(i, q.options[i]) for i in order],
                answer=r.answer if r else None,
                flagged=bool(r and r.flagged),
                seq=r.seq if r else 0,
            )
        )
    return result


def resume_position(attempt: Attempt, screens: list[Screen]) -> int:
    """Where "Làm tiếp" reopens: the question the member was last on, else the first unanswered."""
    if attempt.position and any(s.position == attempt.position for s in screens):
        return attempt.position
    for s in screens:
        if s.answer is None or s.answer == [] or s.answer == "":
            return s.position
    return screens[0].position if screens else 1


def saved_state(attempt: Attempt) -> dict[str, dict]:
    """What the server holds per question id (for resuming on another device)."""
    return {
        str(qid): {"answer": r.answer, "seq": r.seq, "flagged": r.flagged}
        for qid, r in snapshot.responses_of(attempt).items()
    }


def review_level(attempt: Attempt, now: datetime) -> str | None:
    """What the member may see of a finished attempt: score | answers | explanations (None: nothing)."""
    if not attempt.is_finished:
        return None
    quiz = attempt.quiz
    policy = quiz.review_policy
    if policy == ReviewPolicy.SCORE_ONLY:
        return "score"
    if policy == ReviewPolicy.AFTER_CLOSE and now < quiz.effective_closes_at:
        return "score"
    if may_try_again(attempt, now):
        # The key would help the next attempt: it waits until no attempt is left or the quiz closes.
        return "score_until_done"
    return "answers" if policy == ReviewPolicy.CORRECT_ANSWERS else "explanations"


def may_try_again(attempt: Attempt, now: datetime) -> bool:
    """True while the quiz is open and the member has another attempt to start."""
    quiz, member = attempt.quiz, attempt.member
    if not quiz.is_open(now):
        return False
    allowed = attempts.attempts_allowed_for(quiz, member)
    return allowed is None or attempts.attempt_count(quiz, member) < allowed


@dataclass
class ReviewRow:
    """One reviewed question: the member's answer beside the key, its score and explanation."""

    position: int
    question: Question
    options: list[tuple[int, str, bool, bool]]  # (index, text, is key, picked)
    given: str
    expected: str
    score: float
    points: float
    explanation: str
    source: str

    @property
    def verdict(self) -> str:
        if self.score >= self.points:
            return "right"
        return "partial" if self.score > 0 else "wrong"


def _text_of(question: Question, answer: Any) -> str:
    if answer is None:
        return ""
    if question.qtype in (QuestionType.SHORT, QuestionType.NUMERIC):
        return str(answer)
    picked = answer if isinstance(answer, list) else [answer]
    return "; ".join(question.options[i] for i in picked if 0 <= i < len(question.options))


def _expected(question: Question) -> str:
    key = question.answer or {}
    if question.qtype == QuestionType.SHORT:
        return " / ".join(str(a) for a in key.get("accepted", []))
    if question.qtype == QuestionType.NUMERIC:
        if "min" in key or "max" in key:
            return f"{key.get('min', '')} – {key.get('max', '')}"
        tolerance = key.get("tolerance") or 0
        return f"{key.get('value')}" + (f" ± {tolerance}" if tolerance else "")
    return _text_of(question, key.get("correct", []))


def review(attempt: Attempt, now: datetime) -> tuple[str | None, list[ReviewRow]]:
    """The review level and, when it shows answers, one row per question."""
    level = review_level(attempt, now)
    if level not in ("answers", "explanations"):
        return level, []
    keys = snapshot.keys_for_attempt(attempt) or {}
    saved = snapshot.responses_of(attempt)
    rows = []
    for item in snapshot.items_of(attempt):
        shown = item.question
        key = keys.get(shown.uid, shown)
        answer = saved[item.question_id].answer if item.question_id in saved else None
        picked = (
            set(answer if isinstance(answer, list) else [answer]) if answer is not None else set()
        )
        correct = set((key.answer or {}).get("correct", []))
        order = item.option_order or list(range(len(shown.options or [])))
        rows.append(
            ReviewRow(
                position=item.position,
                question=shown,
                options=[(i, shown.options[i], i in correct, i in picked) for i in order],
                given=_text_of(shown, answer),
                expected=_expected(key),
                score=item.score if item.score is not None else 0.0,
                points=key.points or 0.0,
                explanation=key.explanation if level == "explanations" else "",
                source=key.source if level == "explanations" else "",
            )
        )
    return level, rows


def history(member: Member) -> list[Attempt]:
    """The member's attempts, newest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.member_id == member.id)
            .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        )
    )


def unanswered(attempt: Attempt) -> tuple[list[int], list[int]]:
    """Positions of unanswered and of flagged questions."""
    empty, flagged = [], []
    for screen in screens(attempt):
        if not screen.answered:
            empty.append(screen.position)
        if screen.flagged:
            flagged.append(screen.position)
    return empty, flagged


def time_taken_seconds(attempt: Attempt) -> int | None:
    """Seconds from start to finish of a finished attempt."""
    if attempt.finished_at is None:
        return None
    return max(0, int((attempt.finished_at - attempt.started_at).total_seconds()))


def may_retake(attempt: Attempt, now: datetime) -> bool:
    """True when the member may start another attempt of this quiz now."""
    quiz, member = attempt.quiz, attempt.member
    allowed = attempts.attempts_allowed_for(quiz, member)
    return (
        quiz.is_open(now)
        and attempts.current_attempt(quiz, member) is None
        and (allowed is None or attempts.attempt_count(quiz, member) < allowed)
    )
