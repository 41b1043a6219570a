"""Start, save, submit and finalise follow the attempt lifecycle invariants (frozen clock)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptState, Participation, QuizAllowance, Response
from quizapp.services.attempts import certificates
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.quizzes import overrides as quiz_overrides
from tests.quizkit import AFTER, CLOSES, DURING, LIMIT, OPENS, make_quiz, right_answers


@pytest.fixture
def tree(make):
    return make.province()


@pytest.fixture
def member(make, tree):
    return make.member(tree["na_san"], "Lò Thị Mai")


@pytest.fixture
def quiz(make, tree):
    return make_quiz(make, tree["province"])


def stored(attempt):
    return {
        r.question_id: (r.answer, r.seq)
        for r in db.session.scalars(
            select(Response)
            .where(Response.attempt_id == attempt.id)
            .execution_options(populate_existing=True)
        )
    }


def first_qid(attempt, qtype="single"):
    return next(i.question_id for i in attempt.items if i.question.qtype == qtype)


def test_start_snapshots_every_question_in_bank_order(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    assert [i.position for i in attempt.items] == list(range(1, 11))
    assert [i.question.position for i in attempt.items] == list(range(10))
    assert all(i.option_order == list(range(len(i.question.options))) for i in attempt.items)


def test_shuffles_are_seeded_per_attempt(make, tree, member):
    quiz = make_quiz(make, tree["province"], shuffle_questions=True, shuffle_options=True)
    other = make.member(tree["na_san"], "Cầm Văn Bình")
    a = attempts.start_attempt(quiz, member, DURING, seed=7)
    b = attempts.start_attempt(quiz, other, DURING, seed=7)
    assert [(i.question.uid, i.option_order) for i in a.items] == [
        (i.question.uid, i.option_order) for i in b.items
    ]
    assert [i.question.position for i in a.items] != list(range(10))


def test_true_false_options_are_never_shuffled(make, tree, member):
    quiz = make_quiz(make, tree["province"], shuffle_options=True)
    attempt = attempts.start_attempt(quiz, member, DURING, seed=3)
    assert all(i.option_order == [0, 1] for i in attempt.items if i.question.qtype == "true_false")


def test_draw_per_topic_takes_n_from_each_named_topic(make, tree, member):
    quiz = make_quiz(
        make, tree["province"], draw_rules={"per_topic": {"Chủ đề A": 2, "Chủ đề B": 3}}
    )
    attempt = attempts.start_attempt(quiz, member, DURING, seed=1)
    topics = [i.question.topic.title for i in attempt.items]
    assert topics.count("Chủ đề A") == 2 and topics.count("Chủ đề B") == 3


def test_draw_total_takes_n_distinct_questions(make, tree, member):
    quiz = make_quiz(make, tree["province"], draw_rules={"total": 6})
    attempt = attempts.start_attempt(quiz, member, DURING, seed=5)
    assert len({i.question_id for i in attempt.items}) == 6


def test_deadline_is_start_plus_limit(quiz, member):
    assert attempts.start_attempt(quiz, member, DURING).deadline == DURING + LIMIT


def test_deadline_is_capped_by_the_close(quiz, member):
    start = CLOSES - timedelta(minutes=10)
    assert attempts.start_attempt(quiz, member, start).deadline == CLOSES


def test_extra_time_allowance_extends_the_deadline(quiz, member):
    quiz_overrides.grant_allowance(quiz, member, None, DURING, extra_seconds=600)
    assert attempts.start_attempt(quiz, member, DURING).deadline == DURING + LIMIT + timedelta(
        minutes=10
    )


def test_extra_time_granted_during_an_attempt_applies_at_once(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    quiz_overrides.grant_allowance(
        quiz, member, None, DURING + timedelta(minutes=5), extra_seconds=300
    )
    assert attempt.deadline == DURING + LIMIT + timedelta(minutes=5)


def test_starting_again_resumes_the_attempt_in_progress(quiz, member):
    first = attempts.start_attempt(quiz, member, DURING)
    assert attempts.start_attempt(quiz, member, DURING + timedelta(minutes=3)) is first


@pytest.mark.parametrize(
    "when,code", [(OPENS - timedelta(seconds=1), "not_open"), (CLOSES, "closed"), (AFTER, "closed")]
)
def test_start_outside_the_window_is_refused(quiz, member, when, code):
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.start_attempt(quiz, member, when)
    assert caught.value.code == code


def test_start_outside_the_audience_is_refused(make, tree, member):
    quiz = make_quiz(make, tree["moc_chau"])
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.start_attempt(quiz, member, DURING)
    assert caught.value.code == "not_in_audience"


def test_inactive_member_cannot_start(quiz, member):
    member.active = False
    with pytest.raises(attempts.AttemptError):
        attempts.start_attempt(quiz, member, DURING)


def test_attempts_allowed_are_enforced_and_extra_attempts_lift_it(quiz, member):
    for n in range(2):
        attempts.submit_attempt(
            attempts.start_attempt(quiz, member, DURING + timedelta(hours=n)),
            DURING + timedelta(hours=n, minutes=1),
        )
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.start_attempt(quiz, member, DURING + timedelta(hours=3))
    assert caught.value.code == "no_attempts_left"
    quiz_overrides.grant_allowance(quiz, member, None, DURING, extra_attempts=1)
    assert attempts.start_attempt(quiz, member, DURING + timedelta(hours=3)).number == 3


def test_start_counts_the_member_as_in_progress(quiz, member):
    attempts.start_attempt(quiz, member, DURING)
    row = db.session.get(Participation, (quiz.id, member.id))
    assert row.attempts_started == 1 and row.attempts_finished == 0


def test_newest_sequence_number_wins(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt)
    attempts.save_answer(attempt, qid, 1, 2, False, DURING)
    result = attempts.save_answer(
        attempt, qid, 3, 1, False, DURING
    )  # a late retry of an older change
    assert result.accepted is False and result.stored_seq == 2
    assert stored(attempt)[qid] == (1, 2)


def test_retrying_the_same_save_is_harmless(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt)
    for _ in range(3):
        result = attempts.save_answer(attempt, qid, 2, 5, True, DURING)
        assert result.accepted and result.stored_seq == 5
    assert stored(attempt)[qid] == (2, 5)


def test_another_tabs_answer_with_the_same_seq_is_not_reported_as_kept(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt)
    assert attempts.save_answer(attempt, qid, 1, 4, False, DURING).accepted
    other_tab = attempts.save_answer(attempt, qid, 2, 4, False, DURING)
    assert other_tab.accepted is False and stored(attempt)[qid] == (1, 4)


def test_clearing_an_answer_stores_none(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt, "short")
    attempts.save_answer(attempt, qid, "Đoàn", 1, False, DURING)
    attempts.save_answer(attempt, qid, "", 2, False, DURING)
    assert stored(attempt)[qid] == (None, 2)


def test_answer_within_the_grace_is_accepted(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    result = attempts.save_answer(
        attempt, first_qid(attempt), 0, 1, False, attempt.deadline + timedelta(seconds=60)
    )
    assert result.accepted


def test_answer_after_the_grace_is_refused_and_the_attempt_finalised_at_its_deadline(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt)
    attempts.save_answer(attempt, qid, 0, 1, False, DURING + timedelta(minutes=1))
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.save_answer(attempt, qid, 1, 2, False, attempt.deadline + timedelta(seconds=61))
    assert caught.value.code == "too_late" and "hết giờ" in caught.value.message
    assert attempt.state == AttemptState.FINISHED_OVERDUE
    assert attempt.finished_at == attempt.deadline
    assert stored(attempt)[qid] == (0, 1)
    assert attempt.items[0].score == 1.0


def test_save_after_submit_never_changes_the_final_answers(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt)
    attempts.save_answer(attempt, qid, 0, 1, False, DURING)
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=2))
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.save_answer(attempt, qid, 3, 9, False, DURING + timedelta(minutes=2))
    assert caught.value.code == "finished"
    assert stored(attempt)[qid] == (0, 1)


def test_question_outside_the_snapshot_is_refused(make, tree, quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    foreign = make.bank("khac").questions[0]
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.save_answer(attempt, foreign.id, 0, 1, False, DURING)
    assert caught.value.code == "bad_question"


@pytest.mark.parametrize("seq", [0, -1, 2**31, "1", True])
def test_bad_sequence_numbers_are_refused(quiz, member, seq):
    attempt = attempts.start_attempt(quiz, member, DURING)
    with pytest.raises(attempts.AttemptError):
        attempts.save_answer(attempt, first_qid(attempt), 0, seq, False, DURING)


def test_answer_that_does_not_fit_the_question_is_refused(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    with pytest.raises(attempts.AttemptError) as caught:
        attempts.save_answer(attempt, first_qid(attempt), 7, 1, False, DURING)
    assert caught.value.code == "bad_answer"


def test_submitting_right_answers_scores_full_marks_and_passes(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    for seq, (qid, answer) in enumerate(right_answers(attempt).items(), start=1):
        attempts.save_answer(attempt, qid, answer, seq, False, DURING)
    assert attempts.submit_attempt(attempt, DURING + timedelta(minutes=12)) is True
    assert (attempt.state, attempt.finished_at) == (
        AttemptState.FINISHED,
        DURING + timedelta(minutes=12),
    )
    assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
        10.0,
        10.0,
        100.0,
        True,
    )
    assert (
        attempt.certificate_code
        and certificates.verify(attempt.certificate_code).full_name == "Lò Thị Mai"
    )


def test_submitting_nothing_scores_zero_without_certificate(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=1))
    assert (attempt.percent, attempt.passed, attempt.certificate_code) == (0.0, False, None)


def test_finalisation_happens_once_and_counts_once(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    assert attempts.submit_attempt(attempt, DURING + timedelta(minutes=1)) is True
    assert attempts.submit_attempt(attempt, DURING + timedelta(minutes=2)) is False
    assert attempts.finalise_overdue(attempt, AFTER) == 0
    assert attempt.finished_at == DURING + timedelta(minutes=1)
    assert db.session.get(Participation, (quiz.id, member.id)).attempts_finished == 1


def test_submit_after_the_deadline_ends_at_the_deadline(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    attempts.submit_attempt(attempt, attempt.deadline + timedelta(seconds=20))
    assert (attempt.state, attempt.finished_at) == (AttemptState.FINISHED_OVERDUE, attempt.deadline)


def test_finalise_overdue_leaves_attempts_within_grace_alone(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    assert attempts.finalise_overdue(attempt, attempt.deadline + timedelta(seconds=30)) == 0
    assert attempt.state == AttemptState.IN_PROGRESS


def test_finalise_overdue_on_a_query_finalises_only_overdue_ones(make, tree, quiz, member):
    late = attempts.start_attempt(quiz, member, DURING)
    fresh = attempts.start_attempt(
        quiz, make.member(tree["moc_ly"]), DURING + timedelta(minutes=40)
    )
    now = DURING + timedelta(minutes=45)
    assert attempts.finalise_overdue(attempts.overdue_query(now), now) == 1
    assert late.state == AttemptState.FINISHED_OVERDUE and fresh.state == AttemptState.IN_PROGRESS


def test_starting_after_an_overdue_attempt_finalises_it_and_starts_the_next(quiz, member):
    first = attempts.start_attempt(quiz, member, DURING)
    second = attempts.start_attempt(quiz, member, DURING + timedelta(hours=2))
    assert first.state == AttemptState.FINISHED_OVERDUE and second.number == 2


def test_reopened_attempt_keeps_answers_and_is_finalised_again(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = first_qid(attempt)
    attempts.save_answer(attempt, qid, 0, 1, False, DURING)
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=1))
    reopen_at = DURING + timedelta(hours=1)
    quiz_overrides.reopen_attempt(attempt, None, reopen_at, 600)
    assert attempt.state == AttemptState.IN_PROGRESS and attempt.deadline == reopen_at + timedelta(
        minutes=10
    )
    assert db.session.get(Participation, (quiz.id, member.id)).attempts_finished == 0
    attempts.save_answer(attempt, first_qid(attempt, "true_false"), 0, 1, False, reopen_at)
    attempts.submit_attempt(attempt, reopen_at + timedelta(minutes=2))
    assert attempt.score == 2.0
    assert db.session.get(Participation, (quiz.id, member.id)).attempts_finished == 1


def test_reopening_an_attempt_in_progress_is_refused(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    with pytest.raises(attempts.AttemptError):
        quiz_overrides.reopen_attempt(attempt, None, DURING, 600)


def test_prediction_guess_is_kept_as_an_integer(make, tree, member):
    quiz = make_quiz(make, tree["province"], prediction_question="Bao nhiêu người tham gia?")
    attempt = attempts.start_attempt(quiz, member, DURING)
    assert attempts.save_prediction(attempt, "12.500", DURING) == 12500
    with pytest.raises(attempts.AttemptError):
        attempts.save_prediction(attempt, "12,5", DURING)


def test_prediction_is_refused_when_the_quiz_has_none(quiz, member):
    attempt = attempts.start_attempt(quiz, member, DURING)
    with pytest.raises(attempts.AttemptError):
        attempts.save_prediction(attempt, "5", DURING)


def test_negative_allowance_is_refused(quiz, member):
    with pytest.raises(attempts.AttemptError):
        quiz_overrides.grant_allowance(quiz, member, None, DURING, extra_seconds=-5)
    assert db.session.scalar(select(QuizAllowance)) is None
