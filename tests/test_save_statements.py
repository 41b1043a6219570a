"""The autosave's cost as an invariant (issue 14): statements per save and ORM objects built.

A save that writes, a stale save, a retry: the member of the session and one statement that
checks and writes (transaction control aside), and no ORM object loaded. Counted, never timed.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from quizapp.extensions import db
from quizapp.models import Attempt, Response

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counting():
    """Statements sent to the database and ORM objects loaded while the block runs."""
    seen = {"sql": [], "loaded": 0}

    def on_sql(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(CONTROL):
            seen["sql"].append(statement)

    def on_load(target, context):
        seen["loaded"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", on_sql)
    event.listen(db.Model, "load", on_load, propagate=True)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        event.remove(db.Model, "load", on_load)


@pytest.fixture
def started(sit):
    """The sitting with its attempt started, one save made (the worker's caches are warm)."""
    attempt = sit.start()
    assert sit.save(attempt, attempt.items[-1].question_id, None, 1).status_code == 200
    db.session.commit()
    # Single-choice questions: answer 1 is stored as 1 (a multiple choice stores [1]).
    single = [i.question_id for i in attempt.items if i.question.qtype in ("single", "true_false")]
    assert len(single) >= 3
    return sit, attempt.id, single


def _stored(attempt_id):
    db.session.expire_all()
    return {
        r.question_id: (r.seq, r.answer)
        for r in db.session.scalars(select(Response).where(Response.attempt_id == attempt_id))
    }


def _post(sit, attempt_id, question_id, answer, seq):
    return sit.client.post(
        "/m/api/answers",
        json={
            "attempt": attempt_id,
            "question": question_id,
            "answer": answer,
            "seq": seq,
            "flagged": False,
        },
    )


def test_a_save_is_two_statements_and_builds_no_orm_object(started):
    sit, attempt_id, questions = started
    with counting() as seen:
        reply = _post(sit, attempt_id, questions[1], 1, 1)
        again = _post(sit, attempt_id, questions[1], 1, 2)  # a newer seq overwrites
    assert reply.status_code == again.status_code == 200
    assert reply.json["kept"] and again.json["kept"] and again.json["seq"] == 2
    assert len(seen["sql"]) == 4, "\n---\n".join(seen["sql"])
    assert seen["loaded"] == 0
    assert _stored(attempt_id)[questions[1]] == (2, 1)


def test_a_stale_save_and_a_retry_answer_in_two_statements_too(started):
    sit, attempt_id, questions = started
    assert _post(sit, attempt_id, questions[2], 1, 5).json["kept"]
    with counting() as seen:
        retry = _post(sit, attempt_id, questions[2], 1, 5)  # the same save again: acknowledged
        stale = _post(sit, attempt_id, questions[2], 0, 4)  # older than what is stored: not kept
    assert retry.json["kept"] and retry.json["seq"] == 5
    assert stale.status_code == 200 and not stale.json["kept"] and stale.json["seq"] == 5
    assert len(seen["sql"]) == 4, "\n---\n".join(seen["sql"])
    assert seen["loaded"] == 0
    assert _stored(attempt_id)[questions[2]] == (5, 1)


def test_the_reply_of_the_short_path_carries_the_server_clock(started, frozen_clock):
    sit, attempt_id, questions = started
    reply = _post(sit, attempt_id, questions[0], 1, 2)
    attempt = db.session.get(Attempt, attempt_id)
    assert reply.json["state"] == "in_progress"
    assert reply.json["deadline_ms"] == int(attempt.deadline.timestamp() * 1000)
    assert reply.json["server_time_ms"] == int(frozen_clock.now.timestamp() * 1000)
    assert reply.json["result_url"].endswith(f"/m/attempts/{attempt_id}/result")


def test_each_attempt_gets_its_own_deadline_back(started, make, login, frozen_clock):
    sit, first_id, _ = started
    frozen_clock.advance(minutes=7)  # a later start: a later deadline
    other = make.user(member=make.member(sit.tree["na_san"], "Cầm Văn Bình"))
    db.session.commit()
    client = login(other)
    reply = client.post(f"/m/quizzes/{sit.quiz.id}/start")
    second_id = int(reply.headers["Location"].rstrip("/").split("/")[-1])
    second = db.session.get(Attempt, second_id)
    qid = second.items[0].question_id
    saved = client.post(
        "/m/api/answers",
        json={"attempt": second_id, "question": qid, "answer": None, "seq": 1, "flagged": False},
    )
    assert saved.status_code == 200 and saved.json["kept"]
    assert saved.json["deadline_ms"] == int(second.deadline.timestamp() * 1000)
    assert saved.json["deadline_ms"] != int(
        db.session.get(Attempt, first_id).deadline.timestamp() * 1000
    )


def test_a_copied_session_cookie_cannot_save_after_sign_out(started):
    # The one-statement save reads the member of the session itself: it must refuse a session
    # the member ended, exactly as every page does.
    sit, attempt_id, single = started
    cookie = sit.client.get_cookie("session")
    assert _post(sit, attempt_id, single[0], 1, 5).status_code == 200
    assert sit.client.post("/auth/logout").status_code == 302
    sit.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    reply = _post(sit, attempt_id, single[0], 0, 6)
    assert reply.status_code in (401, 403, 302)
    assert _stored(attempt_id)[single[0]] == (5, 1)
