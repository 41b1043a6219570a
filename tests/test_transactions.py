"""One unit of work per request: a view's writes are committed together when it returns, and
nothing of them (rows, flashed message, sign-in) survives when it or the commit fails.

The probe routes below are added to the test app only; they do what a view could do wrong.
Durability is checked from a separate connection, which sees only what was committed.
"""

from __future__ import annotations

import pytest
from flask import abort, flash
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import select, text

from quizapp.extensions import db
from quizapp.models import Unit, User
from quizapp.web.transaction import UndeclaredWrite, writes
from tests.conftest import Factory, make_app, sign_in
from tests.test_faults import LockHolder


def _add_unit(code: str) -> Unit:
    unit = Unit(name=f"Chi đoàn {code}", kind="chapter", code=code)
    db.session.add(unit)
    db.session.flush()
    return unit


def _committed_codes(app) -> set[str]:
    """Unit codes as another connection sees them (only what was committed)."""
    with db.engine.connect() as conn:
        return set(conn.execute(text("SELECT code FROM unit")).scalars())


@pytest.fixture
def probe(app):
    """The app with probe routes (added before its first request)."""

    @app.post("/_probe/write")
    def write_ok():
        _add_unit("OK")
        flash("Đã lưu (probe).", "success")
        return "written"

    @app.post("/_probe/write-then-raise")
    def write_then_raise():
        _add_unit("RAISE")
        flash("Đã lưu (probe).", "success")
        raise RuntimeError("after the flush")

    @app.post("/_probe/write-then-abort")
    def write_then_abort():
        _add_unit("ABORT")
        abort(403)

    @app.post("/_probe/duplicate/<int:user_id>")
    def duplicate(user_id: int):
        # Signed in and flashed, but the commit fails: neither may survive.
        login_user(db.session.get(User, user_id))
        flash("Đã lưu (probe).", "success")
        db.session.add(Unit(name="Một", kind="chapter", code="DUP"))
        db.session.add(Unit(name="Hai", kind="chapter", code="DUP"))
        return "answered before the commit"

    @app.get("/_probe/undeclared-write")
    def undeclared_write():
        _add_unit("GET")
        return "wrote in a GET"

    @app.get("/_probe/declared-write")
    @writes
    def declared_write():
        _add_unit("GETW")
        return "wrote in a GET marked @writes"

    db.session.commit()
    return app


def _flashes(client) -> list:
    with client.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def test_a_view_that_returns_has_its_writes_committed_before_the_answer(probe, client):
    reply = client.post("/_probe/write")
    assert reply.status_code == 200
    assert "OK" in _committed_codes(probe)
    assert ("success", "Đã lưu (probe).") in _flashes(client)


def test_an_error_after_a_flush_rolls_back_everything_and_drops_the_message(probe, client):
    with pytest.raises(RuntimeError):  # TESTING propagates it; a server answers 500
        client.post("/_probe/write-then-raise")
    db.session.expire_all()
    assert "RAISE" not in _committed_codes(probe)
    assert db.session.scalar(select(Unit).where(Unit.code == "RAISE")) is None
    assert _flashes(client) == []


def test_a_view_that_aborts_after_writing_leaves_nothing(probe, client):
    assert client.post("/_probe/write-then-abort").status_code == 403
    assert "ABORT" not in _committed_codes(probe)
    assert db.session.scalar(select(Unit).where(Unit.code == "ABORT")) is None


def test_a_failed_commit_answers_409_and_keeps_neither_rows_nor_sign_in_nor_message(
    probe, client, make
):
    user = make.user("thu.ky")
    db.session.commit()
    reply = client.post(f"/_probe/duplicate/{user.id}")
    assert reply.status_code == 409
    assert "answered before the commit" not in reply.get_data(as_text=True)
    assert "chưa được lưu" in reply.get_data(as_text=True)
    assert "DUP" not in _committed_codes(probe)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess and not sess.get("_flashes")


def test_a_get_that_writes_without_saying_so_fails_loudly_in_tests(probe, client):
    with pytest.raises(UndeclaredWrite):
        client.get("/_probe/undeclared-write")
    assert "GET" not in _committed_codes(probe)


def test_a_get_marked_writes_commits_like_a_post(probe, client):
    assert client.get("/_probe/declared-write").status_code == 200
    assert "GETW" in _committed_codes(probe)


def test_views_and_app_setup_never_commit():
    """The request's unit of work is the only commit in the web app."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "quizapp"
    commits = [
        str(p.relative_to(root))
        for p in [root / "__init__.py", *(root / "web").rglob("*.py")]
        if ".commit(" in p.read_text() or ".rollback(" in p.read_text()
    ]
    assert commits == ["web/transaction.py"]


# --- SQLite's write lock: only requests that may write take it --------------------------------


@pytest.fixture
def sqlite_app(tmp_path):
    """A SQLite app whatever the suite's database (the write lock is SQLite's), with short waits.
    Its requests run outside any app context the test holds, so each has its own session, as in
    production (the suite's test client shares the test's context and session)."""
    app = make_app(None, tmp_path, SQLITE_BUSY_TIMEOUT_MS=200)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_on_sqlite_reads_go_on_while_a_writer_holds_the_lock_and_writers_wait(sqlite_app):
    with sqlite_app.app_context():
        make = Factory()  # not the `make` fixture: that one brings the suite's own database
        tree = make.province()
        user = make.user(member=make.member(tree["na_san"]))
        db.session.commit()
        client = FlaskClient(sqlite_app, sqlite_app.response_class, use_cookies=True)
        sign_in(client, user)
        db.session.remove()
    with LockHolder(sqlite_app.config["SQLALCHEMY_DATABASE_URI"]):
        # A read-only page (the home page, built from the database) is not blocked...
        assert client.get("/").status_code == 200
        assert client.get("/healthz").status_code == 200
        # ...a POST, and a GET that may finalise attempts (@writes), wait for the lock, then 503.
        assert client.get("/m/").status_code == 503
        assert (
            client.post(
                "/auth/password", data={"current": "x", "password": "y", "confirm": "y"}
            ).status_code
            == 503
        )
    assert client.get("/m/").status_code == 200
