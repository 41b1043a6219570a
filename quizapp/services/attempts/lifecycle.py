"""The attempt lifecycle: start (snapshot), save answers, submit, finalise exactly once, sweep.

Invariants (DESIGN.md, "Attempt lifecycle"): the server owns time; an acknowledged answer
is committed before the reply and the newest client sequence number per question wins;
answers after deadline + grace are refused; an overdue attempt is finalised with its saved
answers and finished_at = deadline by whoever notices first; finalisation happens once,
guarded by a conditional UPDATE ... WHERE state = 'in_progress'.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    Insert,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from quizapp import db_upsert
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Member,
    Question,
    QuestionType,
    Quiz,
    QuizAllowance,
    QuizStatus,
    Response,
    Topic,
    Unit,
)
from quizapp.services.attempts import bank_cache, certificates, grading, snapshot
from quizapp.services.reports import participation
from quizapp.services.reports.units import population_unit


class AttemptError(Exception):
    """A refused action; `code` is stable for clients, `message` is for the member (Vietnamese)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def grace_seconds(grace: int | None = None) -> int:
    """The grace after the deadline during which answers in flight are still accepted."""
    return int(current_app.config.get("ANSWER_GRACE_SECONDS", 60)) if grace is None else grace


def allowance_for(quiz: Quiz, member: Member) -> QuizAllowance | None:
    """The member's extra time and attempts on this quiz, if any."""
    return db.session.scalar(
        select(QuizAllowance).where(
            QuizAllowance.quiz_id == quiz.id, QuizAllowance.member_id == member.id
        )
    )


def deadline_for(quiz: Quiz, started_at: datetime, extra_seconds: int = 0) -> datetime:
    """min(start + limit + extra time, the quiz's (early) close)."""
    return min(
        started_at + timedelta(seconds=quiz.time_limit_seconds + extra_seconds),
        quiz.effective_closes_at,
    )


def attempts_allowed_for(quiz: Quiz, member: Member) -> int | None:
    """The member's number of attempts (None: unlimited), extra attempts included."""
    if quiz.attempts_allowed is None:
        return None
    allowance = allowance_for(quiz, member)
    return quiz.attempts_allowed + (allowance.extra_attempts if allowance else 0)


def in_audience(quiz: Quiz, member: Member) -> bool:
    """True when the member is active and belongs to the quiz's audience subtree."""
    return member.active and member.chapter.is_within(quiz.audience_unit)


def quizzes_for_unit(unit: Unit) -> list[Quiz]:
    """Quizzes whose audience covers `unit` (set on the unit or one of its ancestors), newest first."""
    return list(
        db.session.scalars(
            select(Quiz)
            .where(Quiz.audience_unit_id.in_(unit.ancestor_ids()))
            .order_by(Quiz.opens_at.desc(), Quiz.id)
        )
    )


def attempt_count(quiz: Quiz, member: Member) -> int:
    """Attempts the member has started on this quiz."""
    return db.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.quiz_id == quiz.id, Attempt.member_id == member.id
        )
    )


def current_attempt(quiz: Quiz, member: Member) -> Attempt | None:
    """The member's attempt in progress on this quiz, if any."""
    return db.session.scalar(
        select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.member_id == member.id,
            Attempt.state == AttemptState.IN_PROGRESS,
        )
        .order_by(Attempt.number.desc())
        .limit(1)
    )


def version_questions(version_id: int) -> list[Question]:
    """Every question of a bank version in bank order (topic, then position)."""
    return list(
        db.session.scalars(
            select(Question)
            .join(Topic, Question.topic_id == Topic.id)
            .where(Question.version_id == version_id)
            .order_by(Topic.position, Question.position, Question.id)
        )
    )


def _topic_title(question: Question | bank_cache.CachedQuestion) -> str:
    if isinstance(question, bank_cache.CachedQuestion):
        return question.topic
    return question.topic.title


