"""Issue 11 (the outside review) and issue 12 items 1 and 4: each test failed before its fix.

Takeover through another person's account, sessions that outlived sign-out, keys readable by a
member who can sit the quiz, control/bidi/invisible characters, ids past 64 bits and deep nesting,
sign-in limits per account, the current-password check, weak passwords, and the "also fix" list.
"""

from __future__ import annotations

import html
import io
import os
import re
import stat
import time
from datetime import timedelta

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import ActivationCode, Member, Role, User
from quizapp.services import accounts, uploads
from quizapp.services.exports import neutralise, to_csv, to_xlsx
from tests.conftest import TEST_PASSWORD, make_app
from tests.organiser_kit import errors_of, text_of
from tests.quizkit import open_quiz


def _fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


@pytest.fixture
def wide(roles, make):
    """A member of chi đoàn Nà Sản (Mai Sơn) who is also an organiser of the whole province, and a
    member of the same chapter who is an admin."""
    tree = roles["tree"]
    organiser_member = make.member(
        tree["na_san"], "Cầm Văn Tỉnh", code="SL000777", phone="0987000777"
    )
    organiser = make.user(member=organiser_member, grants=[(Role.ORGANISER, tree["province"])])
    admin_member = make.member(tree["na_san"], "Đèo Thị Quản", code="SL000888")
    admin = make.user(member=admin_member, grants=[(Role.ADMIN, None)])
    chapter_secretary = make.user("bithu.nasan", grants=[(Role.SECRETARY, tree["na_san"])])
    district_organiser = make.user("btc.maison", grants=[(Role.ORGANISER, tree["mai_son"])])
    db.session.commit()
    return {
        **roles,
        "organiser_member": organiser_member,
        "organiser_account": organiser,
        "admin_member": admin_member,
        "admin_account": admin,
        "chapter_secretary": chapter_secretary,
        "district_organiser": district_organiser,
    }


# --- 1. acting on a person ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["district_secretary", "chapter_secretary", "district_organiser"])
def test_a_code_for_an_account_with_wider_rights_is_refused_and_the_page_says_who_can(
    wide, login, actor
):
    users = {
        **wide["users"],
        "chapter_secretary": wide["chapter_secretary"],
        "district_organiser": wide["district_organiser"],
    }
    client = login(users[actor])
    member = wide["organiser_member"]
    before = wide["organiser_account"].password_hash
    page = client.get(f"/accounts/member/{member.id}/code")
    assert page.status_code == 403
    assert "Chỉ ban tổ chức của Tỉnh đoàn Sơn La" in text_of(page)
    reply = client.post(f"/accounts/member/{member.id}/code", data={})
    assert reply.status_code == 403
    assert db.session.scalar(select(db.func.count(ActivationCode.id))) == 0
    assert _fresh(wide["organiser_account"]).password_hash == before


def test_an_admin_account_is_reset_only_by_an_admin(wide, login):
    member = wide["admin_member"]
    page = login(wide["users"]["organiser"]).post(f"/accounts/member/{member.id}/code", data={})
    assert page.status_code == 403
    assert "Chỉ quản trị viên hệ thống mới cấp được mã" in text_of(page)
    reply = login(wide["users"]["admin"]).post(f"/accounts/member/{member.id}/code", data={})
    assert reply.status_code == 200 and "Phiếu mã kích hoạt" in text_of(reply)


def test_the_province_organiser_may_reset_the_organiser_member(wide, login):
    reply = login(wide["users"]["organiser"]).post(
        f"/accounts/member/{wide['organiser_member'].id}/code", data={}
    )
    assert reply.status_code == 200
    assert _fresh(wide["organiser_account"]).password_hash is None


def test_unit_codes_skip_accounts_with_wider_rights_and_say_so(wide, login):
    account = wide["organiser_account"]
    account.password_hash = None  # not activated yet: the unit batch would have included it
    db.session.commit()
    unit = wide["tree"]["na_san"]
    reply = login(wide["users"]["district_secretary"]).post(
        f"/accounts/unit/{unit.id}/codes", data={"slips": "1"}
    )
    page = text_of(reply)
    assert "giữ vai trò rộng hơn quyền của bạn" in page and "SL000777" in page
    assert (
        db.session.scalar(select(ActivationCode).where(ActivationCode.user_id == account.id))
        is None
    )


