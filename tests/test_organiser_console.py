"""The console's entry, who may open it, and the audit log on screen and as files."""

import csv
import io

import pytest
from openpyxl import load_workbook

from quizapp.extensions import db
from quizapp.services import audit
from tests.organiser_kit import NOW, audit_actions, text_of


def test_member_without_grants_is_refused(roles, login, console):
    client = login(roles["users"]["member"])
    assert client.get("/org/").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, console):
    reply = client.get("/org/quizzes")
    assert reply.status_code == 302
    assert "/auth/login" in reply.headers["Location"]


def test_organiser_sees_every_area_in_vietnamese(roles, login, console):
    page = text_of(login(roles["users"]["organiser"]).get("/org/"))
    for words in (
        "Ngân hàng câu hỏi",
        "Đợt kiểm tra",
        "Đoàn viên và tài khoản",
        "Phân quyền",
        "Nhật ký thao tác",
    ):
        assert words in page


def test_secretary_sees_only_accounts(roles, login, console):
    page = text_of(login(roles["users"]["district_secretary"]).get("/org/"))
    assert "Đoàn viên và tài khoản" in page
    assert "Tải lên bộ câu hỏi" not in page
    assert "Quản lý phân quyền" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/org/banks",
        "/org/quizzes",
        "/org/quizzes/new",
        "/org/people",
        "/org/audit",
        "/org/roster/upload",
        "/org/banks/upload",
    ],
)
def test_secretary_cannot_open_organiser_pages(roles, login, console, url):
    assert login(roles["users"]["district_secretary"]).get(url).status_code == 403


def test_home_page_links_to_the_console_for_organisers(roles, login, console):
    assert 'href="/org/"' in text_of(login(roles["users"]["organiser"]).get("/"))


def test_home_page_has_no_console_link_for_members(roles, login, console):
    assert 'href="/org/"' not in text_of(login(roles["users"]["member"]).get("/"))


def _entries(roles, outside):
    tree, users = roles["tree"], roles["users"]
    audit.record(
        users["organiser"],
        "member.move",
        tree["na_san"],
        NOW,
        target="DV-NA-SAN",
        before={"chapter": "SL-MS-CD-NS"},
        after={"chapter": "SL-MS-CD-CM"},
    )
    audit.record(
        outside["organiser"], "quiz.create", outside["chapter"], NOW, target="quiz bí mật Lai Châu"
    )
    db.session.commit()


def test_audit_log_shows_actions_in_scope_only(roles, outside, login, console):
    _entries(roles, outside)
    page = text_of(login(roles["users"]["organiser"]).get("/org/audit"))
    assert "Chuyển chi đoàn" in page and "DV-NA-SAN" in page
    assert "Lai Châu" not in page


def test_audit_log_of_a_unit_outside_scope_is_refused(roles, outside, login, console):
    _entries(roles, outside)
    reply = login(roles["users"]["organiser"]).get(f"/org/audit?unit={outside['chapter'].id}")
    assert reply.status_code == 403
    assert "Lai Châu" not in text_of(reply)


def test_audit_export_as_csv_has_vietnamese_headers_and_scope(roles, outside, login, console):
    _entries(roles, outside)
    reply = login(roles["users"]["organiser"]).get("/org/audit/export.csv")
    rows = list(csv.reader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Thời gian", "Người thực hiện", "Thao tác"]
    assert [r[3] for r in rows[1:]] == ["member.move"]
    assert "SL-MS-CD-CM" in rows[1][7]


def test_audit_export_as_xlsx_opens_in_a_spreadsheet(roles, outside, login, console):
    _entries(roles, outside)
    reply = login(roles["users"]["organiser"]).get("/org/audit/export.xlsx")
    sheet = load_workbook(io.BytesIO(reply.get_data())).active
    assert sheet["C2"].value == "Chuyển chi đoàn"
    assert sheet.max_row == 2


def test_audit_export_outside_scope_is_refused(roles, outside, login, console):
    _entries(roles, outside)
    reply = login(roles["users"]["organiser"]).get(
        f"/org/audit/export.csv?unit={outside['province'].id}"
    )
    assert reply.status_code == 403
    assert b"quiz.create" not in reply.get_data()


@pytest.mark.parametrize(
    "url",
    [
        "/org/quizzes/new",
        "/org/banks/upload",
        "/org/roster/upload",
        "/org/people",
        "/org/members/1/active",
    ],
)
def test_posts_without_the_csrf_token_are_refused(roles, login, console, app, url):
    app.config["WTF_CSRF_ENABLED"] = True
    reply = login(roles["users"]["organiser"]).post(url, data={"confirm": "1", "title": "x"})
    assert reply.status_code == 400
    assert "Phiên làm việc của trang này đã hết hạn" in text_of(
        reply
    )  # CSRFProtect, before the view
    assert audit_actions() == []
    assert roles["member"].active
