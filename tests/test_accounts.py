"""Activation codes and password resets: the service, the slips, the CSV and who may do it where."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ActivationCode, Member, User
from quizapp.services import accounts
from quizapp.services.exports import to_csv
from quizapp.web import links
from tests.conftest import TEST_PASSWORD

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def chieng_dong(roles, make):
    """Members of Chiềng Dong: two without accounts, one already active (the `roles` member)."""
    tree = roles["tree"]
    make.member(tree["na_san"], "Quàng Văn Sơn", code="DV100", phone="0912000100")
    make.member(tree["co_muong"], "Cầm Thị Hoa", code="DV101")
    make.member(tree["moc_ly"], "Hà Thị Lan", code="DV200")
    db.session.commit()
    return roles


def test_unit_codes_go_to_every_member_without_a_password(chieng_dong):
    batch = accounts.issue_codes_for_unit(chieng_dong["tree"]["chieng_dong"], None, NOW)
    assert sorted(s.login for s in batch.slips) == ["DV100", "DV101"]
    assert all(
        len(s.code) == accounts.CODE_LENGTH and s.expires_at == NOW + timedelta(days=30)
        for s in batch.slips
    )
    assert db.session.scalar(select(User).where(User.login == "DV100")).password_hash is None


def test_slips_are_in_vietnamese_order_chapter_then_given_name(chieng_dong, make):
    make.member(chieng_dong["tree"]["na_san"], "Bạc Thị Ánh", code="DV102")
    make.member(chieng_dong["tree"]["na_san"], "Lò Văn Chá", code="DV103")
    make.member(chieng_dong["tree"]["na_san"], "Vì Thị Cà", code="DV104")
    batch = accounts.issue_codes_for_unit(chieng_dong["tree"]["chieng_dong"], None, NOW)
    # Code-point order would put "Chá" before "Cà" and "Nà Sản" before "Co Muồng" (by code).
    assert [(s.chapter_name, s.full_name) for s in batch.slips] == [
        ("Chi đoàn bản Co Muồng", "Cầm Thị Hoa"),
        ("Chi đoàn bản Nà Sản", "Bạc Thị Ánh"),
        ("Chi đoàn bản Nà Sản", "Vì Thị Cà"),
        ("Chi đoàn bản Nà Sản", "Lò Văn Chá"),
        ("Chi đoàn bản Nà Sản", "Quàng Văn Sơn"),
    ]


def test_a_code_lets_the_member_choose_a_password_once(chieng_dong):
    slip = accounts.issue_codes_for_unit(chieng_dong["tree"]["na_san"], None, NOW).slips[0]
    user = accounts.redeem_activation_code(
        "DV100", slip.code.lower(), "mat-khau-moi", NOW + timedelta(hours=1)
    )
    assert accounts.authenticate("DV100", "mat-khau-moi", NOW) is user
    with pytest.raises(accounts.AccountError, match="bad_code"):
        accounts.redeem_activation_code(
            "DV100", slip.code, "mat-khau-khac", NOW + timedelta(hours=2)
        )


def test_a_new_code_makes_the_old_one_useless(chieng_dong):
    unit = chieng_dong["tree"]["na_san"]
    old = accounts.issue_codes_for_unit(unit, None, NOW).slips[0]
    accounts.issue_codes_for_unit(unit, None, NOW + timedelta(minutes=5))
    with pytest.raises(accounts.AccountError, match="bad_code"):
        accounts.redeem_activation_code("DV100", old.code, "mat-khau-moi", NOW + timedelta(hours=1))


def test_an_expired_code_is_refused(chieng_dong):
    slip = accounts.issue_codes_for_unit(chieng_dong["tree"]["na_san"], None, NOW).slips[0]
    with pytest.raises(accounts.AccountError, match="expired"):
        accounts.redeem_activation_code(
            "DV100", slip.code, "mat-khau-moi", NOW + timedelta(days=31)
        )


def test_a_member_code_taken_as_a_staff_login_is_left_out(chieng_dong, make):
    make.user("DV101")
    batch = accounts.issue_codes_for_unit(chieng_dong["tree"]["chieng_dong"], None, NOW)
    assert [s.login for s in batch.slips] == ["DV100"]
    assert batch.conflicts == ["DV101"]


def test_reset_forgets_the_password_and_signs_out_everywhere(chieng_dong):
    member = chieng_dong["member"]
    user = member.user
    version = user.session_version
    slip = accounts.reset_member_password(member, chieng_dong["users"]["secretary"], NOW)
    assert user.password_hash is None and user.session_version == version + 1
    assert accounts.authenticate(member.code, TEST_PASSWORD, NOW) is None
    accounts.redeem_activation_code(member.code, slip.code, "mat-khau-moi", NOW)
    assert accounts.authenticate(member.code, "mat-khau-moi", NOW) is user


def test_slip_table_is_a_spreadsheet_organisers_can_open(chieng_dong, app):
    batch = accounts.issue_codes_for_unit(chieng_dong["tree"]["na_san"], None, NOW)
    app.config["SITE_URL"] = "https://thi.doan.vn"
    data = to_csv(
        *accounts.slip_table(batch.slips, lambda s: links.activation_link(s.login, s.code))
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0][:5] == ["Chi đoàn", "Mã chi đoàn", "Họ và tên", "Tên đăng nhập", "Mã kích hoạt"]
    assert rows[1][2:5] == ["Quàng Văn Sơn", "DV100", batch.slips[0].code]
    assert rows[1][6] == f"https://thi.doan.vn/auth/activate?login=DV100&code={batch.slips[0].code}"


# --- the web pages -------------------------------------------------------------------------


def test_secretary_prints_slips_for_a_commune(chieng_dong, login, client, app):
    app.config["SITE_URL"] = "https://thi.doantn.vn"
    login(chieng_dong["users"]["district_secretary"])
    unit = chieng_dong["tree"]["chieng_dong"]
    confirm = client.get(f"/accounts/unit/{unit.id}/codes").get_data(as_text=True)
    assert "2 đoàn viên chưa đặt mật khẩu" in confirm
    page = client.post(f"/accounts/unit/{unit.id}/codes", data={"slips": "1"}).get_data(
        as_text=True
    )
    assert "Quàng Văn Sơn" in page and "Cầm Thị Hoa" in page
    assert "https://thi.doantn.vn/auth/activate" in page
    assert page.index(">Chi đoàn bản Co Muồng <") < page.index(">Chi đoàn bản Nà Sản <")
    assert db.session.scalar(select(db.func.count(ActivationCode.id))) == 2


def test_codes_download_as_csv(chieng_dong, login, client):
    login(chieng_dong["users"]["district_secretary"])
    unit = chieng_dong["tree"]["chieng_dong"]
    reply = client.post(f"/accounts/unit/{unit.id}/codes", data={"csv": "1"})
    assert reply.mimetype == "text/csv"
    assert "ma-kich-hoat-SL-MS-CD.csv" in reply.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    assert {r[3] for r in rows[1:]} == {"DV100", "DV101"}


def test_printed_slips_can_also_be_downloaded_without_new_codes(chieng_dong, login, client):
    login(chieng_dong["users"]["district_secretary"])
    slips = [
        [
            "Chi đoàn bản Nà Sản",
            "SL-MS-CD-NS",
            "Quàng Văn Sơn",
            "DV100",
            "ABCD2345",
            NOW.isoformat(),
        ]
    ]
    reply = client.post("/accounts/slips.csv", data={"payload": json.dumps(slips)})
    assert "ABCD2345" in reply.get_data().decode("utf-8-sig")
    assert db.session.scalar(select(db.func.count(ActivationCode.id))) == 0


def test_a_unit_too_large_for_one_sheet_is_sent_to_its_children(chieng_dong, login, client, app):
    app.config["ACTIVATION_BATCH_MAX"] = 1
    login(chieng_dong["users"]["secretary"])
    province = chieng_dong["tree"]["province"]
    page = client.post(f"/accounts/unit/{province.id}/codes", data={"slips": "1"}).get_data(
        as_text=True
    )
    assert "Hãy tạo mã theo từng đơn vị trực thuộc" in page
    assert db.session.scalar(select(db.func.count(ActivationCode.id))) == 0


def test_member_code_page_warns_before_a_reset(chieng_dong, login, client):
    login(chieng_dong["users"]["district_secretary"])
    member = chieng_dong["member"]
    page = client.get(f"/accounts/member/{member.id}/code").get_data(as_text=True)
    assert "Mật khẩu hiện tại sẽ bị xoá" in page
    slip_page = client.post(f"/accounts/member/{member.id}/code").get_data(as_text=True)
    assert "Lò Thị Mai" in slip_page and "Mã kích hoạt" in slip_page
    db.session.refresh(member.user)
    assert member.user.password_hash is None


def test_account_search_finds_a_member_by_phone_in_the_subtree(chieng_dong, login, client):
    login(chieng_dong["users"]["district_secretary"])
    unit = chieng_dong["tree"]["mai_son"]
    page = client.get(f"/accounts/?unit={unit.id}&q=0912000100").get_data(as_text=True)
    assert "Quàng Văn Sơn" in page
    assert "Hà Thị Lan" not in client.get(f"/accounts/?unit={unit.id}&q=DV200").get_data(
        as_text=True
    )


def test_member_without_a_grant_cannot_open_the_accounts_area(chieng_dong, login, client):
    login(chieng_dong["users"]["member"])
    assert client.get("/accounts/").status_code == 403


# --- every role against a unit outside its subtree ----------------------------------------

OUTSIDE = {  # role -> a unit outside its subtree, and a member there
    "organiser": ("other_chapter", "other_member"),
    "secretary": ("other_chapter", "other_member"),
    "district_secretary": ("moc_ly", "moc_ly_member"),
    "member": ("co_muong", "co_muong_member"),
}


@pytest.fixture
def outside(chieng_dong, make):
    other = make.unit("Tỉnh đoàn Điện Biên", "province", code="DB")
    other_chapter = make.unit("Chi đoàn bản Mường Phăng", "chapter", other, code="DB-MP")
    units = {**chieng_dong["tree"], "other_chapter": other_chapter}
    members = {
        "other_member": make.member(other_chapter, "Lò Văn Bí Mật", code="DB001"),
        "moc_ly_member": db.session.scalar(select(Member).where(Member.code == "DV200")),
        "co_muong_member": db.session.scalar(select(Member).where(Member.code == "DV101")),
    }
    db.session.commit()
    return {**chieng_dong, "units": units, "members": members}


def _requests(unit, member):
    return [
        ("get", f"/accounts/?unit={unit.id}"),
        ("get", f"/accounts/unit/{unit.id}/codes"),
        ("post", f"/accounts/unit/{unit.id}/codes"),
        ("get", f"/accounts/member/{member.id}/code"),
        ("post", f"/accounts/member/{member.id}/code"),
    ]


@pytest.mark.parametrize("role", list(OUTSIDE))
def test_each_role_is_refused_outside_its_subtree_and_sees_nothing_of_it(
    outside, login, client, role
):
    unit_key, member_key = OUTSIDE[role]
    unit, member = outside["units"][unit_key], outside["members"][member_key]
    login(outside["users"][role])
    for method, url in _requests(unit, member):
        reply = getattr(client, method)(url, data={"slips": "1"} if method == "post" else None)
        body = reply.get_data(as_text=True)
        assert reply.status_code == 403, (role, url)
        assert unit.name not in body and member.full_name not in body and member.code not in body, (
            role,
            url,
        )
    assert db.session.scalar(select(db.func.count(ActivationCode.id))) == 0


def test_admin_reaches_every_province(outside, login, client):
    login(outside["users"]["admin"])
    unit, member = outside["units"]["other_chapter"], outside["members"]["other_member"]
    for method, url in _requests(unit, member):
        if method == "get":
            assert client.get(url).status_code == 200, url
    assert "Lò Văn Bí Mật" in client.post(f"/accounts/member/{member.id}/code").get_data(
        as_text=True
    )


# --- the home page's unit tree ----------------------------------------------------------------


def test_home_shows_the_secretary_the_units_of_their_subtree_with_counts(outside, login, client):
    from quizapp.services.reports.roster_counts import refresh_roster_counts

    refresh_roster_counts()
    db.session.commit()
    login(outside["users"]["district_secretary"])
    page = client.get("/").get_data(as_text=True)
    assert "Đơn vị của bạn" in page
    assert "Huyện đoàn Mai Sơn" in page and "Đoàn xã Chiềng Dong" in page
    assert "3 đoàn viên" in page  # Mai Sơn: Lò Thị Mai, Quàng Văn Sơn, Cầm Thị Hoa
    assert "Mộc Châu" not in page and "Điện Biên" not in page


def test_home_shows_no_unit_tree_to_a_member(outside, login, client):
    login(outside["users"]["member"])
    assert "Đơn vị của bạn" not in client.get("/").get_data(as_text=True)