def test_the_cli_goes_through_the_same_rule(wide, runner):
    refused = runner.invoke(args=["reset-code", "SL000777", "--as", "bithu.maison"])
    assert refused.exit_code != 0 and "rộng hơn quyền" in refused.output
    allowed = runner.invoke(args=["reset-code", "SL000777", "--as", "bantuyengiao"])
    assert allowed.exit_code == 0, allowed.output
    assert "Mã kích hoạt mới của SL000777" in allowed.output


def test_deactivating_an_account_with_wider_rights_is_refused(wide, login):
    member = wide["organiser_member"]
    reply = login(wide["district_organiser"]).post(f"/org/members/{member.id}/active", data={})
    assert reply.status_code == 403
    assert "giữ vai trò rộng hơn quyền của bạn" in text_of(reply)
    assert _fresh(member).active is True


def test_policy_covers_grants_by_role_and_subtree(wide):
    tree, users = wide["tree"], wide["users"]
    target = wide["organiser_account"]
    assert not policy.can_act_on_person(users["district_secretary"], target)
    assert not policy.can_act_on_person(
        users["secretary"], target
    )  # province secretary: a narrower role
    assert policy.can_act_on_person(users["organiser"], target)
    assert policy.can_act_on_person(users["admin"], target)
    assert policy.person_guardian(target) == (Role.ORGANISER, tree["province"])


# --- 2. sign-out ends the session on the server ---------------------------------------------------


def _signed_in(client) -> bool:
    g.pop("_login_user", None)
    return "Xin chào" in client.get("/").get_data(as_text=True)


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _sign_in(client, login="DV001", password=TEST_PASSWORD):
    g.pop("_login_user", None)
    return client.post("/auth/login", data={"login": login, "password": password, "remember": "y"})


@pytest.fixture
def member(make):
    tree = make.province()
    m = make.member(tree["na_san"], "Lường Văn Tuấn", code="DV001", phone="0912345678")
    make.user(member=m)
    db.session.commit()
    return m


def test_a_copied_session_cookie_stops_working_after_sign_out(app, member):
    browser = app.test_client()
    _sign_in(browser)
    stolen = _cookie(browser, "session")
    browser.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not _signed_in(thief)


def test_a_copied_remember_token_stops_working_after_sign_out(app, member):
    browser = app.test_client()
    _sign_in(browser)
    token = _cookie(browser, "remember_token")
    assert token
    browser.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", token)
    assert not _signed_in(thief)


def test_the_remember_token_is_new_at_each_sign_in(app, member):
    first, second = app.test_client(), app.test_client()
    _sign_in(first)
    _sign_in(second)
    assert _cookie(first, "remember_token") != _cookie(second, "remember_token")
    assert _signed_in(first) and _signed_in(second)


def test_a_remember_token_expires_after_the_configured_days(database_url, tmp_path):
    app = make_app(database_url, tmp_path, REMEMBER_COOKIE_DURATION=timedelta(days=30))
    with app.app_context():
        from tests.conftest import Factory

        user = Factory().user("cu.dan")
        db.session.commit()
        issued = int(time.time()) - 31 * 24 * 3600
        old = f"{user.id}:{user.session_version}:{issued}:abc"
        recent = f"{user.id}:{user.session_version}:{int(time.time()) - 29 * 24 * 3600}:abc"
        from quizapp.security import load_user

        assert load_user(old) is None
        assert load_user(recent) is not None
        db.session.remove()


@pytest.mark.parametrize("how", ["password_change", "reset", "deactivation"])
def test_a_remember_token_stops_working_after(app, member, how, make):
    browser = app.test_client()
    _sign_in(browser)
    token = _cookie(browser, "remember_token")
    user = db.session.scalar(select(User).where(User.login == "DV001"))
    if how == "password_change":
        g.pop("_login_user", None)
        reply = browser.post(
            "/auth/password",
            data={
                "current": TEST_PASSWORD,
                "password": "Nui-Ta-Xua-2024",
                "confirm": "Nui-Ta-Xua-2024",
            },
        )
        assert reply.status_code == 302
    elif how == "reset":
        accounts.reset_member_password(member, None, now_utc())
        db.session.commit()
    else:
        member.active = False
        db.session.commit()
    thief = app.test_client()
    thief.set_cookie("remember_token", token)
    assert not _signed_in(thief)
    assert user is not None


def test_the_csrf_secret_is_rotated_at_sign_in(app, member):
    browser = app.test_client()
    browser.get("/auth/login")
    with browser.session_transaction() as sess:
        before = sess.get("csrf_token")
    assert before
    _sign_in(browser)
    with browser.session_transaction() as sess:
        after = sess.get("csrf_token")
    assert after != before


