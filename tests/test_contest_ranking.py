"""A round's ranking: score, then prediction distance (no guess last), then time taken, then
submission; the grading policy picks the counted attempt; equal rows are ties, on both databases."""

from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState
from quizapp.services.contests import rounds
from quizapp.services.contests.ranking import ranking
from tests.contestkit import sit
from tests.timeline import BEFORE, DURING


@pytest.fixture
def chapter(make):
    return make.province()["na_san"]


def _names(result):
    return [(r.rank, r.name) for r in result.rows]


def test_score_ranks_first_and_time_breaks_equal_scores(make, chapter):
    quiz = make.quiz(chapter, attempts_allowed=None)
    a, b, c = (make.member(chapter, n) for n in ("An", "Bình", "Chi"))
    sit(quiz, a, 60.0, seconds=60)
    sit(quiz, b, 90.0, seconds=900)
    sit(quiz, c, 90.0, seconds=300)
    result = ranking(quiz)
    assert _names(result) == [(1, "Chi"), (2, "Bình"), (3, "An")]
    assert not result.provisional and result.total == 3
    assert [r.seconds for r in result.rows] == [300.0, 900.0, 60.0]


def test_prediction_distance_then_no_guess_last(make, chapter):
    quiz = make.quiz(
        chapter, prediction_question="Bao nhiêu người trả lời đúng hết?", prediction_answer=1000
    )
    a, b, c, d = (make.member(chapter, n) for n in ("An", "Bình", "Chi", "Dũng"))
    sit(quiz, a, 80.0, guess=None, seconds=10)  # fastest, but no guess
    sit(quiz, b, 80.0, guess=1200, seconds=500)  # distance 200
    sit(quiz, c, 80.0, guess=950, seconds=900)  # distance 50: closest
    sit(quiz, d, 80.0, guess=5_000_000, seconds=20)  # far, but still a guess
    result = ranking(quiz)
    assert _names(result) == [(1, "Chi"), (2, "Bình"), (3, "Dũng"), (4, "An")]
    assert [r.distance for r in result.rows] == [50, 200, 4_999_000, None]


def test_without_the_prediction_answer_the_ranking_is_provisional(make, chapter):
    quiz = make.quiz(chapter, prediction_question="Bao nhiêu người tham gia?")
    a, b = make.member(chapter, "An"), make.member(chapter, "Bình")
    sit(quiz, a, 80.0, guess=None, seconds=10)
    sit(quiz, b, 80.0, guess=7, seconds=500)
    result = ranking(quiz)
    assert result.provisional
    assert _names(result) == [(1, "Bình"), (2, "An")]  # a guess still ranks before none
    assert [r.distance for r in result.rows] == [None, None]
    quiz.prediction_answer = 7
    db.session.flush()
    assert not ranking(quiz).provisional


def test_equal_time_falls_to_the_earlier_submission(make, chapter):
    quiz = make.quiz(chapter)
    a, b = make.member(chapter, "An"), make.member(chapter, "Bình")
    sit(quiz, a, 70.0, seconds=400, at=DURING + timedelta(hours=2))
    sit(quiz, b, 70.0, seconds=400, at=DURING)
    assert _names(ranking(quiz)) == [(1, "Bình"), (2, "An")]
    assert not any(r.tied for r in ranking(quiz).rows)


def test_rows_equal_under_every_rule_are_reported_as_ties(make, chapter):
    quiz = make.quiz(chapter, prediction_question="Bao nhiêu?", prediction_answer=10)
    a, b, c = (make.member(chapter, n) for n in ("An", "Bình", "Chi"))
    sit(quiz, a, 70.0, guess=12, seconds=400)
    sit(quiz, b, 70.0, guess=8, seconds=400)  # same distance, same time, same instant
    sit(quiz, c, 50.0, guess=10, seconds=400)
    result = ranking(quiz)
    assert [(r.rank, r.tied) for r in result.rows] == [(1, True), (1, True), (3, False)]
    assert {r.name for r in result.rows[:2]} == {"An", "Bình"}


