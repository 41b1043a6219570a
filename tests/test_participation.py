"""The report read models follow finalisations and roster changes, and rebuild to the same numbers."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Bank,
    BankVersion,
    Quiz,
    UnitQuizCounter,
    UnitQuizDaily,
)
from quizapp.services.reports import participation

T0 = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)


def _quiz(unit):
    bank = Bank(slug="b", title="B")
    version = BankVersion(bank=bank, number=1, checksum="x", source_format="yaml")
    quiz = Quiz(
        title="Q",
        bank_version=version,
        audience_unit=unit,
        opens_at=T0,
        closes_at=T0 + timedelta(days=30),
        pass_mark=50,
    )
    db.session.add(quiz)
    db.session.flush()
    return quiz


def _finish(quiz, member, number, percent, at):
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=number,
        started_at=at,
        deadline=at + timedelta(minutes=30),
        finished_at=at + timedelta(minutes=5),
        state=AttemptState.FINISHED,
        percent=percent,
        score=percent,
        max_score=100,
    )
    db.session.add(attempt)
    db.session.flush()
    participation.record_start(attempt, at)
    participation.record_finish(attempt)
    return attempt


def _counters(quiz):
    rows = db.session.scalars(select(UnitQuizCounter).where(UnitQuizCounter.quiz_id == quiz.id))
    return {
        r.unit_id: (r.took_part, r.took_part_cadres, r.passed, round(r.sum_best_percent, 6))
        for r in rows
        if r.took_part
    }


def _daily(quiz):
    rows = db.session.scalars(select(UnitQuizDaily).where(UnitQuizDaily.quiz_id == quiz.id))
    return {(r.unit_id, r.day): r.new_participants for r in rows if r.new_participants}


def test_finishing_counts_once_on_every_ancestor_and_rebuild_agrees(make):
    tree = make.province()
    quiz = _quiz(tree["province"])
    a = make.member(tree["na_san"], "Lò Văn Ánh", is_cadre=True)
    b = make.member(tree["moc_ly"], "Cầm Thị Bình")
    _finish(quiz, a, 1, 40.0, T0)
    _finish(quiz, a, 2, 80.0, T0 + timedelta(days=1))
    _finish(quiz, b, 1, 60.0, T0 + timedelta(days=2))
    counts = _counters(quiz)
    assert counts[tree["province"].id] == (2, 1, 2, 140.0)
    assert counts[tree["na_san"].id] == (1, 1, 1, 80.0)
    assert counts[tree["moc_chau"].id] == (1, 0, 1, 60.0)
    assert tree["co_muong"].id not in counts
    daily_before = _daily(quiz)
    participation.rebuild_quiz(quiz)
    assert _counters(quiz) == counts
    assert _daily(quiz) == daily_before


def test_moving_a_member_moves_their_participation(make):
    tree = make.province()
    quiz = _quiz(tree["province"])
    a = make.member(tree["na_san"], "Lò Văn Ánh")
    _finish(quiz, a, 1, 90.0, T0)
    old = (a.chapter_id, a.active, a.is_cadre)
    a.chapter = tree["moc_ly"]
    db.session.flush()
    participation.member_changed(a, *old)
    counts = _counters(quiz)
    assert tree["mai_son"].id not in counts
    assert counts[tree["moc_ly"].id][0] == 1
    assert counts[tree["province"].id][0] == 1


def test_deactivated_member_no_longer_counts(make):
    tree = make.province()
    quiz = _quiz(tree["province"])
    a = make.member(tree["na_san"], "Lò Văn Ánh")
    _finish(quiz, a, 1, 90.0, T0)
    a.active = False
    db.session.flush()
    participation.member_changed(a, a.chapter_id, True, a.is_cadre)
    assert _counters(quiz) == {}