# --- 4. keys hidden from a person who can sit a quiz over that version ----------------------------


def test_an_organiser_who_can_sit_the_open_quiz_cannot_read_its_key(wide, make, login):
    tree = wide["tree"]
    version = make.bank(slug="nq-open")
    quiz = open_quiz(make, tree["province"], version)
    db.session.commit()
    client = login(wide["organiser_account"])  # province organiser, member of Nà Sản
    for url in (
        f"/org/banks/versions/{version.id}/export/yaml",
        f"/org/banks/versions/{version.id}",
        f"/org/questions/{version.questions[0].id}",
        f"/org/quizzes/{quiz.id}/preview?key=1",
        f"/reports/quizzes/{quiz.id}/units/{tree['province'].id}/items",
        f"/reports/quizzes/{quiz.id}/units/{tree['province'].id}/items.csv",
    ):
        reply = client.get(url)
        assert reply.status_code == 403, url
        assert "Đáp án đang được giữ kín với bạn" in text_of(reply), url
        assert "sau khi đợt kiểm tra đóng" in text_of(reply)
    # An organiser who is not in the audience still works; and after the quiz closes, so does she.
    assert (
        login(wide["users"]["organiser"])
        .get(f"/org/banks/versions/{version.id}/export/yaml")
        .status_code
        == 200
    )
    quiz.closes_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    assert (
        login(wide["organiser_account"])
        .get(f"/org/banks/versions/{version.id}/export/yaml")
        .status_code
        == 200
    )


# --- 5 and 10. control, bidi and invisible characters ----------------------------------------------


@pytest.mark.parametrize(
    "raw,reason",
    [
        ("Lò\x07 Thị Mai", "control"),
        ("Lò\x1b Thị", "control"),
        ("Lò\x00Mai", "control"),
        ("\u202eiaM ihT òL", "bidi"),
        ("Mai\u2066x", "bidi"),
        ("a" + "\u0301" * 5, "combining"),
    ],
)
def test_the_text_helper_refuses(raw, reason):
    from quizapp.text import UnsafeText, clean_text

    with pytest.raises(UnsafeText) as caught:
        clean_text(raw)
    assert caught.value.reason == reason


def test_the_text_helper_drops_invisible_characters_and_composes():
    from quizapp.text import clean_text

    assert clean_text("\ufeffLo\u200b Thi\u0323\u00ad Mai\u2060") == "Lo Thị Mai"
    assert clean_text("Tha\u0300nh") == "Thành"


@pytest.mark.parametrize("name", ["Lò Thị\x07 Mai", "\u202eiaM ihT òL"])
def test_a_name_with_control_or_bidi_characters_gets_a_field_error(roles, login, name):
    member = roles["member"]
    reply = login(roles["users"]["organiser"]).post(
        f"/org/members/{member.id}/edit",
        data={"full_name": name, "gender": "nu", "ethnicity": "Thái", "phone": "", "email": ""},
    )
    assert any("Nội dung này có ký tự" in e and "Hãy gõ lại" in e for e in errors_of(reply))
    assert _fresh(member).full_name == "Lò Thị Mai"


def test_a_name_with_invisible_characters_is_stored_clean(roles, login):
    member = roles["member"]
    login(roles["users"]["organiser"]).post(
        f"/org/members/{member.id}/edit",
        data={
            "full_name": "Lò\u200b Thi\u0323 Mai\ufeff",
            "gender": "nu",
            "ethnicity": "Thái",
            "phone": "",
            "email": "",
        },
    )
    assert _fresh(member).full_name == "Lò Thị Mai"


def test_roster_import_locates_a_control_character(roles, login):
    tree = roles["tree"]
    data = (
        "Mã đoàn viên,Họ và tên,Ngày sinh,Giới tính,Mã chi đoàn\n"
        "DV-BEL,Lường\x07 Văn Nam,,Nam,SL-MS-CD-NS\n"
    ).encode()
    client = login(roles["users"]["organiser"])
    reply = client.post(
        "/org/roster/upload",
        data={"file": (io.BytesIO(data), "ds.csv"), "unit": tree["chieng_dong"].id},
        content_type="multipart/form-data",
    )
    page = text_of(client.get(reply.headers["Location"]))
    assert "ký tự điều khiển" in page
    assert db.session.scalar(select(Member).where(Member.code == "DV-BEL")) is None