def draw_questions(
    quiz: Quiz, rng: random.Random, pool: list[Question] | None = None
) -> list[Question]:
    """The questions of one attempt, by the quiz's draw rules, in the order they are shown.

    `pool` is the version's questions when the caller already holds them (bulk callers, and
    the start, from `bank_cache`); the same rng gives the same draw from either.
    """
    questions = list(pool) if pool is not None else version_questions(quiz.bank_version_id)
    rules = quiz.draw_rules
    if rules and "total" in rules:
        chosen = {id(q) for q in rng.sample(questions, rules["total"])}
        questions = [q for q in questions if id(q) in chosen]
    elif rules and "per_topic" in rules:
        by_topic: dict[str, list[Question]] = {}
        for q in questions:
            by_topic.setdefault(_topic_title(q), []).append(q)
        wanted = rules["per_topic"]
        if isinstance(wanted, int):
            wanted = dict.fromkeys(by_topic, wanted)
        chosen = set()
        for title, pool in by_topic.items():
            chosen.update(id(q) for q in rng.sample(pool, wanted.get(title, 0)))
        questions = [q for q in questions if id(q) in chosen]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


def option_order(question: Question, quiz: Quiz, rng: random.Random) -> list[int]:
    order = list(range(len(question.options or [])))
    # Đúng/Sai keeps its order: shuffling it only confuses.
    if quiz.shuffle_options and question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        rng.shuffle(order)
    return order


def start_attempt(quiz: Quiz, member: Member, now: datetime, seed: int | None = None) -> Attempt:
    """The member's attempt in progress, or a new one with its questions snapshotted.

    Raises AttemptError when the member is outside the audience, the window is closed or
    no attempt is left. Two concurrent starts yield one attempt (unique attempt number).
    """
    if not in_audience(quiz, member):
        raise AttemptError("not_in_audience", _("Đợt kiểm tra này không dành cho đơn vị của bạn."))
    # Starts of one member take turns (PostgreSQL row lock; SQLite serialises writers), so a
    # second tab sees the first tab's attempt instead of starting attempt number 2 beside it.
    db.session.execute(
        select(Member.id).where(Member.id == member.id).with_for_update(key_share=True)
    )
    existing = current_attempt(quiz, member)
    if existing is not None and finalise_overdue(existing, now) == 0:
        return existing
    window = quiz.status(now)
    if window == QuizStatus.SCHEDULED:
        raise AttemptError("not_open", _("Đợt kiểm tra chưa mở."))
    if window != QuizStatus.OPEN:
        raise AttemptError("closed", _("Đợt kiểm tra đã đóng."))
    allowance = allowance_for(quiz, member)
    allowed = (
        None
        if quiz.attempts_allowed is None
        else (quiz.attempts_allowed + (allowance.extra_attempts if allowance else 0))
    )
    number = attempt_count(quiz, member) + 1
    if allowed is not None and number > allowed:
        raise AttemptError(
            "no_attempts_left", _("Bạn đã dùng hết số lượt làm bài của đợt kiểm tra này.")
        )
    rng = random.Random(secrets.randbits(64) if seed is None else seed)
    # Drawn from the worker's copy of the bank version (never changes): no question rows read.
    items = [
        {
            "position": position,
            "question_id": question.id,
            "option_order": option_order(question, quiz, rng),
        }
        for position, question in enumerate(
            draw_questions(quiz, rng, bank_cache.version(quiz.bank_version_id)), start=1
        )
    ]
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=number,
        state=AttemptState.IN_PROGRESS,
        started_at=now,
        deadline=deadline_for(quiz, now, allowance.extra_seconds if allowance else 0),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another tab or worker started the same attempt number a moment ago: use theirs.
        other = current_attempt(quiz, member)
        if other is None:
            raise AttemptError("busy", _("Máy chủ đang bận, vui lòng thử lại.")) from None
        return other
    if items:
        # The snapshot in one INSERT executed for every row (compiled once per worker and cached,
        # where a multi-row VALUES would be compiled anew each start); attempt.items loads it when read.
        db.session.execute(
            insert(AttemptItem.__table__), [{**i, "attempt_id": attempt.id} for i in items]
        )
    participation.record_start(attempt, now)
    return attempt


