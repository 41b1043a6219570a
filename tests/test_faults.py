"""Faults: a killed worker, a cut or locked database. Nothing acknowledged is lost; no 500.

Fast versions of bench/faults/: the app under gunicorn in a subprocess for kill -9, the
test client for database faults (PostgreSQL: the app's own backend is terminated with
pg_terminate_backend; SQLite: the driver's OperationalError, and a real write lock held
by another connection).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Participation, Response, UnitQuizCounter
from tests.conftest import TEST_PASSWORD, Factory, make_app, sign_in
from tests.quizkit import Sitting, open_quiz, right_answers
from tests.servers import Gunicorn

UNAVAILABLE = "Máy chủ tạm thời không lưu được, vui lòng thử lại sau"


def _is_pg(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def _ready(sit):
    """Start the attempt; return (attempt as a plain id holder, first question id, its answer).

    Plain values, committed: the test process must hold no transaction (on SQLite every
    transaction takes the write lock) while the app or the lock holder works."""
    attempt = sit.start()
    item = attempt.items[0]
    ready = (
        SimpleNamespace(id=attempt.id),
        item.question_id,
        right_answers(attempt)[item.question_id],
    )
    db.session.commit()
    return ready


def _stored(attempt_id: int, question_id: int):
    db.session.expire_all()
    row = db.session.get(Response, (attempt_id, question_id))
    return None if row is None else (row.seq, row.answer)


# --- a write lock held by someone else ---------------------------------------------------


class LockHolder:
    """Another connection holding the database's write lock (SQLite) / the response table (PostgreSQL)."""

    def __init__(self, url: str):
        self.url = url
        self.ready = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self):
        u = make_url(self.url)
        if u.get_backend_name() == "sqlite":
            conn = sqlite3.connect(u.database, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            self.ready.set()
            self.release.wait(30)
            conn.execute("ROLLBACK")
            conn.close()
            return
        engine = create_engine(self.url)
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE response IN ACCESS EXCLUSIVE MODE"))
            self.ready.set()
            self.release.wait(30)
            conn.rollback()
        engine.dispose()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


@pytest.fixture
def impatient_app(database_url, tmp_path):
    """The app with short lock waits: 300 ms busy timeout (SQLite) / lock_timeout (PostgreSQL)."""
    overrides = {"SQLITE_BUSY_TIMEOUT_MS": 300}
    if database_url:
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": "-c lock_timeout=300"}
        }
    app = make_app(database_url, tmp_path, **overrides)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def impatient_sitting(impatient_app):
    """A member with an attempt to start, on the impatient app."""
    client = impatient_app.test_client()

    def login(user):
        db.session.commit()
        sign_in(client, user)
        return client

    return Sitting(Factory(), login)


def test_save_waits_for_a_briefly_held_write_lock_and_succeeds(app, make, login):
    sit = Sitting(make, login)
    attempt, qid, answer = _ready(sit)
    holder = LockHolder(app.config["SQLALCHEMY_DATABASE_URI"])
    with holder:
        threading.Timer(0.5, holder.release.set).start()
        reply = sit.save(attempt, qid, answer, 1)
    assert reply.status_code == 200 and reply.json["ok"]
    assert _stored(attempt.id, qid)[0] == 1


def test_lock_held_past_the_timeout_gives_a_retryable_503_json_not_a_500(
    impatient_app, impatient_sitting
):
    sit = impatient_sitting
    attempt, qid, answer = _ready(sit)
    with LockHolder(impatient_app.config["SQLALCHEMY_DATABASE_URI"]):
        reply = sit.save(attempt, qid, answer, 1)
    assert reply.status_code == 503
    assert reply.headers["Retry-After"].isdigit()
    assert (
        reply.json["ok"] is False
        and reply.json["error"] == "unavailable"
        and reply.json["retry"] is True
    )
    assert UNAVAILABLE in reply.json["message"]
    assert _stored(attempt.id, qid) is None


def test_save_retried_after_the_lock_is_released_is_stored(impatient_app, impatient_sitting):
    sit = impatient_sitting
    attempt, qid, answer = _ready(sit)
    with LockHolder(impatient_app.config["SQLALCHEMY_DATABASE_URI"]):
        assert sit.save(attempt, qid, answer, 1).status_code == 503
    reply = sit.save(attempt, qid, answer, 1)
    assert reply.status_code == 200 and reply.json["seq"] == 1
    assert _stored(attempt.id, qid) == (1, answer)