def test_the_contest_may_drop_the_prediction_and_time_rules(make, chapter):
    quiz = make.quiz(chapter, prediction_question="Bao nhiêu?", prediction_answer=10)
    contest = rounds.create_contest(
        "Tìm hiểu Nghị quyết", chapter, BEFORE, use_prediction=False, use_time=False
    )
    rounds.add_round(contest, quiz, "Tuần 1")
    a, b = make.member(chapter, "An"), make.member(chapter, "Bình")
    sit(quiz, a, 70.0, guess=10, seconds=900, at=DURING + timedelta(minutes=1))
    sit(quiz, b, 70.0, guess=None, seconds=100, at=DURING + timedelta(minutes=10))
    assert _names(ranking(quiz)) == [(1, "An"), (2, "Bình")]  # An's exact guess ranks first
    # without both rules the earlier submission wins (An finished at 16:00, Bình at 11:40)
    assert _names(ranking(quiz, contest)) == [(1, "Bình"), (2, "An")]
    a_first = make.member(chapter, "Chi")
    sit(quiz, a_first, 70.0, guess=None, seconds=60, at=DURING)
    assert _names(ranking(quiz, contest))[0] == (1, "Chi")


@pytest.mark.parametrize(
    ("policy", "expected"), [("highest", 90.0), ("first", 40.0), ("last", 70.0)]
)
def test_the_counted_attempt_follows_the_grading_policy(make, chapter, policy, expected):
    quiz = make.quiz(chapter, attempts_allowed=None, grading_policy=policy)
    a = make.member(chapter, "An")
    sit(quiz, a, 40.0, number=1, at=DURING)
    sit(quiz, a, 90.0, number=2, at=DURING + timedelta(hours=1))
    sit(quiz, a, 70.0, number=3, at=DURING + timedelta(hours=2))
    result = ranking(quiz)
    assert [r.percent for r in result.rows] == [expected]
    assert result.total == 1


def test_highest_policy_counts_the_best_attempt_by_every_rule(make, chapter):
    quiz = make.quiz(chapter, attempts_allowed=None, prediction_question="?", prediction_answer=100)
    a, b = make.member(chapter, "An"), make.member(chapter, "Bình")
    sit(quiz, a, 80.0, guess=None, seconds=100, number=1)
    sit(quiz, a, 80.0, guess=101, seconds=700, number=2, at=DURING + timedelta(hours=1))
    sit(quiz, b, 80.0, guess=105, seconds=50)
    result = ranking(quiz)
    assert _names(result) == [(1, "An"), (2, "Bình")]
    assert (result.rows[0].guess, result.rows[0].seconds) == (101, 700.0)


def test_unfinished_and_inactive_members_are_not_ranked(make, chapter):
    quiz = make.quiz(chapter)
    a, gone = make.member(chapter, "An"), make.member(chapter, "Bình", active=False)
    sit(quiz, a, 50.0)
    sit(quiz, gone, 100.0)
    late = Attempt(
        quiz=quiz,
        member=make.member(chapter, "Chi"),
        number=1,
        started_at=DURING,
        deadline=DURING + timedelta(minutes=30),
        state=AttemptState.IN_PROGRESS,
    )
    db.session.add(late)
    db.session.flush()
    assert _names(ranking(quiz)) == [(1, "An")]


def test_a_page_of_the_ranking_keeps_global_ranks(make, chapter):
    quiz = make.quiz(chapter)
    for i in range(5):
        sit(quiz, make.member(chapter, f"Người {i}"), 50.0 + i)
    page = ranking(quiz, limit=2, offset=2)
    assert _names(page) == [(3, "Người 2"), (4, "Người 1")]
    assert page.total == 5


def test_a_round_must_share_the_contest_audience(make):
    tree = make.province()
    contest = rounds.create_contest("Cuộc thi", tree["province"], BEFORE)
    with pytest.raises(rounds.ContestError):
        rounds.add_round(contest, make.quiz(tree["na_san"]))
    quiz = make.quiz(tree["province"])
    assert rounds.add_round(contest, quiz).label == "Vòng 1"
    with pytest.raises(rounds.ContestError):
        rounds.add_round(contest, quiz)


@pytest.mark.parametrize("guess", [None, 7])
def test_a_page_that_begins_inside_a_tie_shows_the_tie_rank(make, chapter, guess):
    """The tie began on the page before: its rank is counted from the rows strictly better, and
    whether a row guessed (a yes/no) is compared like the other rules."""
    quiz = make.quiz(chapter, prediction_question="Bao nhiêu người tham gia?")
    best, *tied = (make.member(chapter, n) for n in ("An", "Bình", "Chi", "Dũng"))
    sit(quiz, best, 90.0, guess=guess, seconds=60)
    for member in tied:
        sit(quiz, member, 80.0, guess=guess, seconds=300)
    second_page = ranking(quiz, limit=2, offset=2)
    assert [(r.rank, r.tied) for r in second_page.rows] == [(2, True), (2, True)]
    assert second_page.total == 4