def accepts_answers(attempt: Attempt, now: datetime, grace: int | None = None) -> bool:
    """True while the attempt is in progress and now is before deadline + grace."""
    return attempt.state == AttemptState.IN_PROGRESS and now <= attempt.deadline + timedelta(
        seconds=grace_seconds(grace)
    )


def is_overdue(attempt: Attempt, now: datetime, grace: int | None = None) -> bool:
    """True when the attempt is in progress past deadline + grace (to be finalised)."""
    return attempt.state == AttemptState.IN_PROGRESS and not accepts_answers(attempt, now, grace)


@dataclass(frozen=True)
class SaveResult:
    """What the server keeps for the question after a save: its answer and sequence number."""

    question_id: int
    stored_seq: int
    accepted: bool  # False when another answer is stored (a newer seq, or another tab's same seq)


def _lock_in_progress(attempt: Attempt, now: datetime, grace: int | None) -> None:
    """Share-lock the attempt row and check it still takes answers (finalising it if overdue).

    The share lock makes a concurrent finalisation wait until this save is committed,
    so every answer acknowledged before finalisation is graded, and none lands after it.
    """
    state, deadline = db.session.execute(
        select(Attempt.state, Attempt.deadline)
        .where(Attempt.id == attempt.id)
        .with_for_update(read=True)
    ).one()
    if state != AttemptState.IN_PROGRESS:
        raise AttemptError("finished", _("Bài làm đã nộp; câu trả lời này không được lưu nữa."))
    if now > deadline + timedelta(seconds=grace_seconds(grace)):
        finalise(attempt, now, overdue=True)
        raise AttemptError(
            "too_late", _("Đã hết giờ làm bài; câu trả lời gửi sau khi hết giờ không được tính.")
        )


def _item_question(attempt: Attempt, question_id: int) -> Question:
    question = db.session.scalar(
        select(Question)
        .join(AttemptItem, AttemptItem.question_id == Question.id)
        .where(AttemptItem.attempt_id == attempt.id, Question.id == question_id)
    )
    if question is None:
        raise AttemptError("bad_question", _("Câu hỏi này không thuộc bài làm của bạn."))
    return question


def save_answer(
    attempt: Attempt,
    question_id: int,
    raw_answer: Any,
    seq: int,
    flagged: bool,
    now: datetime,
    grace: int | None = None,
) -> SaveResult:
    """Keep the answer unless a newer one (higher seq) is stored; idempotent for retries."""
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**31:
        raise AttemptError("bad_seq", _("Số thứ tự lưu không hợp lệ."))
    question = _item_question(attempt, question_id)
    try:
        answer = grading.clean_answer(question, raw_answer)
    except grading.AnswerError:
        raise AttemptError("bad_answer", _("Câu trả lời không hợp lệ cho câu hỏi này.")) from None
    _lock_in_progress(attempt, now, grace)
    table = Response.__table__
    stmt = db_upsert.insert(table).values(
        attempt_id=attempt.id,
        question_id=question_id,
        answer=answer,
        flagged=bool(flagged),
        seq=seq,
        saved_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={
            "answer": stmt.excluded.answer,
            "flagged": stmt.excluded.flagged,
            "seq": stmt.excluded.seq,
            "saved_at": stmt.excluded.saved_at,
        },
        where=table.c.seq < stmt.excluded.seq,
    ).returning(table.c.seq)
    stored = db.session.execute(stmt).scalar()
    if stored is not None:
        return SaveResult(question_id, stored, True)
    current = db.session.execute(
        select(Response.seq, Response.answer, Response.flagged).where(
            Response.attempt_id == attempt.id, Response.question_id == question_id
        )
    ).one()
    # The same seq with the same content is a retry of this save; anything else was written elsewhere.
    return SaveResult(
        question_id,
        current.seq,
        (current.seq, current.answer, current.flagged) == (seq, answer, bool(flagged)),
    )


