"""The report pages through HTTP: what a secretary sees, sorts, filters, copies, prints and downloads."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Role
from quizapp.web.reports import views
from tests.reportkit import NOW, OPENS, make_quiz, refresh, start, take


@pytest.fixture
def frozen(monkeypatch):
    """The report views see the clock at NOW (mid-campaign) unless a test moves it."""
    clock = {"now": NOW}
    monkeypatch.setattr(views, "now_utc", lambda: clock["now"])
    return clock


@pytest.fixture
def sonla(make, roles, frozen):
    """The roles' province with a few more members, and a quiz with some participation."""
    tree, member = roles["tree"], roles["member"]
    people = {
        "hung": make.member(
            tree["na_san"], "Cầm Văn Hùng", phone="0912000002", gender="nam", ethnicity="Thái"
        ),
        "lan": make.member(
            tree["co_muong"],
            "Quàng Thị Lan",
            phone="0912000003",
            gender="nu",
            ethnicity="Kinh",
            attributes={"Đối tượng": "Nông dân"},
        ),
        "binh": make.member(tree["moc_ly"], "Hà Văn Bình", phone='=HYPERLINK("x")', is_cadre=True),
        "mai": member,
    }
    refresh()
    quiz = make_quiz(tree["province"])
    take(quiz, people["binh"], OPENS + timedelta(days=1), 90.0)
    take(quiz, people["mai"], OPENS + timedelta(days=2), 40.0)
    start(quiz, people["hung"], NOW - timedelta(minutes=5))
    return {"tree": tree, "people": people, "quiz": quiz, "users": roles["users"]}


