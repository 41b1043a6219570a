"""The stored ranking keys and the ranking read from them equal a brute-force recomputation from
attempts, after random finalisations, regrades, roster changes, a prediction answer entered
late and the rebuild command (both databases)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Member, Participation
from quizapp.services.contests import results, rounds
from quizapp.services.contests.ranking import ranking
from quizapp.services.quizzes import settings as quiz_settings
from quizapp.services.reports import participation, rank_keys
from tests.contestkit import sit
from tests.timeline import AFTER, BEFORE, DURING

attempt_st = st.tuples(
    st.sampled_from([40.0, 80.0, 80.0, 100.0, None]),  # percent (None: never graded)
    st.sampled_from([None, 7, 9, 11, 13]),  # guess
    st.sampled_from([60.0, 60.0, 61.5, 600.0005, 59.9994]),  # seconds taken
    st.sampled_from([0, 0, 5]),  # minutes after DURING it started
    st.booleans(),  # finished (else still in progress)
)
scenario = st.fixed_dictionaries(
    {
        "policy": st.sampled_from(["highest", "first", "last"]),
        "question": st.booleans(),
        "answer": st.sampled_from([None, 10, 11]),
        "late_answer": st.sampled_from([None, 9, 12]),  # entered through the settings afterwards
        "contest": st.sampled_from(
            [None, (True, True), (False, True), (True, False), (False, False)]
        ),
        "members": st.lists(
            st.tuples(st.lists(attempt_st, max_size=3), st.booleans()), min_size=1, max_size=12
        ),
        "regrade": st.lists(
            st.tuples(st.integers(0, 40), st.sampled_from([0.0, 80.0, 100.0])), max_size=4
        ),
        "page": st.tuples(st.integers(1, 5), st.integers(0, 8)),
    }
)


def _build(make, data):
    chapter = make.province()["na_san"]
    question = "Bao nhiêu người trả lời đúng hết?" if data["question"] else None
    quiz = make.quiz(
        chapter,
        attempts_allowed=None,
        grading_policy=data["policy"],
        prediction_question=question,
        prediction_answer=data["answer"] if question else None,
    )
    contest = None
    if data["contest"]:
        contest = rounds.create_contest(
            "Cuộc thi",
            chapter,
            BEFORE,
            use_prediction=data["contest"][0],
            use_time=data["contest"][1],
        )
    members = []
    for i, (attempts, active) in enumerate(data["members"]):
        member = make.member(chapter, f"Đoàn viên {i}")
        members.append((member, active))
        for number, (percent, guess, seconds, minutes, finished) in enumerate(attempts, start=1):
            start = DURING + timedelta(minutes=minutes + number)
            attempt = Attempt(
                quiz=quiz,
                member=member,
                number=number,
                started_at=start,
                deadline=start + timedelta(minutes=30),
                state=AttemptState.IN_PROGRESS,
                prediction_guess=guess,
            )
            db.session.add(attempt)
            db.session.flush()
            participation.record_start(attempt, start)
            if finished:
                attempt.state = AttemptState.FINISHED
                attempt.finished_at = start + timedelta(seconds=seconds)
                attempt.percent = percent
                db.session.flush()
                participation.record_finish(attempt)
        if i == len(data["members"]) // 2 and contest is not None:
            rounds.add_round(contest, quiz)  # the quiz becomes a round halfway through
    for member, active in members:
        if not active:
            old = (member.chapter_id, member.active, member.is_cadre)
            member.active = False
            db.session.flush()
            participation.member_changed(member, *old)
    return quiz, contest


def _regrade(quiz, changes) -> None:
    """What a regrade does: new percents on finished attempts, then the quiz's read models rebuilt."""
    finished = list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.state != AttemptState.IN_PROGRESS)
            .order_by(Attempt.id)
        )
    )
    if not finished:
        return
    for index, percent in changes:
        finished[index % len(finished)].percent = percent
    db.session.flush()
    participation.rebuild_quiz(quiz)


def _brute_keys(quiz, contest) -> dict[int, tuple]:
    """Each ranked member's (percent, guess, distance, milliseconds, finished_at) from attempts."""
    prediction = bool(quiz.prediction_question) and (contest is None or contest.use_prediction)
    timed = contest is None or contest.use_time
    answer = quiz.prediction_answer
    out = {}
    for member in db.session.scalars(select(Member).where(Member.active.is_(True))):
        done = [
            a
            for a in db.session.scalars(
                select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.member_id == member.id)
            )
            if a.finished_at is not None
        ]
        if not done:
            continue

        def millis(a):
            micro = (a.finished_at - a.started_at) // timedelta(microseconds=1)
            return (micro + 500) // 1000

        def far(a):
            return (
                None
                if a.prediction_guess is None or answer is None
                else abs(a.prediction_guess - answer)
            )

        def better(a):
            rules = [-(a.percent or 0)]
            if prediction:
                rules += [
                    a.prediction_guess is None,
                    far(a) if far(a) is not None else float("inf"),
                ]
            if timed:
                rules.append(millis(a))
            return [*rules, a.finished_at, a.number]

        if quiz.grading_policy == "first":
            a = min(done, key=lambda a: a.number)
        elif quiz.grading_policy == "last":
            a = max(done, key=lambda a: a.number)
        else:
            a = min(done, key=better)
        out[member.id] = (a.percent or 0.0, a.prediction_guess, far(a), millis(a), a.finished_at)
    return out