def test_an_xlsx_export_of_a_legacy_name_with_control_characters_works():
    data = to_xlsx(["Họ và tên"], [["Lò\x07 Thị\x1b Mai\u202e"]], "Chi đoàn\x07")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "Lò Thị Mai"


# --- 6. ids past 64 bits, deep nesting ------------------------------------------------------------

HUGE = 2**64
QUERY_NAMES = ("unit", "page", "quiz", "seed", "old", "new", "bank", "member", "version", "topic")


def _fill(argument: str, number: int):
    return {
        "fmt": "csv",
        "table": "members",
        "code": "en",
        "filename": "css/app.css",
        "token": "x" * 40,
    }.get(argument, number)


def test_every_route_answers_huge_ids_without_a_server_error(app, roles, login):
    failures = []
    for rule, number in [(r, n) for r in app.url_map.iter_rules() for n in (HUGE, 1)]:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = rule.build({a: _fill(a, number) for a in rule.arguments}, append_unknown=False)[1]
            client = login(roles["users"]["admin"])  # again: a sign-out route may have run
            query = {name: str(HUGE) for name in QUERY_NAMES}
            reply = client.open(
                url,
                method=method,
                query_string=query,
                data={"unit": str(HUGE), "member": str(HUGE), "quiz": str(HUGE)},
            )
            if reply.status_code >= 500:
                failures.append(f"{method} {url}: {reply.status_code}")
    assert not failures, failures


@pytest.mark.parametrize(
    "url",
    [
        "/m/attempts/9223372036854775808",
        "/org/members/99999999999999999999",
        "/reports/units/18446744073709551616",
    ],
)
def test_a_path_id_past_64_bits_is_not_found(roles, login, url):
    assert login(roles["users"]["admin"]).get(url).status_code == 404


def test_json_ids_past_64_bits_and_deep_nesting_are_a_400(roles, login):
    client = login(roles["member"].user)
    huge = client.post(
        "/m/api/answers", json={"attempt": HUGE, "question": HUGE, "answer": 0, "seq": 1}
    )
    assert huge.status_code in (400, 404)
    deep = client.post(
        "/m/api/answers", data="[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert deep.status_code in (400, 404)


# --- 7, 8. sign-in limits per account; the current-password check ---------------------------------


def _limited(database_url, tmp_path, **limits):
    return make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, **limits)


def test_member_code_and_phone_share_one_count(database_url, tmp_path):
    app = _limited(database_url, tmp_path, RATELIMIT_LOGIN_PER_ACCOUNT="2 per 5 minutes")
    with app.app_context():
        from tests.conftest import Factory

        make = Factory()
        tree = make.province()
        make.user(member=make.member(tree["na_san"], "Lò Văn A", code="DV050", phone="0912000050"))
        db.session.commit()
        client = app.test_client()
        codes = [
            client.post("/auth/login", data={"login": login, "password": "sai"}).status_code
            for login in ("DV050", "0912000050", "dv050")
        ]
        db.session.remove()
    assert codes == [200, 200, 429]


def test_the_current_password_check_is_throttled(database_url, tmp_path):
    app = _limited(database_url, tmp_path, RATELIMIT_LOGIN_PER_ACCOUNT="3 per 5 minutes")
    with app.app_context():
        from tests.conftest import Factory, sign_in

        user = Factory().user("can.bo")
        db.session.commit()
        client = app.test_client()
        sign_in(client, user)
        codes = []
        for _ in range(4):
            g.pop("_login_user", None)
            codes.append(
                client.post(
                    "/auth/password",
                    data={
                        "current": "sai",
                        "password": "Nui-Ta-Xua-2024",
                        "confirm": "Nui-Ta-Xua-2024",
                    },
                ).status_code
            )
        db.session.remove()
    assert codes == [200, 200, 200, 429]


# --- 9. weak passwords ---------------------------------------------------------------------------


def test_the_common_password_list_ships_with_the_package():
    from quizapp.services.passwords import common_passwords

    words = common_passwords()
    assert len(words) >= 10_000
    assert {"123456", "password", "anhyeuem", "matkhau123", "iloveyou"} <= words