def set_position(attempt: Attempt, position: Any) -> int:
    """Remember the question the member is on (a position of this attempt) for resuming."""
    if (
        not isinstance(position, int)
        or isinstance(position, bool)
        or not 1 <= position <= len(attempt.items)
    ):
        raise AttemptError("bad_position", _("Không có câu hỏi ở vị trí này."))
    if attempt.is_finished:
        raise AttemptError("finished", _("Bài làm đã nộp; câu trả lời này không được lưu nữa."))
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(position=position)
        .execution_options(synchronize_session=False)
    )
    attempt.position = position
    return position


@dataclass(frozen=True)
class QuickSave:
    """What the autosave's reply needs: the stored answer's sequence number and the deadline."""

    question_id: int
    stored_seq: int
    accepted: bool
    deadline: datetime


_QUICK_SAVE: dict[str, Insert] = {}


def _quick_save_statement(dialect: str) -> Insert:
    """INSERT … SELECT … ON CONFLICT: the whole autosave as one statement, built once per dialect.

    The SELECT yields the new row only when the attempt is the member's, in progress, not past
    deadline + grace (`cutoff`), and has the question among its items; on PostgreSQL it
    share-locks the attempt row (FOR SHARE), so a finalisation running at the same moment
    waits for this save's commit (and grades it) or has already committed (and the re-checked
    state refuses it). SQLite has one writer at a time (BEGIN IMMEDIATE): the same guarantee.
    On a conflict every column keeps the stored value unless this seq is newer, so the row
    always comes back (RETURNING): a stale or repeated save answers without a second read.
    """
    stmt = _QUICK_SAVE.get(dialect)
    if stmt is not None:
        return stmt
    a, item, r = Attempt.__table__, AttemptItem.__table__, Response.__table__

    def param(name, type_):
        # PostgreSQL cannot infer a parameter's type in a SELECT list; SQLite must not CAST (JSON).
        bound = bindparam(name, type_=type_)
        return cast(bound, type_) if dialect == "postgresql" else bound

    question = bindparam("question_id", type_=Integer)
    rows = select(
        a.c.id,
        param("question_id", Integer),
        param("answer", r.c.answer.type),
        param("flagged", r.c.flagged.type),
        param("seq", Integer),
        param("now", r.c.saved_at.type),
    ).where(
        a.c.id == bindparam("attempt_id", type_=Integer),
        a.c.member_id == bindparam("member_id", type_=Integer),
        a.c.state == AttemptState.IN_PROGRESS.value,
        a.c.deadline >= bindparam("cutoff", type_=a.c.deadline.type),
        exists().where(item.c.attempt_id == a.c.id, item.c.question_id == question),
    )
    if dialect == "postgresql":
        rows = rows.with_for_update(read=True, of=a)
    stmt = db_upsert.insert_for(dialect, r).from_select(
        ["attempt_id", "question_id", "answer", "flagged", "seq", "saved_at"], rows
    )
    newer = r.c.seq < stmt.excluded.seq
    stmt = stmt.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={
            c: case((newer, stmt.excluded[c]), else_=r.c[c])
            for c in ("answer", "flagged", "seq", "saved_at")
        },
    ).returning(
        r.c.seq,
        r.c.answer,
        r.c.flagged,
        # Written out: SQLAlchemy does not correlate a subquery of RETURNING with its table.
        literal_column(
            "(SELECT a.deadline FROM attempt AS a WHERE a.id = response.attempt_id)",
            a.c.deadline.type,
        ),
    )
    _QUICK_SAVE[dialect] = stmt
    return stmt


