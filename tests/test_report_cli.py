"""`quizapp reports rebuild`: recomputes the read models from raw attempts to the same numbers."""

from datetime import timedelta

from sqlalchemy import delete, select

from quizapp.extensions import db
from quizapp.models import (
    Participation,
    ReminderState,
    UnitQuizCounter,
    UnitQuizDaily,
    UnitQuizReminder,
    UnitRoster,
)
from quizapp.services.reports import reminders, units
from tests.reportkit import OPENS, make_quiz, refresh, start, take


def _state(quiz):
    counters = {
        (c.unit_id, c.took_part, c.took_part_cadres, c.passed, round(c.sum_best_percent, 6))
        for c in db.session.scalars(
            select(UnitQuizCounter).where(UnitQuizCounter.quiz_id == quiz.id)
        )
        if c.took_part
    }
    daily = {
        (d.unit_id, d.day, d.new_participants)
        for d in db.session.scalars(select(UnitQuizDaily).where(UnitQuizDaily.quiz_id == quiz.id))
        if d.new_participants
    }
    return counters, daily


def _seed(make):
    tree = make.province()
    a = make.member(tree["na_san"], "Lò Văn Ánh", is_cadre=True)
    b = make.member(tree["moc_ly"], "Cầm Thị Bình")
    c = make.member(tree["co_muong"], "Quàng Văn Cường")
    refresh()
    quiz = make_quiz(tree["province"])
    take(quiz, a, OPENS + timedelta(days=1), 30.0)
    take(quiz, a, OPENS + timedelta(days=2), 90.0)
    take(quiz, b, OPENS + timedelta(days=3), 60.0)
    start(quiz, c, OPENS + timedelta(days=3))
    db.session.commit()
    return tree, quiz


def test_rebuild_reproduces_the_incremental_numbers(make, runner):
    _tree, quiz = _seed(make)
    before = _state(quiz)
    result = runner.invoke(args=["reports", "rebuild", str(quiz.id)])
    assert result.exit_code == 0, result.output
    assert "Đã tính lại" in result.output
    db.session.expire_all()
    assert _state(quiz) == before


def test_rebuild_restores_lost_read_models(make, runner):
    tree, quiz = _seed(make)
    for model in (UnitQuizDaily, UnitQuizCounter, Participation, UnitRoster):
        db.session.execute(delete(model))
    db.session.commit()
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    totals = units.unit_totals(quiz, tree["province"])
    assert (totals.members, totals.took_part, totals.cadres_took_part, totals.passed) == (
        3,
        2,
        1,
        2,
    )
    assert [r.status for r in units.member_rows(quiz, tree["co_muong"])] == ["in_progress"]


def test_rebuild_of_an_unknown_quiz_says_so(app, runner):
    result = runner.invoke(args=["reports", "rebuild", "999"])
    assert result.exit_code != 0
    assert "Không có đợt kiểm tra số 999" in result.output


def test_demo_activity_gives_the_reports_a_story(make, runner, monkeypatch):
    from tests.quizkit import make_quiz as make_real_quiz

    tree = make.province()
    for chapter in ("na_san", "co_muong", "moc_ly"):
        for i in range(12):
            make.member(tree[chapter], f"Đoàn viên {chapter} {i}")
    refresh()
    quiz = make_real_quiz(make, tree["province"])
    db.session.commit()
    monkeypatch.setattr("quizapp.clock.now_utc", lambda: quiz.opens_at + timedelta(days=5))
    result = runner.invoke(args=["reports", "demo-activity", str(quiz.id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    totals = units.unit_totals(quiz, tree["province"])
    assert 0 < totals.took_part < totals.members == 36
    again = runner.invoke(args=["reports", "demo-activity", str(quiz.id)])
    assert again.exit_code != 0 and "đã có bài làm" in again.output


def test_rebuild_restores_the_reminder_counters(make, runner):
    """Reminded, and reminded then took part, come back from the reminders themselves."""
    tree = make.province()
    late = make.member(tree["na_san"], "Quàng Thị Én")
    never = make.member(tree["co_muong"], "Tòng Thị Ánh")
    secretary = make.user("bithu")
    refresh()
    quiz = make_quiz(tree["province"])
    reminders.mark_reminded(quiz, late, secretary, OPENS + timedelta(days=1))
    reminders.mark_reminded(quiz, never, secretary, OPENS + timedelta(days=1))
    take(quiz, late, OPENS + timedelta(days=2))
    for model in (UnitQuizReminder, ReminderState):
        db.session.execute(delete(model))
    db.session.commit()
    result = runner.invoke(args=["reports", "rebuild", str(quiz.id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    got = reminders.counts_for(
        quiz.id, [tree[k].id for k in ("province", "chieng_dong", "na_san", "co_muong")]
    )
    assert [(c.reminded, c.reminded_took_part) for c in got.values()] == [
        (2, 1),
        (2, 1),
        (1, 1),
        (1, 0),
    ]
