"""Property tests: the reminder counters of every unit equal a brute-force count over raw rows.

Random trees and rosters; reminders, started and finished attempts interleaved in time; then
moves and (de)activations. The read model (`UnitQuizReminder`, kept in the same transaction as
each change) is compared with a count over units, members, reminders and attempts, and with
what `rebuild_quiz` (the `quizapp reports rebuild` path) recomputes from scratch.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Member,
    Reminder,
    ReminderState,
    Unit,
    UnitQuizReminder,
    User,
)
from quizapp.services.reports import participation, reminders
from quizapp.services.reports.roster_counts import refresh_roster_counts
from tests.factory import Factory
from tests.reportkit import OPENS, make_quiz

event_st = st.tuples(
    st.integers(0, 30),  # member index, modulo their number
    st.sampled_from(["remind", "remind", "finish", "start"]),
    st.integers(0, 200),  # hours after the quiz opens
)

scenario = st.fixed_dictionaries(
    {
        "parents": st.lists(st.integers(0, 100), min_size=1, max_size=8),
        "members": st.lists(st.tuples(st.integers(0, 50), st.booleans()), min_size=1, max_size=15),
        "events": st.lists(event_st, max_size=40),
        "moves": st.lists(
            st.tuples(st.integers(0, 30), st.integers(0, 50), st.booleans()), max_size=5
        ),
    }
)


def _build(make, data):
    root = make.unit("Tỉnh đoàn", "province")
    tree = [root]
    for i, parent in enumerate(data["parents"]):
        tree.append(make.unit(f"Đơn vị {i + 1}", "grassroots", tree[parent % len(tree)]))
    members = [
        make.member(tree[chapter % len(tree)], f"Đoàn viên {i}", active=active)
        for i, (chapter, active) in enumerate(data["members"])
    ]
    secretary = make.user(login="bithu")
    refresh_roster_counts()
    quiz = make_quiz(root, slug="remind-prop")
    numbers: dict[int, int] = {}
    open_attempt: dict[int, Attempt] = {}
    for index, kind, hours in sorted(data["events"], key=lambda e: (e[2], e[0], e[1])):
        member = members[index % len(members)]
        at = OPENS + timedelta(hours=hours)
        if kind == "remind":
            reminders.mark_reminded(quiz, member, secretary, at)
            continue
        attempt = open_attempt.pop(member.id, None)
        if attempt is None:
            numbers[member.id] = numbers.get(member.id, 0) + 1
            attempt = Attempt(
                quiz=quiz,
                member=member,
                number=numbers[member.id],
                started_at=at,
                deadline=at + timedelta(minutes=30),
                state=AttemptState.IN_PROGRESS,
            )
            db.session.add(attempt)
            db.session.flush()
            participation.record_start(attempt, at)
        if kind == "start":
            open_attempt[member.id] = attempt
            continue
        attempt.state = AttemptState.FINISHED
        attempt.finished_at = at + timedelta(minutes=5)
        attempt.percent = 60.0
        db.session.flush()
        participation.record_finish(attempt)
    for index, chapter, active in data["moves"]:
        member = members[index % len(members)]
        old = (member.chapter_id, member.active, member.is_cadre)
        member.chapter = tree[chapter % len(tree)]
        member.active = active
        db.session.flush()
        participation.member_changed(member, *old)
    db.session.flush()
    return tree, quiz, secretary


def _brute(quiz, tree) -> dict[int, tuple[int, int]]:
    """(reminded, reminded then took part) per unit, from units, members, reminders, attempts."""
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    first_reminder, first_finish = {}, {}
    for r in db.session.scalars(select(Reminder).where(Reminder.quiz_id == quiz.id)):
        first_reminder[r.member_id] = min(
            first_reminder.get(r.member_id, r.reminded_at), r.reminded_at
        )
    for a in db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id)):
        if a.finished_at is not None:
            first_finish[a.member_id] = min(
                first_finish.get(a.member_id, a.finished_at), a.finished_at
            )
    out = {}
    for unit in tree:
        reminded = [
            m
            for m in db.session.scalars(select(Member))
            if m.active and m.id in first_reminder and paths[m.chapter_id].startswith(unit.path)
        ]
        took = [
            m
            for m in reminded
            if m.id in first_finish and first_finish[m.id] >= first_reminder[m.id]
        ]
        out[unit.id] = (len(reminded), len(took))
    return out


def _counters(quiz, tree) -> dict[int, tuple[int, int]]:
    got = reminders.counts_for(quiz.id, [u.id for u in tree])
    return {u: (c.reminded, c.reminded_took_part) for u, c in got.items()}


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(data=scenario)
def test_reminder_counters_equal_a_brute_force_count_and_the_rebuild(app, data):
    try:
        tree, quiz, secretary = _build(Factory(), data)
        expected = _brute(quiz, tree)
        assert _counters(quiz, tree) == expected
        # no negative or empty-but-stored rows creep in
        assert all(
            r.reminded >= r.reminded_took_part >= 0
            for r in db.session.scalars(select(UnitQuizReminder))
        )
        participation.rebuild_quiz(quiz)
        db.session.expire_all()
        assert _counters(quiz, tree) == expected
        # the member's own line: how many times, when last, by whom
        for state_member in {r.member_id for r in db.session.scalars(select(Reminder))}:
            rows = list(
                db.session.scalars(select(Reminder).where(Reminder.member_id == state_member))
            )
            state = db.session.get(ReminderState, (quiz.id, state_member))
            assert state.count == len(rows)
            assert state.last_reminded_at == max(r.reminded_at for r in rows)
            assert db.session.get(User, state.last_reminded_by_id) == secretary
    finally:
        db.session.rollback()
