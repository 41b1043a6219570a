"""Breakdown groups (gender, ethnicity, custom attributes) follow finishes, roster edits and rebuilds."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Bank,
    BankVersion,
    Quiz,
    UnitQuizGroup,
    UnitRosterGroup,
)
from quizapp.services.reports import participation
from quizapp.services.reports.roster_counts import refresh_roster_counts

T0 = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)


def _quiz(unit):
    version = BankVersion(
        bank=Bank(slug="b", title="B"), number=1, checksum="x", source_format="yaml"
    )
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


def _finish(quiz, member, percent=80.0, number=1, at=T0):
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=number,
        started_at=at,
        deadline=at + timedelta(minutes=30),
        finished_at=at + timedelta(minutes=5),
        state=AttemptState.FINISHED,
        percent=percent,
    )
    db.session.add(attempt)
    db.session.flush()
    participation.record_start(attempt, at)
    participation.record_finish(attempt)


def _groups(quiz, unit):
    rows = db.session.scalars(
        select(UnitQuizGroup).where(
            UnitQuizGroup.quiz_id == quiz.id, UnitQuizGroup.unit_id == unit.id
        )
    )
    return {(r.dimension, r.value): r.took_part for r in rows if r.took_part}


def _roster_groups(unit):
    rows = db.session.scalars(select(UnitRosterGroup).where(UnitRosterGroup.unit_id == unit.id))
    return {(r.dimension, r.value): r.members for r in rows}


def test_participants_are_counted_by_gender_ethnicity_and_attribute(make):
    tree = make.province()
    a = make.member(
        tree["na_san"],
        "Lò Thị Mai",
        gender="nu",
        ethnicity="Thái",
        attributes={"Đối tượng": "Nông dân"},
    )
    make.member(
        tree["na_san"],
        "Cầm Văn Hùng",
        gender="nam",
        ethnicity="Kinh",
        attributes={"Đối tượng": "Học sinh"},
    )
    refresh_roster_counts()
    quiz = _quiz(tree["province"])
    _finish(quiz, a)
    groups = _groups(quiz, tree["province"])
    assert groups == {
        ("gender", "nu"): 1,
        ("ethnicity", "Thái"): 1,
        ("attr:Đối tượng", "Nông dân"): 1,
    }
    assert _roster_groups(tree["province"])[("attr:Đối tượng", "Học sinh")] == 1


def test_a_second_finish_does_not_count_the_member_twice(make):
    tree = make.province()
    a = make.member(tree["na_san"], "Lò Thị Mai", gender="nu")
    refresh_roster_counts()
    quiz = _quiz(tree["province"])
    _finish(quiz, a, 40.0, 1)
    _finish(quiz, a, 90.0, 2, T0 + timedelta(days=1))
    assert _groups(quiz, tree["na_san"])[("gender", "nu")] == 1


def test_correcting_a_participants_gender_moves_them_between_groups(make):
    tree = make.province()
    a = make.member(tree["na_san"], "Lò Thị Mai", gender="nam")
    refresh_roster_counts()
    quiz = _quiz(tree["province"])
    _finish(quiz, a)
    a.gender = "nu"
    db.session.flush()
    participation.member_changed(a, a.chapter_id, True, False)
    assert _groups(quiz, tree["province"])[("gender", "nu")] == 1
    assert ("gender", "nam") not in _groups(quiz, tree["province"])


def test_attribute_with_too_many_values_is_not_a_breakdown(make):
    tree = make.province()
    for i in range(40):
        make.member(tree["na_san"], f"Đoàn viên {i}", attributes={"Địa chỉ": f"Số {i}", "Tổ": "1"})
    refresh_roster_counts()
    dims = {d for d, _ in _roster_groups(tree["province"])}
    assert "attr:Tổ" in dims
    assert "attr:Địa chỉ" not in dims


def test_a_new_attribute_column_recounts_earlier_participants(make):
    tree = make.province()
    a = make.member(tree["na_san"], "Lò Thị Mai")
    refresh_roster_counts()
    quiz = _quiz(tree["province"])
    _finish(quiz, a)
    a.attributes = {"Đối tượng": "Công nhân"}
    db.session.flush()
    refresh_roster_counts()
    assert _groups(quiz, tree["mai_son"])[("attr:Đối tượng", "Công nhân")] == 1


def test_rebuild_gives_the_same_groups_as_incremental_upkeep(make):
    tree = make.province()
    members = [
        make.member(tree[c], f"Người {i}", gender=g, ethnicity=e, attributes={"Tổ": t})
        for i, (c, g, e, t) in enumerate(
            [
                ("na_san", "nu", "Thái", "1"),
                ("co_muong", "nam", "Kinh", "2"),
                ("moc_ly", None, "Mông", "1"),
            ]
        )
    ]
    refresh_roster_counts()
    quiz = _quiz(tree["province"])
    for m in members:
        _finish(quiz, m)
    before = {u: _groups(quiz, tree[u]) for u in tree}
    participation.rebuild_quiz(quiz)
    assert {u: _groups(quiz, tree[u]) for u in tree} == before