def _url(quiz, unit, suffix="", **query):
    base = f"/reports/quizzes/{quiz.id}/units/{unit.id}{suffix}"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_province_secretary_sees_districts_worst_rate_first(sonla, login):
    client = login(sonla["users"]["secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["province"])).get_data(as_text=True)
    assert html.index("Huyện đoàn Mai Sơn") < html.index("Huyện đoàn Mộc Châu")
    assert "Còn thiếu" in html and "Tỉ lệ" in html
    assert "<svg" in html and "<desc" in html


def test_sorting_by_a_column_header_reverses_the_order(sonla, login):
    client = login(sonla["users"]["secretary"])
    html = client.get(
        _url(sonla["quiz"], sonla["tree"]["province"], sort="rate", dir="desc")
    ).get_data(as_text=True)
    assert html.index("Huyện đoàn Mộc Châu") < html.index("Huyện đoàn Mai Sơn")
    assert 'aria-sort="descending"' in html


def test_drilling_down_reaches_a_chapter_and_its_members(sonla, login):
    client = login(sonla["users"]["secretary"])
    quiz, tree = sonla["quiz"], sonla["tree"]
    html = client.get(_url(quiz, tree["province"])).get_data(as_text=True)
    assert _url(quiz, tree["mai_son"]) in html
    html = client.get(_url(quiz, tree["chieng_dong"])).get_data(as_text=True)
    assert _url(quiz, tree["na_san"]) in html
    html = client.get(_url(quiz, tree["na_san"])).get_data(as_text=True)
    assert "Lò Thị Mai" in html and "Đã hoàn thành" in html
    assert "Cầm Văn Hùng" in html and "Đang làm" in html


def test_not_yet_taken_part_filter_shows_whom_to_remind(sonla, login):
    client = login(sonla["users"]["secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["na_san"], filter="not_taken")).get_data(
        as_text=True
    )
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "Cầm Văn Hùng" in table and "Lò Thị Mai" not in table
    textarea = re.search(r"<textarea[^>]*readonly[^>]*>(.*?)</textarea>", html, re.DOTALL).group(1)
    assert textarea.strip() == "Cầm Văn Hùng - 0912000002"
    assert "js/reports.js" in html and "data-copy-target" in html


def test_breadcrumbs_stop_at_the_secretarys_own_unit(sonla, login):
    client = login(sonla["users"]["district_secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["na_san"])).get_data(as_text=True)
    crumbs = html[html.index('class="crumbs"') : html.index("</nav>", html.index('class="crumbs"'))]
    assert "Huyện đoàn Mai Sơn" in crumbs and "Tỉnh đoàn Sơn La" not in crumbs


def test_breakdowns_by_cadre_gender_ethnicity_and_attribute_are_on_the_page(sonla, login):
    client = login(sonla["users"]["secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["province"])).get_data(as_text=True)
    for text in (
        "Cán bộ đoàn",
        "Giới tính",
        "Dân tộc thiểu số",
        "Dân tộc Kinh",
        "Thái",
        "Đối tượng",
        "Nông dân",
    ):
        assert text in html


def test_print_view_hides_the_controls(sonla, login):
    client = login(sonla["users"]["secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["province"], print=1)).get_data(
        as_text=True
    )
    assert 'class="report print-view"' in html
    assert (
        "aria-sort" not in html
        or "<a href" not in html[html.index("<thead>") : html.index("</thead>")]
    )


def test_csv_export_of_members_is_vietnamese_with_bom_and_neutralised(sonla, login):
    client = login(sonla["users"]["secretary"])
    response = client.get(_url(sonla["quiz"], sonla["tree"]["moc_ly"], "/members.csv"))
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã đoàn viên", "Họ và tên", "Số điện thoại"]
    assert rows[1][1] == "Hà Văn Bình" and rows[1][2].startswith("'=")


def test_xlsx_export_of_children_has_a_total_row(sonla, login):
    client = login(sonla["users"]["secretary"])
    response = client.get(_url(sonla["quiz"], sonla["tree"]["province"], "/children.xlsx"))
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws["A1"].value == "Đơn vị" and ws.freeze_panes == "A2"
    assert ws.cell(ws.max_row, 1).value.startswith("Tổng cộng")
    assert ws.cell(ws.max_row, 3).value == 2


@pytest.mark.parametrize("table", ["children", "members", "not_taken", "breakdowns", "trend"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_downloads_in_both_formats(sonla, login, table, fmt):
    client = login(sonla["users"]["secretary"])
    response = client.get(_url(sonla["quiz"], sonla["tree"]["na_san"], f"/{table}.{fmt}"))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]


def test_overview_lists_every_quiz_with_rate_and_gap(sonla, login, make):
    make_quiz(sonla["tree"]["moc_chau"], title="Cuộc thi tìm hiểu lịch sử Đoàn", slug="ls")
    client = login(sonla["users"]["secretary"])
    html = client.get(f"/reports/units/{sonla['tree']['province'].id}").get_data(as_text=True)
    assert (
        "Tìm hiểu Nghị quyết Đại hội Đoàn XII" in html and "Cuộc thi tìm hiểu lịch sử Đoàn" in html
    )
    response = client.get(f"/reports/units/{sonla['tree']['province'].id}/export.xlsx")
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws.max_row == 3


def test_home_page_links_a_secretary_to_their_reports(sonla, login):
    client = login(sonla["users"]["district_secretary"])
    html = client.get("/").get_data(as_text=True)
    assert f"/reports/units/{sonla['tree']['mai_son'].id}" in html


def test_member_home_has_no_report_links(sonla, login):
    client = login(sonla["users"]["member"])
    assert "/reports/units/" not in client.get("/").get_data(as_text=True)


def test_reports_index_sends_a_single_scope_to_its_overview(sonla, login):
    client = login(sonla["users"]["district_secretary"])
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/units/{sonla['tree']['mai_son'].id}")


def test_quiz_link_opens_at_the_users_own_unit(sonla, login):
    client = login(sonla["users"]["district_secretary"])
    response = client.get(f"/reports/quizzes/{sonla['quiz'].id}")
    assert response.headers["Location"].endswith(_url(sonla["quiz"], sonla["tree"]["mai_son"]))


def test_signed_out_visitor_is_sent_to_sign_in(sonla, client):
    response = client.get(_url(sonla["quiz"], sonla["tree"]["province"]))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pages_have_no_inline_scripts_or_styles(sonla, login):
    client = login(sonla["users"]["secretary"])
    for url in (
        _url(sonla["quiz"], sonla["tree"]["province"]),
        _url(sonla["quiz"], sonla["tree"]["na_san"]),
    ):
        html = client.get(url).get_data(as_text=True)
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\ssrc=)", html)


def test_organiser_sees_the_item_analysis_link(sonla, login):
    organiser = login(sonla["users"]["organiser"])
    assert "Phân tích câu hỏi" in organiser.get(
        _url(sonla["quiz"], sonla["tree"]["province"])
    ).get_data(as_text=True)


def test_secretary_has_no_item_analysis(sonla, login):
    secretary = login(sonla["users"]["secretary"])
    assert "Phân tích câu hỏi" not in secretary.get(
        _url(sonla["quiz"], sonla["tree"]["province"])
    ).get_data(as_text=True)
    assert (
        secretary.get(_url(sonla["quiz"], sonla["tree"]["province"], "/items")).status_code == 403
    )


def test_grant_on_a_chapter_sees_only_that_chapter(sonla, login, make):
    user = make.user("bithu.nasan", grants=[(Role.SECRETARY, sonla["tree"]["na_san"])])
    client = login(user)
    assert client.get(_url(sonla["quiz"], sonla["tree"]["na_san"])).status_code == 200
    assert client.get(_url(sonla["quiz"], sonla["tree"]["chieng_dong"])).status_code == 403


def test_an_attempt_left_past_its_deadline_is_finalised_when_the_report_is_read(
    sonla, login, frozen
):
    frozen["now"] = NOW + timedelta(hours=2)
    client = login(sonla["users"]["secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["na_san"])).get_data(as_text=True)
    assert "Đang làm" not in html[html.index("<tbody>") :]
    attempt = db.session.scalar(
        select(Attempt).where(Attempt.member_id == sonla["people"]["hung"].id)
    )
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED_OVERDUE


def test_numbers_are_written_the_vietnamese_way(sonla, login, make):
    for i in range(1200):
        make.member(sonla["tree"]["moc_ly"], f"Đoàn viên {i}", code=f"X{i:05d}")
    refresh()
    client = login(sonla["users"]["secretary"])
    html = client.get(_url(sonla["quiz"], sonla["tree"]["province"])).get_data(as_text=True)
    assert "1.204" in html  # members, with a dot between thousands
    assert "0,2%" in html  # 2 of 1,204 took part, with a decimal comma
