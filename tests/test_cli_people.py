"""`quizapp create-admin`, `grant` and `activation-codes`: same services as the web, Vietnamese output."""

import csv
import io

from sqlalchemy import select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import ActivationCode, User
from quizapp.policy import Action


def test_create_admin_makes_an_account_that_may_do_everything(runner, app):
    result = runner.invoke(args=["create-admin", "quantri"], input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert "Đã tạo quản trị viên quantri." in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.login == "quantri"))
    assert policy.is_admin(user)


def test_create_admin_refuses_a_short_password_in_vietnamese(runner, app):
    result = runner.invoke(args=["create-admin", "quantri"], env={"QUIZAPP_ADMIN_PASSWORD": "ngan"})
    assert result.exit_code != 0
    assert "Mật khẩu cần ít nhất 8 ký tự." in result.output


def test_create_admin_refuses_a_taken_login(runner, roles):
    result = runner.invoke(
        args=["create-admin", "admin"], env={"QUIZAPP_ADMIN_PASSWORD": "mat-khau-dai"}
    )
    assert "Tên đăng nhập này đã có người dùng." in result.output


def test_grant_gives_a_role_on_a_unit(runner, roles):
    result = runner.invoke(args=["grant", "secretary", roles["member"].code, "SL-MS-CD-NS"])
    assert result.exit_code == 0, result.output
    assert "Đã cấp quyền secretary" in result.output and "Chi đoàn bản Nà Sản" in result.output
    db.session.expire_all()
    user = db.session.get(User, roles["users"]["member"].id)
    assert policy.can(user, Action.MANAGE_ACCOUNTS, roles["tree"]["na_san"])
    assert not policy.can(user, Action.MANAGE_ACCOUNTS, roles["tree"]["co_muong"])
    again = runner.invoke(args=["grant", "secretary", roles["member"].code, "SL-MS-CD-NS"])
    assert "đã có quyền đó" in again.output


def test_grant_explains_unknown_login_or_unit(runner, roles):
    assert (
        "Không có tài khoản 'ai.do'"
        in runner.invoke(args=["grant", "organiser", "ai.do", "SL"]).output
    )
    assert (
        "Không có đơn vị mã 'XX'"
        in runner.invoke(args=["grant", "organiser", "admin", "XX"]).output
    )
    assert "cần mã đơn vị" in runner.invoke(args=["grant", "organiser", "admin"]).output


def test_activation_codes_are_written_to_a_csv_file(runner, roles, make, tmp_path):
    make.member(roles["tree"]["co_muong"], "Cầm Thị Hoa", code="DV101")
    db.session.commit()
    out = tmp_path / "ma.csv"
    result = runner.invoke(args=["activation-codes", "SL-MS-CD", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã tạo 1 mã kích hoạt cho Đoàn xã Chiềng Dong" in result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[1][2:4] == ["Cầm Thị Hoa", "DV101"]
    assert db.session.scalar(select(db.func.count(ActivationCode.id))) == 1


def test_activation_codes_for_an_unknown_unit_say_so(runner, roles):
    result = runner.invoke(args=["activation-codes", "KHONG-CO"])
    assert result.exit_code != 0 and "Không có đơn vị mã 'KHONG-CO'" in result.output
