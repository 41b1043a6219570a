"""Sign-in storms degrade politely, and the sign-in rate limit holds across app servers."""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from quizapp.extensions import db
from quizapp.web.throttle import PasswordGate, gate_for
from tests.conftest import TEST_PASSWORD
from tests.servers import Gunicorn

REDIS_URL = os.environ.get("QUIZAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_gate_lets_the_configured_number_of_checks_run_at_once():
    gate = PasswordGate(slots=2, queue=0, wait=0)
    assert gate.try_enter() and gate.try_enter()
    assert not gate.try_enter()
    gate.leave()
    assert gate.try_enter()


def test_gate_lets_a_waiter_in_when_a_slot_frees_up():
    gate = PasswordGate(slots=1, queue=1, wait=5)
    assert gate.try_enter()
    entered = []
    waiter = threading.Thread(target=lambda: entered.append(gate.try_enter()))
    waiter.start()
    gate.leave()
    waiter.join(5)
    assert entered == [True]


def test_gate_refuses_at_once_when_the_queue_is_full():
    gate = PasswordGate(slots=1, queue=0, wait=30)
    assert gate.try_enter()
    assert not gate.try_enter()  # would hang 30 s if it waited
    assert gate.refused == 1


def test_gate_slot_is_given_back_when_the_view_fails():
    gate = PasswordGate(slots=1, queue=0, wait=0)
    with pytest.raises(RuntimeError), gate.held():
        raise RuntimeError("boom")
    assert gate.try_enter()


def test_retry_after_spreads_the_refused_over_the_time_needed_to_serve_them():
    gate = PasswordGate(slots=1, queue=0, wait=0)
    assert gate.retry_window(floor=3) == (3, 3)
    assert gate.try_enter()
    for _ in range(200):
        gate.try_enter()  # refused: the slot is taken
    assert gate.retry_window(floor=3) == (3, 20)  # 200 waiting at ~10 checks a second
    for _ in range(1000):
        gate.try_enter()
    assert gate.retry_window(floor=3) == (3, 30)  # never longer than a person would wait
    assert 3 <= gate.retry_after(floor=3) <= 30


def _fill_gate(app):
    app.config["PASSWORD_CHECK_WAIT_SECONDS"] = 0  # refuse at once instead of waiting
    gate = gate_for(app)
    while gate.try_enter():
        pass
    return gate


def test_sign_in_when_every_slot_is_busy_answers_503_with_retry_after(app, client, roles):
    _fill_gate(app)
    member = roles["users"]["member"]
    reply = client.post("/auth/login", data={"login": member.login, "password": TEST_PASSWORD})
    assert reply.status_code == 503
    retry_after = int(reply.headers["Retry-After"])
    assert 3 <= retry_after <= 30
    page = reply.get_data(as_text=True)
    assert f"Hệ thống đang bận, vui lòng thử lại sau {retry_after} giây." in page
    assert f'content="{retry_after};url=/auth/login"' in page


def test_busy_sign_in_does_not_sign_in_nor_check_the_password(app, client, roles):
    _fill_gate(app)
    member = roles["users"]["member"]
    client.post("/auth/login", data={"login": member.login, "password": TEST_PASSWORD})
    db.session.refresh(member)
    assert member.last_login_at is None
    assert "Đăng xuất" not in client.get("/").get_data(as_text=True)


def test_busy_page_keeps_only_a_local_next(app, client, roles):
    _fill_gate(app)
    page = client.post(
        "/auth/login?next=https://evil.example/", data={"login": "x", "password": "y"}
    )
    assert 'content="' in page.get_data(as_text=True)
    assert ';url=/auth/login"' in page.get_data(as_text=True)
    page = client.post("/auth/login?next=/m/", data={"login": "x", "password": "y"})
    assert "url=/auth/login?next=/m/" in page.get_data(as_text=True)


def test_sign_in_form_is_shown_even_when_the_gate_is_full(app, client):
    _fill_gate(app)
    assert client.get("/auth/login").status_code == 200


def test_activation_is_gated_too(app, client):
    _fill_gate(app)
    reply = client.post(
        "/auth/activate",
        data={
            "login": "x",
            "code": "ABCDEFGH",
            "password": "matkhau-moi-1",
            "confirm": "matkhau-moi-1",
        },
    )
    assert reply.status_code == 503


def test_sign_in_passes_when_a_slot_is_free(app, client, roles):
    member = roles["users"]["member"]
    reply = client.post("/auth/login", data={"login": member.login, "password": TEST_PASSWORD})
    assert reply.status_code == 302
    assert gate_for(app).try_enter()  # the slot was given back


@pytest.fixture
def limited_app(database_url, tmp_path):
    """The app with the sign-in limits on (3 tries per account), in memory."""
    from tests.conftest import make_app

    app = make_app(
        database_url,
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        RATELIMIT_LOGIN_PER_ACCOUNT="3 per 5 minutes",
        RATELIMIT_LOGIN_PER_ADDRESS="100 per 5 minutes",
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_being_told_the_system_is_busy_does_not_use_up_the_members_tries(limited_app):
    from tests.conftest import Factory

    make = Factory()
    tree = make.province()
    login = make.user(member=make.member(tree["na_san"])).login
    db.session.commit()
    client = limited_app.test_client()
    gate = _fill_gate(limited_app)
    for _ in range(5):
        assert (
            client.post("/auth/login", data={"login": login, "password": TEST_PASSWORD}).status_code
            == 503
        )
    gate._free = threading.BoundedSemaphore(gate.slots)  # the storm is over: every slot free
    reply = client.post("/auth/login", data={"login": login, "password": TEST_PASSWORD})
    assert reply.status_code == 302


def test_wrong_passwords_still_use_up_the_tries(limited_app):
    from tests.conftest import Factory

    make = Factory()
    tree = make.province()
    login = make.user(member=make.member(tree["na_san"])).login
    db.session.commit()
    client = limited_app.test_client()
    codes = [
        client.post("/auth/login", data={"login": login, "password": "sai"}).status_code
        for _ in range(4)
    ]
    assert codes[-1] == 429


# --- the rate limit across app servers -------------------------------------------------


def _post_login(base_url: str, login: str, password: str) -> int:
    body = urllib.parse.urlencode({"login": login, "password": password}).encode()
    request = urllib.request.Request(base_url + "/auth/login", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def _require_redis() -> None:
    """A fresh machine may have no Redis: skip there, but never in CI, which always has one."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI always has one)")


def _two_servers(app, storage_uri: str):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    config = {
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "RATELIMIT_LOGIN_PER_ACCOUNT": "4 per 5 minutes",
        "RATELIMIT_LOGIN_PER_ADDRESS": "1000 per 5 minutes",
    }
    first = Gunicorn(url, workers=2, **config)
    try:
        second = Gunicorn(url, workers=2, **config)
    except Exception:
        first.stop()
        raise
    return first, second


@pytest.mark.slow
def test_sign_in_limit_per_account_holds_across_app_servers_with_redis(app, roles):
    _require_redis()
    login = roles["users"]["member"].login
    db.session.commit()  # SQLite: no transaction (and so no write lock) held while servers run
    first, second = _two_servers(app, REDIS_URL)
    try:
        codes = [_post_login(server.url, login, "sai-mat-khau") for server in (first, second) * 2]
        assert 429 not in codes
        assert _post_login(first.url, login, "sai-mat-khau") == 429
        assert _post_login(second.url, login, TEST_PASSWORD) == 429
    finally:
        first.stop()
        second.stop()


@pytest.mark.slow
def test_without_shared_storage_each_server_counts_alone(app, roles):
    """The control: in-memory limits let 4 tries per server through, which is why Redis is needed."""
    login = roles["users"]["member"].login
    db.session.commit()  # SQLite: no transaction (and so no write lock) held while servers run
    first, second = _two_servers(app, "memory://")
    try:
        codes = [_post_login(server.url, login, "sai-mat-khau") for server in (first, second) * 3]
        assert 429 not in codes
    finally:
        first.stop()
        second.stop()
