"""Unit rankings per round and per contest at each level, against a brute-force count."""

import random
from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Member, Unit
from quizapp.services.contests import rounds
from quizapp.services.contests.units import levels, unit_ranking
from tests.contestkit import sit
from tests.reportkit import refresh
from tests.timeline import BEFORE, DURING


def _brute(quiz_ids, scope, depth):
    """Rate and participants of each unit at `depth`, counted from members and attempts."""
    members = [m for m in db.session.query(Member).all() if m.active]
    finished = {
        (a.quiz_id, a.member_id)
        for a in db.session.query(Attempt).all()
        if a.state != AttemptState.IN_PROGRESS and a.quiz_id in quiz_ids
    }
    out = {}
    for unit in db.session.query(Unit).all():
        if unit.depth != depth or not unit.path.startswith(scope.path):
            continue
        inside = [m for m in members if m.chapter.path.startswith(unit.path)]
        took = sum((q, m.id) in finished for q in quiz_ids for m in inside)
        rate = took * 100.0 / (len(inside) * len(quiz_ids)) if inside else None
        out[unit.id] = (len(inside), took, rate)
    return out


def _rank(values, key):
    return {
        u: 1
        + sum(
            1
            for w in values.values()
            if key(w) is not None and key(v) is not None and key(w) > key(v)
        )
        if key(v) is not None
        else 1 + sum(1 for w in values.values() if key(w) is not None)
        for u, v in values.items()
    }


def test_unit_rankings_match_a_brute_force_count(make):
    rng = random.Random(16)
    tree = make.province()
    contest = rounds.create_contest("Cuộc thi", tree["province"], BEFORE)
    week1, week2 = (make.quiz(tree["province"], title=f"Tuần {i}") for i in (1, 2))
    rounds.add_round(contest, week1)
    rounds.add_round(contest, week2)
    make.unit("Chi đoàn chưa có ai", "chapter", tree["chieng_dong"])
    chapters = [tree["na_san"], tree["co_muong"], tree["moc_ly"]]
    people = [
        make.member(rng.choice(chapters), f"Người {i}", active=rng.random() > 0.1)
        for i in range(40)
    ]
    refresh()
    for quiz, hour in ((week1, 0), (week2, 5)):
        for member in people:
            if rng.random() < 0.6:
                sit(quiz, member, 80.0, at=DURING + timedelta(hours=hour))
    for scope in (tree["province"], tree["mai_son"]):
        for depth in levels(scope):
            for quiz_ids in ([week1.id], [week2.id], [week1.id, week2.id]):
                expected = _brute(quiz_ids, scope, depth)
                got = unit_ranking(quiz_ids, scope, depth)
                assert {s.unit_id: (s.members, s.participants, s.rate) for s in got} == expected
                assert {s.unit_id: s.rank_by_rate for s in got} == _rank(expected, lambda v: v[2])
                assert {s.unit_id: s.rank_by_participants for s in got} == _rank(
                    expected, lambda v: v[1]
                )
                assert [s.rank_by_rate for s in got] == sorted(s.rank_by_rate for s in got)


def test_levels_and_scope(make):
    tree = make.province()
    assert levels(tree["province"]) == [1, 2, 3]
    assert levels(tree["mai_son"]) == [2, 3]
    quiz = make.quiz(tree["province"])
    sit(quiz, make.member(tree["moc_ly"], "An"), 90.0)
    refresh()
    got = unit_ranking([quiz.id], tree["mai_son"], 3)
    assert {s.name for s in got} == {"Chi đoàn bản Nà Sản", "Chi đoàn bản Co Muồng"}  # not Mộc Lỵ
    districts = unit_ranking([quiz.id], tree["province"], 1)
    assert [(s.name, s.participants, s.rate, s.rank_by_rate) for s in districts] == [
        ("Huyện đoàn Mộc Châu", 1, 100.0, 1),
        ("Huyện đoàn Mai Sơn", 0, None, 2),
    ]
