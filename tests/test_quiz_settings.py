"""Quiz settings are validated field by field with Vietnamese messages, then created, updated, copied."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.quizzes import settings as quizzes
from tests.quizkit import CLOSES, DURING, OPENS, make_quiz, settings


@pytest.fixture
def version(make):
    return make.bank()


def errors_for(version, **overrides):
    return quizzes.validate_settings(version, settings(**overrides))


def test_valid_settings_have_no_errors(version):
    assert errors_for(version) == {}


def test_window_ending_before_it_opens_is_refused(version):
    errors = errors_for(version, closes_at=OPENS - timedelta(hours=1))
    assert errors == {"closes_at": "Thời điểm đóng phải sau thời điểm mở."}


@pytest.mark.parametrize("value", [0, -60])
def test_time_limit_must_be_positive(version, value):
    assert "lớn hơn 0" in errors_for(version, time_limit_seconds=value)["time_limit_seconds"]


@pytest.mark.parametrize("value", [-1, 100.5, 150])
def test_pass_mark_outside_0_100_is_refused(version, value):
    assert "từ 0 đến 100" in errors_for(version, pass_mark=value)["pass_mark"]


@pytest.mark.parametrize("value", [0, 101])
def test_target_rate_outside_range_is_refused(version, value):
    assert "Chỉ tiêu" in errors_for(version, target_rate=value)["target_rate"]


def test_draw_rules_asking_more_than_a_topic_has_name_the_topic(version):
    message = errors_for(version, draw_rules={"per_topic": {"Chủ đề A": 9}})["draw_rules"]
    assert "Chủ đề A" in message and "chỉ có 5 câu" in message


def test_draw_rules_naming_an_unknown_topic_are_refused(version):
    message = errors_for(version, draw_rules={"per_topic": {"Kinh tế": 1}})["draw_rules"]
    assert "không có chủ đề 'Kinh tế'" in message


def test_draw_total_larger_than_the_bank_is_refused(version):
    message = errors_for(version, draw_rules={"total": 11})["draw_rules"]
    assert "11" in message and "10" in message


def test_draw_rules_that_draw_nothing_are_refused(version):
    assert (
        "ít nhất 1" in errors_for(version, draw_rules={"per_topic": {"Chủ đề A": 0}})["draw_rules"]
    )


def test_several_problems_are_reported_together(version):
    errors = errors_for(version, title=" ", time_limit_seconds=0, pass_mark=101, attempts_allowed=0)
    assert set(errors) == {"title", "time_limit_seconds", "pass_mark", "attempts_allowed"}


def test_prediction_answer_needs_a_question(version):
    assert "prediction_question" in errors_for(version, prediction_answer=120)


def test_questions_per_attempt_follows_the_rules(version):
    assert quizzes.questions_per_attempt(version, None) == 10
    assert quizzes.questions_per_attempt(version, {"per_topic": 2}) == 4
    assert quizzes.questions_per_attempt(version, {"per_topic": {"Chủ đề B": 3}}) == 3
    assert quizzes.questions_per_attempt(version, {"total": 7}) == 7


def test_create_refuses_invalid_settings_with_every_error(make, version):
    tree = make.province()
    with pytest.raises(quizzes.QuizSettingsError) as caught:
        quizzes.create_quiz(
            version, tree["province"], settings(pass_mark=-5, target_rate=0), None, OPENS
        )
    assert set(caught.value.errors) == {"pass_mark", "target_rate"}


def test_create_keeps_every_setting(make, version):
    tree = make.province()
    quiz = make_quiz(
        make,
        tree["mai_son"],
        version,
        draw_rules={"total": 4},
        attempts_allowed=None,
        review_policy="after_close",
        target_date=date(2025, 3, 9),
        prediction_question=" Bao nhiêu? ",
    )
    assert quiz.audience_unit == tree["mai_son"] and quiz.bank_version == version
    assert quiz.draw_rules == {"total": 4} and quiz.attempts_allowed is None
    assert quiz.prediction_question == "Bao nhiêu?"
    assert quizzes.settings_of(quiz).review_policy == "after_close"


def test_duplicate_copies_settings_under_a_new_title(make, version):
    tree = make.province()
    quiz = make_quiz(make, tree["province"], version, pass_mark=70)
    copy = quizzes.duplicate_quiz(quiz, None, OPENS)
    assert copy.id != quiz.id
    assert copy.title.endswith("(bản sao)") and copy.pass_mark == 70
    assert copy.bank_version == version


def test_closing_early_shortens_deadlines_of_running_attempts(make, version):
    tree = make.province()
    quiz = make_quiz(make, tree["province"], version)
    attempt = attempts.start_attempt(quiz, make.member(tree["na_san"]), DURING)
    quizzes.close_early(quiz, DURING + timedelta(minutes=5))
    assert attempt.deadline == DURING + timedelta(minutes=5)
    assert quiz.effective_closes_at == DURING + timedelta(minutes=5)


def test_raising_the_pass_mark_re_decides_finished_attempts(make, version):
    tree = make.province()
    quiz = make_quiz(make, tree["province"], version, pass_mark=0)
    attempt = attempts.start_attempt(quiz, make.member(tree["na_san"]), DURING)
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=1))
    assert attempt.passed is True
    quizzes.update_quiz(quiz, settings(pass_mark=50), DURING)
    assert attempt.passed is False


def test_audience_cannot_change_once_members_started(make, version):
    tree = make.province()
    quiz = make_quiz(make, tree["province"], version)
    attempts.start_attempt(quiz, make.member(tree["na_san"]), DURING)
    with pytest.raises(quizzes.QuizSettingsError) as caught:
        quizzes.update_quiz(quiz, settings(), DURING, audience=tree["moc_chau"])
    assert "audience_unit" in caught.value.errors


def test_find_bank_version_by_slug_latest_or_numbered(make):
    first = make.bank("nq")
    second = make.bank("nq")
    assert quizzes.find_bank_version("nq") == second
    assert quizzes.find_bank_version("nq", 1) == first
    assert quizzes.find_bank_version("khong-co") is None


def test_quizzes_for_unit_lists_those_whose_audience_covers_it(make, version):
    tree = make.province()
    province_quiz = make_quiz(make, tree["province"], version)
    make_quiz(make, tree["moc_chau"], version)
    assert [q.id for q in attempts.quizzes_for_unit(tree["na_san"])] == [province_quiz.id]


@pytest.mark.parametrize(
    "at,expected",
    [
        (OPENS - timedelta(seconds=1), "scheduled"),
        (OPENS, "open"),
        (DURING, "open"),
        (CLOSES - timedelta(seconds=1), "open"),
        (CLOSES, "closed"),
        (CLOSES + timedelta(days=1), "closed"),
    ],
)
def test_status_follows_the_window_in_python_and_in_sql(make, version, at, expected):
    quiz = make_quiz(make, make.province()["province"], version)
    assert quiz.status(at) == expected and quiz.is_open(at) == (expected == "open")
    assert db.session.scalar(select(Quiz.status(at)).where(Quiz.id == quiz.id)) == expected
    assert db.session.scalars(select(Quiz.id).where(Quiz.status(at) == expected)).all() == [quiz.id]


def test_a_quiz_closed_early_says_so_from_that_moment(make, version):
    quiz = make_quiz(make, make.province()["province"], version)
    early = DURING + timedelta(minutes=5)
    quizzes.close_early(quiz, early)
    for at, expected in [
        (DURING, "open"),
        (early, "closed_early"),
        (CLOSES + timedelta(days=1), "closed_early"),
    ]:
        assert quiz.status(at) == expected
        assert db.session.scalar(select(Quiz.status(at)).where(Quiz.id == quiz.id)) == expected
    assert not quiz.is_open(early)
