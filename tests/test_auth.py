"""Signing in, activating, changing passwords; rate limits, CSRF, safe redirects and sessions."""

import os
import re
import uuid

import pytest
import redis
from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import User
from quizapp.services import accounts
from tests.conftest import TEST_PASSWORD, Factory, make_app

REDIS_URL = os.environ.get("QUIZAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def sign_in_form(client, login, password=TEST_PASSWORD, next_url=None, **kw):
    url = "/auth/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"login": login, "password": password, "remember": "y"}, **kw)


@pytest.fixture
def member(make):
    tree = make.province()
    m = make.member(tree["na_san"], "Lường Văn Tuấn", code="DV001", phone="0912345678")
    make.user(member=m)
    db.session.commit()
    return m


def test_member_signs_in_with_member_code(client, member):
    reply = sign_in_form(client, "DV001")
    assert reply.status_code == 302
    assert "Xin chào, Lường Văn Tuấn" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "+84912345678"])
def test_member_signs_in_with_phone_number(client, member, phone):
    assert sign_in_form(client, phone).status_code == 302


def test_wrong_password_is_refused_in_vietnamese(client, member):
    page = sign_in_form(client, "DV001", "sai-mat-khau").get_data(as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert "Xin chào" not in client.get("/").get_data(as_text=True)


def test_deactivated_member_cannot_sign_in(client, member):
    member.active = False
    db.session.commit()
    assert "không đúng" in sign_in_form(client, "DV001").get_data(as_text=True)


def test_next_redirect_stays_on_this_site(client, member):
    assert (
        sign_in_form(client, "DV001", next_url="/auth/password")
        .headers["Location"]
        .endswith("/auth/password")
    )


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_next_redirect_to_another_site_goes_home(client, member, target):
    location = sign_in_form(client, "DV001", next_url=target).headers["Location"]
    assert "evil" not in location


def test_session_survives_a_change_of_network(client, member):
    sign_in_form(client, "DV001", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    page = client.get("/", environ_base={"REMOTE_ADDR": "100.64.3.9"}).get_data(as_text=True)
    assert "Xin chào, Lường Văn Tuấn" in page


def test_session_and_remember_cookies_are_http_only_and_same_site(client, member):
    sign_in_form(client, "DV001")
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_activation_code_sets_the_password_and_signs_in(client, make):
    tree = make.province()
    m = make.member(tree["na_san"], "Quàng Thị Ánh", code="DV002")
    slip = accounts.issue_activation_code(
        accounts.ensure_member_user(m, now_utc()), None, now_utc()
    )
    db.session.commit()
    reply = client.post(
        "/auth/activate",
        data={
            "login": "DV002",
            "code": slip.code,
            "password": "mat-khau-moi",
            "confirm": "mat-khau-moi",
        },
    )
    assert reply.status_code == 302
    assert "Xin chào, Quàng Thị Ánh" in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    again = client.post(
        "/auth/activate",
        data={
            "login": "DV002",
            "code": slip.code,
            "password": "khac-nua-1",
            "confirm": "khac-nua-1",
        },
    ).get_data(as_text=True)
    assert "mã đã được dùng" in again


def test_activation_with_mismatched_passwords_says_so(client, member):
    page = client.post(
        "/auth/activate",
        data={
            "login": "DV001",
            "code": "ABCD2345",
            "password": "mat-khau-1",
            "confirm": "mat-khau-2",
        },
    ).get_data(as_text=True)
    assert "Hai mật khẩu không khớp nhau." in page


def test_changing_the_password_signs_out_other_devices(app, member):
    phone, laptop = app.test_client(), app.test_client()
    sign_in_form(phone, "DV001")
    sign_in_form(laptop, "DV001")
    laptop.post(
        "/auth/password",
        data={"current": TEST_PASSWORD, "password": "mat-khau-moi", "confirm": "mat-khau-moi"},
    )
    db.session.expire_all()
    assert "Xin chào" in laptop.get("/").get_data(as_text=True)
    assert "Xin chào" not in phone.get("/").get_data(as_text=True)


# --- rate limits, CSRF ---------------------------------------------------------------------


def _limited_app(database_url, tmp_path, storage="memory://", **config):
    config = {"RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}", **config}
    return make_app(
        database_url, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, **config
    )


def _with_member(app):
    with app.app_context():
        tree = Factory().province()
        Factory().user(member=Factory().member(tree["na_san"], "Lò Văn Ánh", code="DV009"))
        db.session.commit()


def test_too_many_wrong_passwords_for_one_account_get_a_vietnamese_429(database_url, tmp_path):
    app = _limited_app(database_url, tmp_path, RATELIMIT_LOGIN_PER_ACCOUNT="3 per 5 minutes")
    _with_member(app)
    client = app.test_client()
    with app.app_context():
        codes = [sign_in_form(client, "DV009", "sai").status_code for _ in range(3)]
        reply = sign_in_form(client, "DV009", TEST_PASSWORD)  # even the right password waits
        db.session.remove()
    assert codes == [200, 200, 200]
    assert reply.status_code == 429
    page = reply.get_data(as_text=True)
    # What happened, how long to wait (the limiter's window: at most 5 minutes), who can help.
    assert "Tạm khóa đăng nhập vì nhập sai quá nhiều lần" in page
    assert "kể cả mật khẩu đúng" in page
    assert re.search(r"Hãy chờ khoảng [1-5] phút rồi thử lại", page)
    assert "Bí thư chi đoàn của bạn có thể cấp một mã kích hoạt mới" in page
    assert 1 <= int(reply.headers["Retry-After"]) <= 300


def test_a_phone_number_written_three_ways_counts_as_one_account(database_url, tmp_path):
    app = _limited_app(database_url, tmp_path, RATELIMIT_LOGIN_PER_ACCOUNT="2 per 5 minutes")
    client = app.test_client()
    with app.app_context():
        codes = [
            sign_in_form(client, phone, "sai").status_code
            for phone in ("0912345678", "+84 912 345 678", "84912345678")
        ]
        db.session.remove()
    assert codes == [200, 200, 429]


def test_one_address_trying_many_accounts_is_limited(database_url, tmp_path):
    app = _limited_app(database_url, tmp_path, RATELIMIT_LOGIN_PER_ADDRESS="3 per 5 minutes")
    client = app.test_client()
    with app.app_context():
        codes = [sign_in_form(client, f"DV{i:03d}", "sai").status_code for i in range(4)]
        other_address = sign_in_form(
            client, "DV999", "sai", environ_base={"REMOTE_ADDR": "10.9.9.9"}
        )
        db.session.remove()
    assert codes == [200, 200, 200, 429]
    assert other_address.status_code == 200


def test_login_limits_are_shared_through_redis_across_servers(database_url, tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI always has one)")
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    config = {"RATELIMIT_KEY_PREFIX": prefix, "RATELIMIT_LOGIN_PER_ACCOUNT": "2 per 5 minutes"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _limited_app(database_url, tmp_path / "a", storage=REDIS_URL, **config)
    with first.app_context():
        codes = [sign_in_form(first.test_client(), "DV009", "sai").status_code for _ in range(2)]
        db.session.remove()
    # A second server starts with its own connection: it must see the first one's count.
    second = _limited_app(database_url, tmp_path / "b", storage=REDIS_URL, **config)
    with second.app_context():
        reply = sign_in_form(second.test_client(), "DV009", "sai")
        db.session.remove()
    # (In memory the second server would start from zero and answer 200.)
    assert codes == [200, 200] and reply.status_code == 429


def test_a_post_without_csrf_token_is_refused_with_a_vietnamese_page(database_url, tmp_path):
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        reply = client.post("/auth/login", data={"login": "DV009", "password": "x"})
        form = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        with_token = client.post(
            "/auth/login", data={"login": "DV009", "password": "x", "csrf_token": token}
        )
        db.session.remove()
    assert reply.status_code == 400
    assert "Phiên làm việc của trang này đã hết hạn" in reply.get_data(as_text=True)
    assert with_token.status_code == 200


def test_csrf_token_outlives_the_longest_quiz(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 6 * 3600


def test_staff_account_created_for_the_cli_can_sign_in(client, app):
    accounts.create_staff_user("admin2", "Quản trị 2", "mat-khau-dai", now_utc())
    db.session.commit()
    assert sign_in_form(client, "admin2", "mat-khau-dai").status_code == 302
    assert db.session.scalar(select(User).where(User.login == "admin2")).last_login_at is not None