def test_a_page_during_a_lock_gets_a_vietnamese_503_page(impatient_app, impatient_sitting):
    sit = impatient_sitting
    attempt, qid, answer = _ready(sit)
    with LockHolder(impatient_app.config["SQLALCHEMY_DATABASE_URI"]):
        reply = sit.client.post(
            f"/m/attempts/{attempt.id}",
            data={"q": [str(qid)], f"a{qid}": str(answer), "action": "save"},
        )
    assert reply.status_code == 503
    page = reply.get_data(as_text=True)
    assert UNAVAILABLE in page and 'lang="vi"' in page


# --- a connection cut in the middle of a request ------------------------------------------


class CutNextWrite:
    """Break the app's connection at its next write to `table`: PostgreSQL terminates the
    backend for real; SQLite's driver raises the OperationalError a failing disk would."""

    def __init__(self, app, table: str = "response"):
        self.app, self.table, self.fired = app, table, 0
        self.engine = db.engine
        self.admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"]) if _is_pg(app) else None

    def _hook(self, conn, cursor, statement, params, context, executemany):
        if self.fired or not statement.replace('"', "").lstrip().upper().startswith(
            "INSERT INTO " + self.table.upper()
        ):
            return
        self.fired += 1
        if self.admin is None:
            raise sqlite3.OperationalError("disk I/O error")
        pid = conn.connection.dbapi_connection.info.backend_pid
        with self.admin.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.commit()
        time.sleep(0.2)  # let the server close the socket before the statement goes out

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hook)
        if self.admin is not None:
            self.admin.dispose()


def _terminate_every_app_connection(app) -> None:
    if not _is_pg(app):
        return
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()


def test_connection_cut_during_a_save_gives_503_json_and_nothing_is_half_written(app, make, login):
    sit = Sitting(make, login)
    attempt, qid, answer = _ready(sit)
    with CutNextWrite(app) as cut:
        reply = sit.save(attempt, qid, answer, 1)
    assert cut.fired == 1
    assert reply.status_code == 503 and reply.json["error"] == "unavailable"
    assert _stored(attempt.id, qid) is None


def test_app_recovers_without_restart_and_the_retried_save_is_stored_once(app, make, login):
    sit = Sitting(make, login)
    attempt, qid, answer = _ready(sit)
    with CutNextWrite(app):
        assert sit.save(attempt, qid, answer, 1).status_code == 503
    _terminate_every_app_connection(app)  # the pool now holds only dead connections
    first = sit.save(attempt, qid, answer, 1)
    again = sit.save(attempt, qid, answer, 1)  # the page's retry of an ack it did not see
    assert first.status_code == 200 and first.json["kept"]
    assert again.status_code == 200 and again.json["seq"] == 1
    assert _stored(attempt.id, qid) == (1, answer)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Response).where(Response.attempt_id == attempt.id)
        )
        == 1
    )


