"""The whole story in the browser, every actor on a 360 px screen: an organiser uploads the Excel bank,
creates a quiz for a district and prints activation codes; a member activates with a code and takes
the quiz; the district secretary sees the rate change and the member leave the "not yet" list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp import ROOT
from quizapp.clock import now_utc, to_local
from quizapp.models import AuditEntry, Role
from quizapp.services.reports.roster_counts import refresh_roster_counts
from tests.browser.conftest import save_artifact
from tests.conftest import TEST_PASSWORD, Factory

pytestmark = pytest.mark.browser

BANK_XLSX = ROOT / "question_banks" / "nghi-quyet-dai-hoi-doan-xii.xlsx"
MEMBER_PASSWORD = "mat-khau-moi-2025"


def seed(server) -> dict:
    """Sơn La with an organiser, the Mai Sơn secretary and four members of Mai Sơn without accounts."""
    with server.session():
        make = Factory()
        tree = make.province()
        make.user("bantuyengiao", grants=[(Role.ORGANISER, tree["province"])])
        make.user("bithu.maison", grants=[(Role.SECRETARY, tree["mai_son"])])
        mai = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
        make.member(tree["na_san"], "Quàng Văn Sơn", code="DV-SON")
        make.member(tree["na_san"], "Cầm Thị Hoa", code="DV-HOA")
        make.member(tree["co_muong"], "Lường Văn Nam", code="DV-NAM")
        refresh_roster_counts()
        return {"na_san": tree["na_san"].id, "mai": mai.id}


def sign_in(page, server, login, password=TEST_PASSWORD):
    page.goto(server.url + "/auth/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def local_input(moment) -> str:
    """A datetime-local value in Vietnam time."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def organiser_uploads_the_excel_bank(page, server):
    page.get_by_role("link", name="Quản trị", exact=True).click()
    page.get_by_role("link", name="Tải lên bộ câu hỏi").first.click()
    page.set_input_files("#file", str(BANK_XLSX))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.get_by_text("Tệp hợp lệ.")).to_be_visible()
    expect(page.locator("fieldset.preview-question")).to_have_count(5)
    page.screenshot(path=str(save_artifact("organiser-bank-preview-360.png")), full_page=False)
    page.get_by_role("button", name=re.compile(r"^Nhập \d+ câu hỏi$")).click()
    expect(page.get_by_text(re.compile("Đã nhập 150 câu hỏi"))).to_be_visible()


def organiser_creates_a_quiz_for_mai_son(page) -> int:
    page.get_by_role("link", name="Đợt kiểm tra", exact=True).click()
    page.get_by_role("link", name="Tạo đợt kiểm tra").click()
    page.fill("#title", "Tìm hiểu Nghị quyết Đại hội Đoàn XII — Mai Sơn")
    page.select_option("#audience", label="· Huyện đoàn Mai Sơn (SL-MS)")
    now = now_utc()
    page.fill("#opens_at", local_input(now - timedelta(hours=2)))
    page.fill("#closes_at", local_input(now + timedelta(days=3)))
    page.fill("#time_limit_minutes", "20")
    page.get_by_label("Rút ngẫu nhiên một số câu từ cả bộ").check()
    page.fill("#draw_total", "5")
    page.screenshot(path=str(save_artifact("organiser-quiz-form-360.png")), full_page=True)
    page.get_by_role("button", name="Tạo đợt kiểm tra").click()
    expect(page.get_by_text(re.compile("Đã tạo đợt kiểm tra"))).to_be_visible()
    expect(page.get_by_text("5 câu rút ngẫu nhiên")).to_be_visible()
    return int(re.search(r"/org/quizzes/(\d+)", page.url).group(1))


def organiser_prints_codes_for_na_san(page, server, na_san_id) -> str:
    page.goto(server.url + f"/org/members?unit={na_san_id}")
    page.get_by_role("link", name="Tạo mã kích hoạt và in phiếu cho đơn vị").click()
    page.get_by_role("button", name="Tạo mã và in phiếu").click()
    slip = page.locator("article.slip", has_text="Lò Thị Mai")
    expect(slip.locator(".slip-fields dd").first).to_have_text("DV-MAI")
    return slip.locator(".slip-code").inner_text().replace(" ", "")


def secretary_report(page, server, quiz_id, na_san_id) -> tuple[str, list[str]]:
    """The Mai Sơn participation rate and the names on Nà Sản's 'not yet taken part' list."""
    page.goto(server.url + f"/reports/quizzes/{quiz_id}")
    rate = page.locator(".report-stats .stat").nth(2).locator(".value").inner_text()
    page.goto(server.url + f"/reports/quizzes/{quiz_id}/units/{na_san_id}?filter=not_taken")
    names = page.locator("table.report-table tbody th").all_inner_texts()
    return rate, [n.splitlines()[0].strip() for n in names]


def member_activates_and_takes_the_quiz(page, server, code):
    page.goto(server.url + "/auth/activate")
    page.fill("#login", "DV-MAI")
    page.fill("#code", code)
    page.fill("#password", MEMBER_PASSWORD)
    page.fill("#confirm", MEMBER_PASSWORD)
    page.get_by_role("button", name="Kích hoạt").click()
    expect(page.get_by_text("Tài khoản đã được kích hoạt.")).to_be_visible()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#save-status")).to_have_text("Đã lưu")
    page.get_by_role("button", name="Nộp bài").click()
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator(".result")).to_be_visible()


def test_organiser_member_and_secretary_story(live_server, chromium):
    server = live_server()
    ids = seed(server)
    contexts = [
        chromium.new_context(
            viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, locale="vi-VN"
        )
        for _ in range(3)
    ]
    for context in contexts:
        context.set_default_timeout(15_000)
    organiser, member, secretary = (c.new_page() for c in contexts)
    try:
        sign_in(organiser, server, "bantuyengiao")
        organiser_uploads_the_excel_bank(organiser, server)
        quiz_id = organiser_creates_a_quiz_for_mai_son(organiser)
        code = organiser_prints_codes_for_na_san(organiser, server, ids["na_san"])

        sign_in(secretary, server, "bithu.maison")
        rate, not_yet = secretary_report(secretary, server, quiz_id, ids["na_san"])
        assert rate == "0,0%"
        assert "Lò Thị Mai" in not_yet

        member_activates_and_takes_the_quiz(member, server, code)

        rate_after, not_yet_after = secretary_report(secretary, server, quiz_id, ids["na_san"])
        assert rate_after == "25,0%"  # one of Mai Sơn's four members
        assert "Lò Thị Mai" not in not_yet_after and {"Quàng Văn Sơn", "Cầm Thị Hoa"} <= set(
            not_yet_after
        )
        secretary.screenshot(path=str(save_artifact("secretary-not-yet-360.png")), full_page=False)
    finally:
        for context in contexts:
            context.close()
    with server.session() as session:
        actions = {e.action for e in session.scalars(select(AuditEntry))}
    assert {"bank.import", "quiz.create", "activation_codes"} <= actions