def _stored_keys(quiz) -> dict[int, tuple]:
    rows = db.session.scalars(
        select(Participation).where(
            Participation.quiz_id == quiz.id, Participation.rank_percent.is_not(None)
        )
    )
    return {
        p.member_id: (p.rank_percent, p.rank_guess, p.rank_distance, p.rank_ms, p.rank_finished_at)
        for p in rows
    }


def _brute_ranking(quiz, contest, keys) -> list[tuple]:
    """(member id, rank, tied) best first, ties by member id: ranks counted by hand."""
    prediction = bool(quiz.prediction_question) and (contest is None or contest.use_prediction)
    timed = contest is None or contest.use_time

    def rule(k):
        percent, guess, far, ms, finished_at = k
        out = [-percent]
        if prediction:
            out += [guess is None, far if far is not None else 0]
        if timed:
            out.append(ms)
        return (*out, finished_at)

    ordered = sorted(keys, key=lambda m: (rule(keys[m]), m))
    return [
        (
            m,
            1 + sum(rule(keys[o]) < rule(keys[m]) for o in keys),
            sum(rule(keys[o]) == rule(keys[m]) for o in keys) > 1,
        )
        for m in ordered
    ]


def _check(quiz, contest, page) -> None:
    db.session.expire_all()
    keys = _brute_keys(quiz, contest)  # the quiz is a round of `contest` when there is one
    assert _stored_keys(quiz) == keys
    for ruled_by in {None, contest}:
        expected = _brute_ranking(quiz, ruled_by, keys)
        whole = ranking(quiz, ruled_by)
        assert [(r.member_id, r.rank, r.tied) for r in whole.rows] == expected
        assert whole.total == len(expected)
        size, number = page
        part = ranking(quiz, ruled_by, limit=size, offset=number * size)
        assert [(r.member_id, r.rank, r.tied) for r in part.rows] == expected[
            number * size : (number + 1) * size
        ]
        assert part.total == len(expected)


PROPERTIES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTIES
@given(data=scenario)
def test_stored_keys_and_ranking_equal_a_brute_force_recomputation(app, data):
    from tests.conftest import Factory

    try:
        quiz, contest = _build(Factory(), data)
        _check(quiz, contest, data["page"])
        _regrade(quiz, data["regrade"])
        _check(quiz, contest, data["page"])
        participation.rebuild_quiz(quiz)  # what `quizapp reports rebuild` does for each quiz
        _check(quiz, contest, data["page"])
        if quiz.prediction_question and data["late_answer"] is not None:
            new = replace(quiz_settings.settings_of(quiz), prediction_answer=data["late_answer"])
            quiz_settings.update_quiz(quiz, new, DURING)
            _check(quiz, contest, data["page"])
        if contest is not None:  # the console's other ways to change what ranks a round
            rounds.set_rules(
                contest,
                use_prediction=not contest.use_prediction,
                use_time=not contest.use_time,
                one_prize_per_contest=False,
            )
            _check(quiz, contest, data["page"])
            if quiz.prediction_question:
                results.set_prediction_answer(quiz, results.Source.PARTICIPANTS, AFTER)
                _check(quiz, contest, data["page"])
            rounds.remove_round(contest.rounds[0])
            _check(quiz, None, data["page"])
    finally:
        db.session.rollback()


def test_the_rebuild_command_rewrites_lost_keys(app, runner, make):
    chapter = make.province()["na_san"]
    quiz = make.quiz(chapter, prediction_question="Bao nhiêu?", prediction_answer=10)
    for i, (percent, guess) in enumerate([(80.0, 12), (80.0, None), (60.0, 10)]):
        sit(quiz, make.member(chapter, f"Đoàn viên {i}"), percent, guess=guess, seconds=60 + i)
    kept = _stored_keys(quiz)
    db.session.execute(update(Participation).values(dict.fromkeys(rank_keys.KEY_FIELDS)))
    db.session.commit()
    assert runner.invoke(args=["reports", "rebuild", str(quiz.id)]).exit_code == 0
    db.session.expire_all()
    assert _stored_keys(quiz) == kept == _brute_keys(quiz, None)
    assert [r.rank for r in ranking(quiz).rows] == [1, 2, 3]