def test_submit_cut_midway_is_retried_and_counted_once(app, make, login):
    sit = Sitting(make, login)
    attempt, qid, answer = _ready(sit)
    assert sit.save(attempt, qid, answer, 1).status_code == 200
    with CutNextWrite(app, table="unit_quiz_counter") as cut:
        failed = sit.client.post(f"/m/attempts/{attempt.id}/submit")
    assert cut.fired == 1 and failed.status_code == 503
    db.session.expire_all()
    assert (
        db.session.get(Attempt, attempt.id).state == AttemptState.IN_PROGRESS
    )  # rolled back whole
    assert sit.client.post(f"/m/attempts/{attempt.id}/submit").status_code == 302
    assert sit.client.post(f"/m/attempts/{attempt.id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == AttemptState.FINISHED
    assert db.session.get(Participation, (sit.quiz.id, sit.member.id)).attempts_finished == 1


# --- kill -9 of gunicorn workers during saves and submits ------------------------------------


class HttpMember:
    """A member's browser over real HTTP: cookies, and retries like the quiz page's script."""

    def __init__(self, base: str, login: str):
        self.base, self.login = base, login
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.failures: Counter = Counter()

    def send(self, method: str, path: str, body: bytes | None = None, ctype: str | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if ctype:
            request.add_header("Content-Type", ctype)
        try:
            with self.opener.open(request, timeout=20) as reply:
                return reply.status, reply.read(), reply.headers
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers
        except (
            urllib.error.URLError,
            ConnectionError,
            TimeoutError,
            OSError,
            http.client.HTTPException,
        ) as err:  # IncompleteRead: killed while sending the body
            self.failures[type(err).__name__] += 1
            return -1, b"", {}

    def until_done(self, method, path, body=None, ctype=None, ok=(200, 302), tries=60):
        """Send until the server gives a final answer (the page retries 5xx and lost replies)."""
        for _ in range(tries):
            status, payload, headers = self.send(method, path, body, ctype)
            if status in ok or 400 <= status < 500:
                return status, payload, headers
            self.failures[str(status)] += 1
            time.sleep(0.1)
        raise AssertionError(f"{self.login}: no answer for {method} {path}")

    def sign_in(self):
        body = urllib.parse.urlencode({"login": self.login, "password": TEST_PASSWORD}).encode()
        status, _, _ = self.until_done(
            "POST", "/auth/login", body, "application/x-www-form-urlencoded"
        )
        assert status == 302

    def start(self, quiz_id: int) -> int:
        status, _, headers = self.until_done("POST", f"/m/quizzes/{quiz_id}/start")
        assert status == 302, status
        return int(headers["Location"].rstrip("/").split("/")[-1])

    def save(self, attempt_id, question_id, answer, seq):
        body = json.dumps(
            {
                "attempt": attempt_id,
                "question": question_id,
                "answer": answer,
                "seq": seq,
                "flagged": False,
            }
        ).encode()
        status, payload, _ = self.until_done("POST", "/m/api/answers", body, "application/json")
        return status, (json.loads(payload) if payload else {})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _two_answers(qtype: str, key):
    """Two different valid answers for a question type (to see which one was kept)."""
    return {
        "single": (0, 1),
        "true_false": (0, 1),
        "multiple": ([0], [1]),
        "short": ("một", "hai"),
        "numeric": ("1", "2"),
    }[qtype]


@pytest.mark.slow
def test_acknowledged_answers_survive_kill_9_of_workers_and_attempts_finalise_once(app, make):
    tree = make.province()
    quiz = open_quiz(make, tree["province"], attempts_allowed=1)
    logins = []
    for i in range(6):
        member = make.member(tree["na_san" if i % 2 else "moc_ly"], f"Đoàn viên {i}")
        logins.append(make.user(member=member).login)
    quiz_id, province_id = quiz.id, tree["province"].id
    db.session.commit()

    server = Gunicorn(
        app.config["SQLALCHEMY_DATABASE_URI"],
        workers=2,
        threads=4,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
    )
    acked: dict[tuple[int, int], tuple[int, object]] = {}
    acked_lock = threading.Lock()
    members = [HttpMember(server.url, login) for login in logins]
    kills = []
    try:
        attempt_ids = []
        for m in members:
            m.sign_in()
            attempt_ids.append(m.start(quiz_id))
        questions = [
            (item.question_id, item.question.qtype)
            for item in db.session.get(Attempt, attempt_ids[0]).items
        ]
        db.session.commit()  # SQLite: hold no lock while the servers write

        def answer_all(member: HttpMember, attempt_id: int):
            for rnd in range(1, 5):
                for qid, qtype in questions:
                    answer = _two_answers(qtype, None)[rnd % 2]
                    status, body = member.save(attempt_id, qid, answer, rnd)
                    assert status == 200 and body["ok"], (status, body)
                    if body["kept"]:
                        with acked_lock:
                            acked[(attempt_id, qid)] = (rnd, answer)

        def killer(stop: threading.Event, every: float, times: int):
            # A replacement worker takes a few seconds to boot: a few kills, spaced out.
            while len(kills) < times and not stop.wait(every):
                pids = server.worker_pids()
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    kills.append(pids[0])

        stop = threading.Event()
        kill_thread = threading.Thread(target=killer, args=(stop, 1.0, 3))
        kill_thread.start()
        savers = [
            threading.Thread(target=answer_all, args=(m, a)) for m, a in zip(members, attempt_ids)
        ]
        for t in savers:
            t.start()
        for t in savers:
            t.join(120)
        submits = [
            threading.Thread(target=m.until_done, args=("POST", f"/m/attempts/{a}/submit"))
            for m, a in zip(members, attempt_ids)
        ]
        for t in submits:
            t.start()
        pids = server.worker_pids()
        if pids:  # and one more while the submits are in flight
            os.kill(pids[-1], signal.SIGKILL)
            kills.append(pids[-1])
        for t in submits:
            t.join(60)
        stop.set()
        kill_thread.join()
    finally:
        server.stop()

    assert kills, "no worker was killed"
    assert len(acked) == len(members) * len(questions)
    db.session.expire_all()
    for (attempt_id, qid), (seq, answer) in acked.items():
        row = db.session.get(Response, (attempt_id, qid))
        assert row is not None, f"acknowledged answer lost: attempt {attempt_id} question {qid}"
        assert row.seq >= seq
        if row.seq == seq:
            assert row.answer == answer
    attempts_rows = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id)).all()
    assert len(attempts_rows) == len(members)
    assert all(a.state == AttemptState.FINISHED for a in attempts_rows)
    finished = db.session.scalars(
        select(Participation.attempts_finished).where(Participation.quiz_id == quiz_id)
    ).all()
    assert finished == [1] * len(members)
    counter = db.session.get(UnitQuizCounter, (quiz_id, province_id))
    assert counter.took_part == len(members)
