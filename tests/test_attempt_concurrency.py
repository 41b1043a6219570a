"""Real concurrency: threads, each with its own app context, session and connection.

Concurrent submits from several tabs/workers racing the sweep finalise an attempt exactly
once and count it once; saves racing a submit never change what was graded; concurrent
starts create one attempt.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Participation, Response, UnitQuizCounter
from quizapp.services.attempts import lifecycle as attempts
from tests.quizkit import DURING, make_quiz

THREADS = 6


def run_together(app, jobs):
    """Run each job(…) in its own thread and app context, released together; return results."""
    # End the test's own transaction: on SQLite every transaction holds the write lock.
    db.session.rollback()
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = job()
                db.session.commit()
            except Exception as err:  # noqa: BLE001 - reported to the test below
                db.session.rollback()
                results[index] = err
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    db.session.expire_all()
    return results


def setup_attempt(make):
    tree = make.province()
    quiz = make_quiz(make, tree["province"])
    member = make.member(tree["na_san"], "Lò Thị Mai")
    attempt = attempts.start_attempt(quiz, member, DURING)
    qid = attempt.items[0].question_id
    attempts.save_answer(attempt, qid, 0, 1, False, DURING)
    db.session.commit()
    return tree, quiz, member, attempt.id


def test_concurrent_submits_and_sweep_finalise_once_and_count_once(app, make):
    tree, quiz, member, attempt_id = setup_attempt(make)
    late = DURING + timedelta(hours=2)

    def submit():
        return attempts.submit_attempt(db.session.get(Attempt, attempt_id), late)

    def sweep():
        return attempts.finalise_overdue(attempts.overdue_query(late), late)

    results = run_together(app, [submit] * THREADS + [sweep])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(int(r) for r in results) == 1
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == AttemptState.FINISHED_OVERDUE and attempt.score == 1.0
    row = db.session.get(Participation, (quiz.id, member.id))
    assert (row.attempts_started, row.attempts_finished) == (1, 1)
    counter = db.session.get(UnitQuizCounter, (quiz.id, tree["province"].id))
    assert counter.took_part == 1 and counter.passed == 0


def test_saves_racing_a_submit_never_change_what_was_graded(app, make):
    _tree, _quiz, _member, attempt_id = setup_attempt(make)
    qids = [
        i.question_id
        for i in db.session.get(Attempt, attempt_id).items
        if i.question.qtype == "single"
    ]
    now = DURING + timedelta(minutes=5)

    def saver(qid, answer):
        def job():
            acks = []
            for seq in range(2, 12):
                try:
                    attempts.save_answer(
                        db.session.get(Attempt, attempt_id), qid, answer, seq, False, now
                    )
                    db.session.commit()
                    acks.append(seq)
                except attempts.AttemptError as err:
                    db.session.rollback()
                    assert err.code == "finished"
                    break
            return acks

        return job

    def submit():
        return attempts.submit_attempt(db.session.get(Attempt, attempt_id), now)

    results = run_together(app, [saver(qids[0], 0), saver(qids[1], 0), submit])
    assert not [r for r in results if isinstance(r, Exception)], results
    attempt = db.session.get(Attempt, attempt_id)
    # The stored score is the grade of exactly the responses that are stored now.
    assert attempt.score == attempts.grade_attempt(attempt).score
    stored = {
        r.question_id: r.seq
        for r in db.session.scalars(select(Response).where(Response.attempt_id == attempt_id))
    }
    for qid, acks in zip(qids, results[:2]):
        if acks:  # every acknowledged save is durable
            assert stored[qid] >= acks[-1]
        assert all(r.saved_at <= attempt.finished_at for r in db.session.scalars(select(Response)))


def test_concurrent_starts_create_one_attempt(app, make):
    tree = make.province()
    quiz = make_quiz(make, tree["province"])
    member = make.member(tree["na_san"], "Lò Thị Mai")
    db.session.commit()
    quiz_id, member_id = quiz.id, member.id

    def start():
        from quizapp.models import Member, Quiz

        return attempts.start_attempt(
            db.session.get(Quiz, quiz_id), db.session.get(Member, member_id), DURING
        ).id

    results = run_together(app, [start] * THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    assert db.session.get(Participation, (quiz_id, member_id)).attempts_started == 1
