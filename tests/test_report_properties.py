"""Property tests: every number of the report pages equals a brute-force count over raw rows.

Random trees, rosters and attempts are built; the report services (which read only the
read models) are compared with a count in Python over units, members and attempts.
Nothing is committed, so each example rolls back to an empty database.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Member, Unit
from quizapp.services.reports import breakdowns as bd
from quizapp.services.reports import page, participation, units
from quizapp.services.reports.labels import clean, is_kinh
from quizapp.services.reports.roster_counts import refresh_roster_counts
from tests.reportkit import NOW, OPENS, make_quiz

GENDERS = ["nam", "nu", None]
ETHNICITIES = ["Kinh", "Thái", "Mông", "kinh", None]
GROUPS = [None, "Học sinh", "Công nhân"]

member_st = st.fixed_dictionaries(
    {
        "chapter": st.integers(0, 50),  # index into the units, taken modulo their number
        "active": st.sampled_from([True, True, True, False]),
        "cadre": st.booleans(),
        "gender": st.sampled_from(GENDERS),
        "ethnicity": st.sampled_from(ETHNICITIES),
        "group": st.sampled_from(GROUPS),
        "attempts": st.lists(
            st.tuples(st.integers(0, 9), st.integers(0, 200), st.booleans()), max_size=3
        ),
        "move_to": st.one_of(st.none(), st.integers(0, 50)),
    }
)


scenario = st.fixed_dictionaries(
    {
        "parents": st.lists(
            st.integers(0, 100), min_size=1, max_size=10
        ),  # parent of unit i+1 among 0..i
        "audience": st.integers(0, 100),
        "members": st.lists(member_st, max_size=25),
        "target": st.sampled_from([50.0, 70.0, 80.0, 90.0, 100.0, 33.3]),
        "moves": st.booleans(),
    }
)


def _build(make, data):
    root = make.unit("Tỉnh đoàn", "province")
    tree = [root]
    for i, parent in enumerate(data["parents"]):
        tree.append(make.unit(f"Đơn vị {i + 1}", "grassroots", tree[parent % len(tree)]))
    members = []
    for i, spec in enumerate(data["members"]):
        attributes = {"Đối tượng": spec["group"]} if spec["group"] else {}
        members.append(
            make.member(
                tree[spec["chapter"] % len(tree)],
                f"Đoàn viên {i}",
                phone=f"09{i:08d}",
                active=spec["active"],
                is_cadre=spec["cadre"],
                gender=spec["gender"],
                ethnicity=spec["ethnicity"],
                attributes=attributes,
            )
        )
    refresh_roster_counts()
    quiz = make_quiz(tree[data["audience"] % len(tree)], target_rate=data["target"], slug="prop")
    for member, spec in zip(members, data["members"]):
        at = OPENS
        for number, (day, half_percent, finished) in enumerate(spec["attempts"], start=1):
            at = max(at, OPENS + timedelta(days=day, hours=number))
            attempt = Attempt(
                quiz=quiz,
                member=member,
                number=number,
                started_at=at,
                deadline=at + timedelta(minutes=30),
                state=AttemptState.IN_PROGRESS,
            )
            db.session.add(attempt)
            db.session.flush()
            participation.record_start(attempt, at)
            last = number == len(spec["attempts"])
            if finished or not last:  # only the last attempt may still be in progress
                attempt.state = AttemptState.FINISHED
                attempt.finished_at = at + timedelta(minutes=number * 7)
                attempt.percent = half_percent / 2
                db.session.flush()
                participation.record_finish(attempt)
            at = at + timedelta(hours=1)
    if data["moves"]:
        for member, spec in zip(members, data["members"]):
            if spec["move_to"] is not None:
                old = (member.chapter_id, member.active, member.is_cadre)
                member.chapter = tree[spec["move_to"] % len(tree)]
                member.is_cadre = not member.is_cadre
                db.session.flush()
                participation.member_changed(member, *old)
        refresh_roster_counts()
    db.session.flush()
    return tree, quiz


class Brute:
    """Counts from raw rows only: units, members, attempts."""

    def __init__(self, quiz):
        self.quiz = quiz
        self.paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
        self.members = list(db.session.scalars(select(Member)))
        self.attempts = defaultdict(list)
        for a in db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id)):
            self.attempts[a.member_id].append(a)
        self.audience = quiz.audience_unit.path

    def finished(self, m):
        return [a for a in self.attempts[m.id] if a.state != AttemptState.IN_PROGRESS]

    def population(self, unit: Unit) -> list[Member]:
        deeper = max(unit.path, self.audience, key=len)
        if not (unit.path.startswith(self.audience) or self.audience.startswith(unit.path)):
            return []
        return [m for m in self.members if m.active and self.paths[m.chapter_id].startswith(deeper)]

    def took(self, m) -> bool:
        return bool(self.finished(m))

    def best(self, m) -> float:
        return max(a.percent for a in self.finished(m))

    def numbers(self, people: list[Member]) -> dict:
        took = [m for m in people if self.took(m)]
        return {
            "members": len(people),
            "cadres": sum(m.is_cadre for m in people),
            "took_part": len(took),
            "cadres_took_part": sum(m.is_cadre for m in took),
            "passed": sum(self.best(m) >= self.quiz.pass_mark for m in took),
            "sum_best_percent": sum(self.best(m) for m in took),
        }

    def first_days(self, people) -> Counter:
        return Counter(
            to_local(min(a.finished_at for a in self.finished(m))).date()
            for m in people
            if self.took(m)
        )


def _numbers(row) -> dict:
    return {
        k: getattr(row, k)
        for k in (
            "members",
            "cadres",
            "took_part",
            "cadres_took_part",
            "passed",
            "sum_best_percent",
        )
    }


def _same(row, expected: dict) -> None:
    got = _numbers(row)
    assert math.isclose(got.pop("sum_best_percent"), expected["sum_best_percent"], abs_tol=1e-6)
    assert got == {k: v for k, v in expected.items() if k != "sum_best_percent"}


def _check_unit(brute: Brute, quiz, unit: Unit) -> None:
    report = page.unit_report(quiz, unit, NOW)
    people = brute.population(unit)
    expected = brute.numbers(people)
    _same(report.totals, expected)
    # rate, target and gap follow from the counts by their definitions
    t = report.totals
    assert t.target_count == math.ceil(round(quiz.target_rate * t.members / 100, 9))
    assert t.gap == max(0, t.target_count - expected["took_part"])
    assert t.rate == (expected["took_part"] * 100 / t.members if t.members else None)
    # children: each equals its own brute count, and together they equal the total
    if report.children:
        for row in report.children:
            if row.direct:
                direct = [m for m in people if m.chapter_id == unit.id]
                _same(row, brute.numbers(direct))
            else:
                _same(row, brute.numbers(brute.population(db.session.get(Unit, row.unit_id))))
        for key in ("members", "took_part", "cadres", "cadres_took_part", "passed"):
            assert sum(getattr(r, key) for r in report.children) == getattr(t, key)
    # members attached to the unit: status, attempts, best score
    direct = {m.id: m for m in people if m.chapter_id == unit.id}
    assert {r.member_id for r in report.members} == set(direct)
    for row in report.members:
        m = direct[row.member_id]
        attempts = brute.attempts[m.id]
        status = "finished" if brute.took(m) else ("in_progress" if attempts else "not_started")
        assert (row.status, row.attempts_started, row.attempts_finished) == (
            status,
            len(attempts),
            len(brute.finished(m)),
        )
        assert row.best_percent == (brute.best(m) if brute.took(m) else None)
    assert sorted(report.not_taken) == sorted(
        (m.full_name, m.phone) for m in direct.values() if not brute.took(m)
    )
    # breakdowns: every group equals the brute count of its members
    for b in report.breakdowns:
        got = {g.label: (g.members, g.took_part) for g in b.rows}
        assert got == _brute_groups(brute, people, b.key), b.key
    # trend: first finishes per local day add up to the took-part count
    days = brute.first_days(people)
    if report.trend.cumulative:
        assert report.trend.cumulative[-1] == expected["took_part"]
        previous = 0
        for day, total in zip(report.trend.days, report.trend.cumulative):
            if day != report.trend.days[0]:
                assert total - previous == days.get(day, 0)
            previous = total


def _brute_groups(brute: Brute, people, key: str) -> dict:
    def label(m):
        if key == "cadre":
            return (
                str(bd._l("Cán bộ đoàn"))
                if m.is_cadre
                else str(bd._l("Đoàn viên (không là cán bộ)"))
            )
        if key == "gender":
            v = clean(m.gender)
            return str(bd.GENDER_LABELS.get(v, v)) if v else str(bd.UNKNOWN)
        if key == "ethnicity":
            return clean(m.ethnicity) or str(bd.UNKNOWN)
        if key == "minorities":
            v = clean(m.ethnicity)
            if not v:
                return str(bd.UNKNOWN)
            return str(bd._l("Dân tộc Kinh")) if is_kinh(v) else str(bd._l("Dân tộc thiểu số"))
        return clean((m.attributes or {}).get(key.removeprefix("attr:"))) or str(bd.UNKNOWN)

    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for m in people:
        out[label(m)][0] += 1
        out[label(m)][1] += brute.took(m)
    if key == "cadre":  # both groups are always shown
        out[str(bd._l("Cán bộ đoàn"))]
        out[str(bd._l("Đoàn viên (không là cán bộ)"))]
    return {k: tuple(v) for k, v in out.items()}


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(data=scenario)
def test_every_number_on_every_unit_page_equals_a_brute_force_count(app, data):
    from tests.conftest import Factory

    try:
        tree, quiz = _build(Factory(), data)
        brute = Brute(quiz)
        for unit in tree:
            if units.concerns(quiz, unit):
                _check_unit(brute, quiz, unit)
    finally:
        db.session.rollback()


def _snapshot(quiz, tree) -> list:
    out = []
    for unit in tree:
        if not units.concerns(quiz, unit):
            continue
        r = page.unit_report(quiz, unit, NOW)
        out.append(
            (
                unit.id,
                _numbers(r.totals),
                [(c.unit_id, c.direct, _numbers(c)) for c in r.children],
                [
                    (m.member_id, m.status, m.attempts_started, m.best_percent, m.passed)
                    for m in r.members
                ],
                [
                    (b.key, [(g.label, g.members, g.took_part) for g in b.rows])
                    for b in r.breakdowns
                ],
                r.trend.cumulative,
            )
        )
    return out


def _rounded(snapshot):
    """Sums of floats may differ in the last bit between orders of addition."""
    return [
        (
            u,
            {**t, "sum_best_percent": round(t["sum_best_percent"], 6)},
            [(c, d, {**n, "sum_best_percent": round(n["sum_best_percent"], 6)}) for c, d, n in ch],
            *rest,
        )
        for u, t, ch, *rest in snapshot
    ]


@PROPERTY_SETTINGS
@given(data=scenario)
def test_rebuilt_numbers_equal_the_incremental_ones(app, data):
    from tests.conftest import Factory

    try:
        tree, quiz = _build(Factory(), data)
        before = _rounded(_snapshot(quiz, tree))
        participation.rebuild_quiz(quiz)
        refresh_roster_counts()
        db.session.expire_all()
        assert _rounded(_snapshot(quiz, tree)) == before
    finally:
        db.session.rollback()


@pytest.mark.parametrize(
    "target,members,needed", [(80.0, 5, 4), (33.3, 3, 1), (100.0, 7, 7), (70.0, 10, 7)]
)
def test_target_count_rounds_up_exactly(target, members, needed):
    assert units.target_count(target, members) == needed
