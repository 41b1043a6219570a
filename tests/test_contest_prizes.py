"""Prizes drawn from a round's ranking: counts per kind, ties kept for the organiser, one prize
per member per round (and per contest when chosen)."""

from datetime import timedelta

import pytest

from quizapp.services.contests import rounds
from quizapp.services.contests.prizes import Prize, prize_list, set_prize_counts
from tests.contestkit import sit
from tests.timeline import BEFORE, DURING


@pytest.fixture
def chapter(make):
    return make.province()["na_san"]


def _round(make, chapter, contest=None, **prizes):
    contest = contest or rounds.create_contest("Tìm hiểu Nghị quyết", chapter, BEFORE)
    quiz = make.quiz(chapter, attempts_allowed=None)
    return rounds.add_round(contest, quiz, **prizes)


def _won(result):
    return [(line.row.name, line.prize, line.candidates) for line in result.lines]


def test_prizes_go_down_the_ranking_by_kind(make, chapter):
    row = _round(make, chapter, first=1, second=1, third=1, consolation=2)
    for i, percent in enumerate([95, 90, 85, 80, 75, 70, 65]):
        sit(row.quiz, make.member(chapter, f"Người {i}"), float(percent))
    assert _won(prize_list(row)) == [
        ("Người 0", Prize.FIRST, ()),
        ("Người 1", Prize.SECOND, ()),
        ("Người 2", Prize.THIRD, ()),
        ("Người 3", Prize.CONSOLATION, ()),
        ("Người 4", Prize.CONSOLATION, ()),
    ]
    assert not prize_list(row).has_ties


def test_a_tie_inside_one_kind_shares_it(make, chapter):
    row = _round(make, chapter, first=1, consolation=3)
    sit(row.quiz, make.member(chapter, "An"), 90.0)
    for name in ("Bình", "Chi"):  # equal under every rule
        sit(row.quiz, make.member(chapter, name), 80.0)
    sit(row.quiz, make.member(chapter, "Dũng"), 70.0)
    sit(row.quiz, make.member(chapter, "Em"), 60.0)
    result = prize_list(row)
    assert [(n, p) for n, p, _ in _won(result)] == [
        ("An", Prize.FIRST),
        ("Bình", Prize.CONSOLATION),
        ("Chi", Prize.CONSOLATION),
        ("Dũng", Prize.CONSOLATION),
    ]
    assert not result.has_ties


def test_a_tie_across_two_kinds_is_left_to_the_organiser(make, chapter):
    row = _round(make, chapter, first=1, second=1, third=1)
    a, b, c = (make.member(chapter, n) for n in ("An", "Bình", "Chi"))
    sit(row.quiz, a, 90.0)
    sit(row.quiz, b, 90.0)
    sit(row.quiz, c, 70.0)
    result = prize_list(row)
    assert result.has_ties
    assert sorted(_won(result)[:2]) == [
        ("An", None, (Prize.FIRST, Prize.SECOND)),
        ("Bình", None, (Prize.FIRST, Prize.SECOND)),
    ]
    assert _won(result)[2] == ("Chi", Prize.THIRD, ())  # the next prize after the tied pair


def test_a_tie_over_the_last_prize_is_left_to_the_organiser(make, chapter):
    row = _round(make, chapter, first=1, consolation=1)
    sit(row.quiz, make.member(chapter, "An"), 90.0)
    for name in ("Bình", "Chi", "Dũng"):
        sit(row.quiz, make.member(chapter, name), 60.0)
    sit(row.quiz, make.member(chapter, "Em"), 50.0)
    result = prize_list(row)
    assert _won(result)[0] == ("An", Prize.FIRST, ())
    assert {line.candidates for line in result.lines[1:]} == {(Prize.CONSOLATION, None)}
    assert len(result.lines) == 4  # Em, after the tie, is not at stake


def test_a_tie_broken_by_time_is_no_tie(make, chapter):
    row = _round(make, chapter, first=1, second=1)
    sit(row.quiz, make.member(chapter, "An"), 90.0, seconds=500)
    sit(row.quiz, make.member(chapter, "Bình"), 90.0, seconds=400)
    assert [(n, p) for n, p, _ in _won(prize_list(row))] == [
        ("Bình", Prize.FIRST),
        ("An", Prize.SECOND),
    ]


def test_one_prize_per_contest_skips_earlier_winners(make, chapter):
    contest = rounds.create_contest("Cuộc thi", chapter, BEFORE, one_prize_per_contest=True)
    week1 = _round(make, chapter, contest, first=1)
    week2 = _round(make, chapter, contest, first=1, consolation=1)
    a, b, c = (make.member(chapter, n) for n in ("An", "Bình", "Chi"))
    sit(week1.quiz, a, 100.0)
    sit(week1.quiz, b, 50.0)
    for member, percent in ((a, 100.0), (b, 90.0), (c, 80.0)):
        sit(week2.quiz, member, percent, at=DURING + timedelta(hours=1))
    assert [(n, p) for n, p, _ in _won(prize_list(week2))] == [
        ("Bình", Prize.FIRST),
        ("Chi", Prize.CONSOLATION),
    ]
    contest.one_prize_per_contest = False
    assert [(n, p) for n, p, _ in _won(prize_list(week2))] == [
        ("An", Prize.FIRST),
        ("Bình", Prize.CONSOLATION),
    ]


def test_changing_prize_counts_changes_the_list(make, chapter):
    row = _round(make, chapter)
    sit(row.quiz, make.member(chapter, "An"), 90.0)
    assert prize_list(row).lines == []
    set_prize_counts(row, 0, 0, 1, 0)
    assert [line.prize for line in prize_list(row).lines] == [Prize.THIRD]
    with pytest.raises(ValueError):
        set_prize_counts(row, -1, 0, 0, 0)