def quick_save_answer(
    member_id: int,
    attempt_id: int,
    question_id: int,
    raw_answer: Any,
    seq: Any,
    flagged: bool,
    now: datetime,
    grace: int | None = None,
) -> QuickSave | None:
    """The autosave of `save_answer` in one statement, for the member's own attempt (the rule of
    `policy.owned_attempt`), no ORM object built. The answer is checked against the cached
    question (bank versions never change).

    None when the save is not written (not the member's attempt, finished, too late, not one of
    its questions, a bad seq or answer): the caller then runs `save_answer`, which says why and
    finalises an overdue attempt."""
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**31:
        return None
    question = bank_cache.question(question_id)
    if question is None:
        return None
    try:
        answer = grading.clean_answer(question, raw_answer)
    except grading.AnswerError:
        return None
    conn = db.session.connection()
    row = conn.execute(
        _quick_save_statement(conn.dialect.name),
        {
            "attempt_id": attempt_id,
            "member_id": member_id,
            "question_id": question_id,
            "answer": answer,
            "flagged": bool(flagged),
            "seq": seq,
            "now": now,
            "cutoff": now - timedelta(seconds=grace_seconds(grace)),
        },
    ).first()
    if row is None:
        return None
    stored, stored_answer, stored_flagged, deadline = row
    # The same seq with the same content is a retry of this save; anything else was written elsewhere.
    return QuickSave(
        question_id,
        stored,
        (stored, stored_answer, stored_flagged) == (seq, answer, bool(flagged)),
        deadline,
    )


def save_prediction(
    attempt: Attempt, guess: Any, now: datetime, grace: int | None = None
) -> int | None:
    """Keep the member's integer guess for the quiz's prediction question (None clears it)."""
    if not attempt.quiz.prediction_question:
        raise AttemptError("bad_question", _("Đợt kiểm tra này không có câu hỏi dự đoán."))
    value = None
    if guess not in (None, ""):
        value = grading.parse_integer(guess)
        if value is None or abs(value) >= 2**31:
            raise AttemptError("bad_answer", _("Câu trả lời dự đoán phải là một số nguyên."))
    _lock_in_progress(attempt, now, grace)
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(prediction_guess=value)
        .execution_options(synchronize_session=False)
    )
    attempt.prediction_guess = value
    return value


def grade_attempt(attempt: Attempt, keys: dict[str, Question] | None = None) -> grading.Grade:
    """Grade the snapshot against the stored responses; `keys` (by question uid) overrides keys."""
    answers = {qid: r.answer for qid, r in snapshot.responses_of(attempt).items()}
    items = snapshot.items_of(attempt)
    questions = [(keys or {}).get(item.question.uid, item.question) for item in items]
    scoring = questions[0].version.multiple_scoring if questions else "all_or_nothing"
    return grading.grade(questions, [answers.get(item.question_id) for item in items], scoring)


def apply_grade(attempt: Attempt, result: grading.Grade) -> None:
    """Store a grade on the attempt and its items; issue a certificate code when it passes."""
    for item, score in zip(attempt.items, result.item_scores, strict=True):
        item.score = score
    attempt.score, attempt.max_score, attempt.percent = (
        result.score,
        result.max_score,
        result.percent,
    )
    attempt.passed = result.percent >= attempt.quiz.pass_mark
    if attempt.passed:
        certificates.ensure_code(attempt)


def finalise(attempt: Attempt, now: datetime, overdue: bool = False) -> bool:
    """Finish the attempt once: grade it and count it. False when someone else already did.

    Overdue attempts (or submits after the deadline) end at the deadline.
    """
    overdue = overdue or now >= attempt.deadline
    finished_at = attempt.deadline if overdue else now
    state = AttemptState.FINISHED_OVERDUE if overdue else AttemptState.FINISHED
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=state, finished_at=finished_at)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount != 1:
        return False
    # After a regrade moved the quiz to a corrected version, late finishers get its keys too.
    apply_grade(attempt, grade_attempt(attempt, snapshot.keys_for_attempt(attempt)))
    db.session.flush()
    participation.record_finish(attempt)
    return True


