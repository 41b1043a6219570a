"""Regrade re-scores finished attempts with a corrected version's keys and keeps the first score."""

from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import Participation
from quizapp.services.attempts import certificates
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.quizzes import regrade
from tests.quizkit import DURING, make_quiz

FIXED = {"0-single": {"correct": [1]}}  # version 2 says option 1 ("Huế") is the key


@pytest.fixture
def tree(make):
    return make.province()


def finished_with(make, quiz, tree, answers: dict, name="Lò Thị Mai"):
    """An attempt answered by question uid, submitted."""
    attempt = attempts.start_attempt(quiz, make.member(tree["na_san"], name), DURING)
    for item in attempt.items:
        if item.question.uid in answers:
            attempts.save_answer(
                attempt, item.question_id, answers[item.question.uid], 1, False, DURING
            )
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=5))
    return attempt


def test_corrected_key_changes_the_score_and_keeps_the_first(make, tree):
    quiz = make_quiz(make, tree["province"], pass_mark=0)
    attempt = finished_with(make, quiz, tree, {"0-single": 1, "1-single": 0})
    assert attempt.score == 1.0
    report = regrade.regrade_quiz(quiz, make.bank(keys=FIXED), DURING + timedelta(days=1))
    assert report.keys_changed == ["0-single"] and len(report.changes) == 1
    assert (attempt.previous_score, attempt.score) == (1.0, 2.0)
    assert attempt.items[0].score == 1.0


def test_a_second_regrade_keeps_the_original_score(make, tree):
    quiz = make_quiz(make, tree["province"])
    attempt = finished_with(make, quiz, tree, {"0-single": 1})
    regrade.regrade_quiz(quiz, make.bank(keys=FIXED), DURING + timedelta(days=1))
    regrade.regrade_quiz(
        quiz, make.bank(keys={"0-single": {"correct": [2]}}), DURING + timedelta(days=2)
    )
    assert (attempt.previous_score, attempt.score) == (0.0, 0.0)


def test_question_whose_options_changed_keeps_its_old_key(make, tree):
    quiz = make_quiz(make, tree["province"])
    attempt = finished_with(make, quiz, tree, {"0-single": 0})
    corrected = make.bank(
        edits={
            "0-single": {
                "options": ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Vinh"],
                "answer": {"correct": [4]},
            }
        }
    )
    report = regrade.regrade_quiz(quiz, corrected, DURING + timedelta(days=1))
    assert "0-single" in report.unmatched
    assert attempt.score == 1.0 and report.changes == []


def test_attempt_running_during_the_regrade_is_graded_with_the_corrected_key(make, tree):
    quiz = make_quiz(make, tree["province"])
    running = attempts.start_attempt(quiz, make.member(tree["na_san"]), DURING)
    attempts.save_answer(running, running.items[0].question_id, 1, 1, False, DURING)
    report = regrade.regrade_quiz(quiz, make.bank(keys=FIXED), DURING + timedelta(minutes=1))
    assert report.quiz_moved
    attempts.submit_attempt(running, DURING + timedelta(minutes=2))
    assert running.score == 1.0


def test_passing_after_regrade_earns_a_certificate_and_failing_voids_it(make, tree):
    quiz = make_quiz(make, tree["province"], pass_mark=10)
    gains = finished_with(make, quiz, tree, {"0-single": 1}, name="Cầm Văn Bình")
    loses = finished_with(make, quiz, tree, {"0-single": 0}, name="Lò Thị Mai")
    assert loses.passed and not gains.passed
    regrade.regrade_quiz(quiz, make.bank(keys=FIXED), DURING + timedelta(days=1))
    assert gains.passed and certificates.verify(gains.certificate_code).valid
    assert not loses.passed and certificates.verify(loses.certificate_code).valid is False
    rows = {p.member_id: p.passed for p in db.session.scalars(db.select(Participation))}
    assert rows == {gains.member_id: True, loses.member_id: False}


def test_version_of_another_bank_is_refused(make, tree):
    quiz = make_quiz(make, tree["province"])
    with pytest.raises(regrade.RegradeError):
        regrade.regrade_quiz(quiz, make.bank("khac"), DURING)


def test_regrade_command_rescores_answers_whose_number_now_reads_differently(make, tree, runner):
    """Upgrading to the Vietnamese reading of numbers: `quizapp regrade QUIZ` is the one-off."""
    version = make.bank(keys={"0-numeric": {"value": 1500, "tolerance": 0}})
    quiz = make_quiz(make, tree["province"], version=version, pass_mark=0)
    attempt = finished_with(make, quiz, tree, {"0-numeric": "1.500"})
    assert attempt.score == 1.0  # graded today as one thousand five hundred
    item = next(i for i in attempt.items if i.question.uid == "0-numeric")
    item.score, attempt.score = 0.0, 0.0  # as the old reading (1.5) had stored it
    db.session.commit()
    result = runner.invoke(args=["regrade", str(quiz.id), "--version", str(version.number)])
    assert result.exit_code == 0, result.output
    assert "1 bài đổi điểm" in result.output
    db.session.refresh(attempt)
    assert (attempt.previous_score, attempt.score) == (0.0, 1.0)