@pytest.mark.parametrize(
    "password,message",
    [
        ("12345678", "dãy liền nhau"),
        ("aaaaaaaa", "lặp lại"),
        ("\x00" * 8, "ký tự điều khiển"),
        ("87654321", "dãy liền nhau"),
        ("anhyeuem123", "mật khẩu phổ biến"),
        ("password1", "mật khẩu phổ biến"),
        ("DV002-abc", "mã đoàn viên"),
        ("x0912000002", "số điện thoại"),
    ],
)
def test_activation_refuses_weak_passwords_with_a_reason(client, make, password, message):
    tree = make.province()
    member = make.member(tree["na_san"], "Lò Văn B", code="DV002", phone="0912000002")
    slip = accounts.reset_member_password(member, None, now_utc())
    db.session.commit()
    reply = client.post(
        "/auth/activate",
        data={"login": "DV002", "code": slip.code, "password": password, "confirm": password},
    )
    assert reply.status_code == 200
    assert any(message in e for e in errors_of(reply)), errors_of(reply)
    assert _fresh(member.user).password_hash is None


# --- issue 12: logins without case, spaces or full-width characters --------------------------------


@pytest.mark.parametrize("typed", ["dv001", "Dv001", "  DV001 ", "ＤＶ００１", "ｄｖ001"])
def test_sign_in_matches_the_login_without_case_spaces_or_full_width(client, member, typed):
    assert _sign_in(client, typed).status_code == 302


def test_activation_matches_the_login_without_case(client, make):
    tree = make.province()
    member = make.member(tree["na_san"], "Lò Văn C", code="SL000002")
    slip = accounts.reset_member_password(member, None, now_utc())
    db.session.commit()
    reply = client.post(
        "/auth/activate",
        data={
            "login": "sl000002",
            "code": slip.code.lower(),
            "password": "Nui-Ta-Xua-2024",
            "confirm": "Nui-Ta-Xua-2024",
        },
    )
    assert reply.status_code == 302


@pytest.mark.parametrize("url", ["/auth/login", "/auth/activate"])
def test_the_login_field_does_not_capitalise_or_correct(client, url):
    field = re.search(
        r'<input[^>]*name="login"[^>]*>', client.get(url).get_data(as_text=True)
    ).group(0)
    for attribute in (
        'autocapitalize="characters"',
        'autocomplete="username"',
        'spellcheck="false"',
    ):
        assert attribute in field


# --- also fix -------------------------------------------------------------------------------------


def test_pending_uploads_are_capped_per_user_and_the_page_says_so(roles, login):
    user = roles["users"]["organiser"]
    for n in range(uploads.MAX_PENDING_PER_USER):
        uploads.save("roster", f"{n}.csv", b"x", user.id, now_utc(), {})
    db.session.commit()
    tree = roles["tree"]
    reply = login(user).post(
        "/org/roster/upload",
        data={
            "file": (io.BytesIO(b"Ma doan vien,Ho va ten\n"), "ds.csv"),
            "unit": tree["chieng_dong"].id,
        },
        content_type="multipart/form-data",
    )
    assert reply.status_code == 429
    assert "tệp đã tải lên nhưng chưa xác nhận nhập" in text_of(reply)


def test_the_sqlite_file_and_instance_folder_are_private(tmp_path, monkeypatch):
    from flask import Flask

    from quizapp.config import load_config

    instance = tmp_path / "instance"
    bare = Flask("quizapp", instance_path=str(instance))
    monkeypatch.delenv("QUIZAPP_DATABASE_URL", raising=False)
    load_config(
        bare, {"SECRET_KEY": "x"}
    )  # no database configured: the instance folder's SQLite file
    assert bare.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/quizapp.sqlite")
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(instance / "quizapp.sqlite").st_mode) == 0o600


@pytest.mark.parametrize("value", ["＝1+1", "＋1", "－1", "＠SUM(A1)"])
def test_full_width_formula_signs_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert to_csv(["x"], [[value]]).decode("utf-8-sig").splitlines()[1].startswith("'")


def test_the_slips_page_csv_button_downloads_the_slips(roles, login, make):
    tree = roles["tree"]
    make.member(tree["na_san"], "Quàng Văn Sơn", code="DV-NEW")
    client = login(roles["users"]["district_secretary"])
    page = text_of(client.post(f"/accounts/unit/{tree['na_san'].id}/codes", data={"slips": "1"}))
    form = re.search(
        r'<form method="post" action="/accounts/slips.csv".*?</form>', page, re.S
    ).group(0)
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form))
    reply = client.post(
        "/accounts/slips.csv", data={k: html.unescape(v) for k, v in fields.items()}
    )
    assert reply.status_code == 200
    assert "Quàng Văn Sơn" in reply.get_data().decode("utf-8-sig")