def submit_attempt(attempt: Attempt, now: datetime) -> bool:
    """The member submits: finalise (as overdue when the deadline has passed)."""
    return finalise(attempt, now)


def finalise_overdue(
    attempt_or_query: Attempt | Select, now: datetime, grace: int | None = None
) -> int:
    """Finalise the given attempt, or every attempt the query selects, that is past deadline + grace.

    For reports and lists that read attempts: call it first, then read. Returns how many
    this call finalised.
    """
    limit = now - timedelta(seconds=grace_seconds(grace))
    if isinstance(attempt_or_query, Attempt):
        candidates = [attempt_or_query]
    else:
        candidates = list(db.session.scalars(attempt_or_query))
    done = 0
    for attempt in candidates:
        if attempt.state == AttemptState.IN_PROGRESS and attempt.deadline < limit:
            done += finalise(attempt, now, overdue=True)
    return done


def overdue_query(now: datetime, grace: int | None = None, limit: int | None = None) -> Select:
    """Attempts in progress past deadline + grace, oldest deadline first."""
    cutoff = now - timedelta(seconds=grace_seconds(grace))
    stmt = (
        select(Attempt)
        .where(Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline < cutoff)
        .order_by(Attempt.deadline, Attempt.id)
    )
    return stmt.limit(limit) if limit else stmt


def refresh_deadlines(quiz: Quiz, now: datetime) -> None:
    """Recompute the deadlines of attempts in progress after the quiz's window or limit changed."""
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.IN_PROGRESS)
    ):
        allowance = allowance_for(quiz, attempt.member)
        attempt.deadline = max(
            attempt.started_at,
            deadline_for(quiz, attempt.started_at, allowance.extra_seconds if allowance else 0),
        )
    db.session.flush()


def apply_pass_mark(quiz: Quiz) -> None:
    """Re-decide pass/fail of finished attempts after the pass mark changed."""
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.state != AttemptState.IN_PROGRESS)
    ):
        attempt.passed = (attempt.percent or 0.0) >= quiz.pass_mark
        if attempt.passed:
            certificates.ensure_code(attempt)
    db.session.flush()


def seconds_left(attempt: Attempt, now: datetime) -> int:
    """Whole seconds until the deadline (0 when past it)."""
    return max(0, int((attempt.deadline - now).total_seconds()))


OVERDUE_SCAN = 5000


def finalise_overdue_in(quiz: Quiz, unit: Unit, now: datetime, limit: int = 50) -> int:
    """Finalise the unit's attempts left past deadline + grace, so statuses are true before reading.

    At most `limit` per call, so a page stays quick after a quiz closes with many attempts
    still open: the sweep command finishes a backlog, a page view only helps it.
    """
    population = population_unit(quiz, unit)
    if population is None:
        return 0
    cutoff = now - timedelta(seconds=grace_seconds())
    # Two small reads instead of one join: the planners then always start from the few
    # overdue attempts (quiz, state, deadline index) rather than from the subtree.
    overdue = db.session.execute(
        select(Attempt.id, Attempt.member_id)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.state == AttemptState.IN_PROGRESS,
            Attempt.deadline < cutoff,
        )
        .order_by(Attempt.deadline, Attempt.id)
        .limit(OVERDUE_SCAN)
    ).all()
    if not overdue:
        return 0
    inside = set(
        db.session.scalars(
            select(Member.id)
            .join(Unit, Unit.id == Member.chapter_id)
            .where(Member.id.in_({m for _, m in overdue}), population.subtree_filter())
        )
    )
    ids = [a for a, m in overdue if m in inside][:limit]
    if not ids:
        return 0
    return finalise_overdue(select(Attempt).where(Attempt.id.in_(ids)).order_by(Attempt.id), now)
