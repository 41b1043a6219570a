"""`quizapp quiz create|list|allow|reopen`, `quizapp sweep` and `quizapp regrade` from the command line."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Participation, Quiz, QuizAllowance
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.quizzes import settings as quizzes
from tests.quizkit import make_quiz


@pytest.fixture
def tree(make):
    tree = make.province()
    make.bank("nq12")
    db.session.commit()
    return tree


CREATE = [
    "quiz",
    "create",
    "--bank",
    "nq12",
    "--title",
    "Tìm hiểu Nghị quyết",
    "--audience",
    "SL",
    "--opens",
    "2025-03-03 08:00",
    "--closes",
    "2025-03-10 17:00",
]


def test_create_quiz_from_a_bank_slug_with_every_setting(runner, tree):
    result = runner.invoke(
        args=CREATE
        + [
            "--time-limit",
            "20",
            "--per-topic",
            "Chủ đề A=2",
            "--per-topic",
            "Chủ đề B=3",
            "--no-shuffle-options",
            "--attempts",
            "unlimited",
            "--grading",
            "last",
            "--pass-mark",
            "80",
            "--review",
            "after_close",
            "--target-rate",
            "95",
            "--target-date",
            "2025-03-09",
            "--prediction-question",
            "Bao nhiêu bài?",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "5 câu/lượt" in result.output
    quiz = db.session.scalar(select(Quiz))
    assert quiz.opens_at.hour == 1  # 08:00 in Hà Nội is 01:00 UTC
    assert quiz.time_limit_seconds == 1200 and quiz.attempts_allowed is None
    assert quiz.draw_rules == {"per_topic": {"Chủ đề A": 2, "Chủ đề B": 3}}
    assert (quiz.grading_policy, quiz.pass_mark, quiz.review_policy) == ("last", 80, "after_close")
    assert quiz.shuffle_questions and not quiz.shuffle_options


def test_create_reports_every_invalid_setting_by_option(runner, tree):
    result = runner.invoke(
        args=[
            "quiz",
            "create",
            "--bank",
            "nq12",
            "--title",
            "X",
            "--audience",
            "SL",
            "--opens",
            "2025-03-10 08:00",
            "--closes",
            "2025-03-03 08:00",
            "--pass-mark",
            "120",
            "--draw",
            "total:50",
        ]
    )
    assert result.exit_code != 0
    assert "--closes: Thời điểm đóng phải sau thời điểm mở." in result.output
    assert "--pass-mark" in result.output and "--draw/--per-topic" in result.output
    assert db.session.scalar(select(Quiz)) is None


def test_create_with_unknown_bank_says_so(runner, tree):
    result = runner.invoke(
        args=[
            "quiz",
            "create",
            "--bank",
            "khong-co",
            "--title",
            "X",
            "--audience",
            "SL",
            "--opens",
            "2025-03-03 08:00",
            "--closes",
            "2025-03-04 08:00",
        ]
    )
    assert result.exit_code != 0 and "Không có ngân hàng 'khong-co'" in result.output


def test_create_if_absent_is_idempotent(runner, tree):
    runner.invoke(args=CREATE + ["--if-absent"])
    result = runner.invoke(args=CREATE + ["--if-absent"])
    assert result.exit_code == 0 and "không tạo thêm" in result.output
    assert len(db.session.scalars(select(Quiz)).all()) == 1


def test_list_shows_quizzes(runner, tree):
    runner.invoke(args=CREATE)
    result = runner.invoke(args=["quiz", "list"])
    assert "Tìm hiểu Nghị quyết" in result.output and "nq12 v1" in result.output


def _running_attempt(make, tree, started):
    quiz = make_quiz(
        make,
        tree["province"],
        quizzes.find_bank_version("nq12"),
        opens_at=started - timedelta(days=1),
        closes_at=started + timedelta(days=2),
    )
    member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
    attempt = attempts.start_attempt(quiz, member, started)
    db.session.commit()
    return quiz, member, attempt


def test_sweep_finalises_overdue_attempts(runner, make, tree):
    _quiz, _member, attempt = _running_attempt(make, tree, now_utc() - timedelta(hours=2))
    result = runner.invoke(args=["sweep"])
    assert "Đã kết thúc 1 bài làm quá giờ." in result.output
    db.session.expire_all()
    assert (
        attempt.state == AttemptState.FINISHED_OVERDUE and attempt.finished_at == attempt.deadline
    )


def test_allow_gives_extra_time(runner, make, tree):
    quiz, _member, attempt = _running_attempt(make, tree, now_utc() - timedelta(minutes=5))
    before = attempt.deadline
    result = runner.invoke(args=["quiz", "allow", str(quiz.id), "DV-MAI", "--extra-minutes", "15"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(QuizAllowance)).extra_seconds == 900
    assert attempt.deadline == before + timedelta(minutes=15)


def test_reopen_a_finished_attempt(runner, make, tree):
    _quiz, _member, attempt = _running_attempt(make, tree, now_utc() - timedelta(minutes=5))
    attempts.submit_attempt(attempt, now_utc())
    db.session.commit()
    result = runner.invoke(args=["quiz", "reopen", str(attempt.id), "--minutes", "5"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_regrade_uses_the_corrected_key_and_keeps_the_first_score(runner, make, tree):
    quiz, member, attempt = _running_attempt(make, tree, now_utc() - timedelta(minutes=5))
    single = next(i for i in attempt.items if i.question.uid == "0-single")
    attempts.save_answer(
        attempt, single.question_id, 1, 1, False, now_utc()
    )  # wrong by the old key
    attempts.submit_attempt(attempt, now_utc())
    make.bank("nq12", keys={"0-single": {"correct": [1]}})  # version 2 fixes the key
    db.session.commit()
    result = runner.invoke(args=["regrade", str(quiz.id)])
    assert result.exit_code == 0, result.output
    assert "1 bài đổi điểm" in result.output and "0-single" in result.output
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert (attempt.previous_score, attempt.score) == (0.0, 1.0)
    assert attempt.regraded_at is not None
    assert quiz.bank_version.number == 2
    assert db.session.get(Participation, (quiz.id, member.id)).best_percent == 10.0


def test_regrade_dry_run_writes_nothing(runner, make, tree):
    quiz, _member, attempt = _running_attempt(make, tree, now_utc() - timedelta(minutes=5))
    attempts.save_answer(attempt, attempt.items[0].question_id, 1, 1, False, now_utc())
    attempts.submit_attempt(attempt, now_utc())
    make.bank("nq12", keys={"0-single": {"correct": [1]}})
    db.session.commit()
    result = runner.invoke(args=["regrade", str(quiz.id), "--dry-run"])
    assert "chạy thử" in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).previous_score is None
