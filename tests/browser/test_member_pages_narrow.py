"""At 360 px every member page and the chapter report fit the screen; lists become cards;
the number hint reads as the grading does."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.models import Role, Unit
from quizapp.numbers import read_number
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.reports import roster_counts
from tests.browser.conftest import save_artifact
from tests.conftest import TEST_PASSWORD, Factory
from tests.quizkit import open_quiz, right_answers

pytestmark = pytest.mark.browser

LONG_TITLE = "Tìm hiểu Nghị quyết Đại hội đại biểu toàn quốc Đoàn TNCS Hồ Chí Minh lần thứ XII, nhiệm kỳ 2022–2027"
OVERFLOW = """() => {
  // The layout width: a phone's innerWidth grows to whatever overflows it.
  const width = document.documentElement.clientWidth, found = [];
  if (document.scrollingElement.scrollWidth > width) found.push("page " + document.scrollingElement.scrollWidth);
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && box.right > width + 0.5)
      found.push(el.tagName.toLowerCase() + "." + el.className + " right=" + Math.round(box.right));
  }
  return found;
}"""


def seed(server):
    """A member who passed once and may try again, a chapter-mate not yet taken part, a secretary."""
    with server.session():
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI", phone="0912345678")
        make.member(
            tree["na_san"],
            "Cầm Thị Hoàng Anh Nguyễn Phương Thảo",
            code="DV-THAO",
            phone="0987654321",
        )
        make.user(member=member)
        make.user("bithu", grants=[(Role.SECRETARY, tree["province"])])
        quiz = open_quiz(
            make,
            tree["province"],
            title=LONG_TITLE,
            pass_mark=50,
            attempts_allowed=2,
            review_policy="explanations",
        )
        now = now_utc()
        attempt = attempts.start_attempt(quiz, member, now)
        for question_id, answer in right_answers(attempt).items():
            attempts.save_answer(attempt, question_id, answer, 1, False, now)
        attempts.submit_attempt(attempt, now)
        roster_counts.refresh_roster_counts()
        return {"quiz": quiz.id, "attempt": attempt.id, "chapter": tree["na_san"].id}


def sign_in(page, server, login):
    page.goto(server.url + "/auth/login")
    page.fill("#login", login)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def fits(page, name):
    """Screenshot the page at 360 px and assert nothing reaches past the right edge."""
    page.screenshot(path=str(save_artifact(f"360-{name}.png")), full_page=True)
    overflowing = page.evaluate(OVERFLOW)
    assert overflowing == [], (name, overflowing)


def test_member_pages_and_chapter_report_fit_a_360px_phone(live_server, phone):
    server = live_server()
    ids = seed(server)
    page = phone.new_page()
    sign_in(page, server, "DV-MAI")
    fits(page, "home")
    page.goto(server.url + "/m/")
    fits(page, "member-quizzes")
    page.goto(server.url + "/m/history")
    fits(page, "history")
    card = page.locator("table.history-table tbody tr").first
    for text in (LONG_TITLE, "100,0%"):
        expect(card).to_contain_text(text)
    for link in ("Xem", "Giấy chứng nhận"):
        expect(card.get_by_role("link", name=link, exact=True)).to_be_in_viewport()
    page.goto(server.url + f"/m/attempts/{ids['attempt']}/result")
    fits(page, "result")
    page.goto(server.url + f"/m/attempts/{ids['attempt']}/certificate")
    fits(page, "certificate")
    page.goto(server.url + "/m/verify")
    fits(page, "verify")
    page.goto(server.url + "/m/")
    page.get_by_role("button", name="Làm lại").click()
    expect(page.locator("#save-status")).to_have_text("Đã lưu")
    fits(page, "attempt")
    attempt_url = page.url
    page.goto(attempt_url.rstrip("/") + "/submit")
    fits(page, "submit")

    secretary = phone.browser.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, locale="vi-VN"
    ).new_page()
    sign_in(secretary, server, "bithu")
    secretary.goto(server.url + f"/reports/quizzes/{ids['quiz']}/units/{ids['chapter']}")
    fits(secretary, "chapter-report")
    card = secretary.locator("table.members-table tbody tr", has_text="Phương Thảo")
    name, tel, status = (
        card.locator(s).bounding_box() for s in ("th", "a[href^='tel:']", "td .badge")
    )
    assert name["y"] < tel["y"] < status["y"]  # name, then phone, then the rest
    secretary.context.close()


def test_number_hint_shows_how_the_number_is_read_and_agrees_with_the_grading(live_server, phone):
    server = live_server()
    seed(server)
    page = phone.new_page()
    sign_in(page, server, "DV-MAI")
    page.get_by_role("button", name="Làm lại").click()
    expect(page.locator("#save-status")).to_have_text("Đã lưu")
    position = page.locator("fieldset[data-type=numeric]").first.get_attribute("data-pos")
    page.locator(f"#pal{position}").click()
    field = page.locator("fieldset[data-type=numeric] input[type=text]").first
    hint = page.locator("fieldset[data-type=numeric] output.number-reading").first
    for typed, shown in (
        ("700.000", "= 700\u00a0000"),
        ("3,5", "= 3,5"),
        ("1,234.5", "= 1\u00a0234,5"),
        ("3,", "Chưa đọc được thành số"),
    ):
        field.fill(typed)
        expect(hint).to_have_text(shown)
    rng = random.Random(12)
    samples = [
        "".join(rng.choice("0123456789.,- ") for _ in range(rng.randint(0, 12))) for _ in range(600)
    ]
    samples += [
        "700.000",
        "0.500",
        "1.234,5",
        "1,000,000",
        "700,000",
        "−7",
        "１２３",
        ",5",
        ".5",
        "1.2.3",
    ]
    in_browser = page.evaluate("texts => texts.map(t => window.quizappReadNumber(t))", samples)
    expected = [r.canonical if (r := read_number(t)) else None for t in samples]
    assert in_browser == expected


EMPTY_HEADERS = """() => [...document.querySelectorAll("th")]
  .filter(th => !th.textContent.trim() && !th.getAttribute("aria-label"))
  .map(th => th.closest("table").className + " column " + (th.cellIndex + 1))"""


def test_history_links_on_screen_and_no_empty_table_header(live_server, phone):
    """Audit item 2: "Xem · Giấy chứng nhận" on screen at 360 px without sideways scrolling; no
    table (history, people) has a header cell without text (the links' column is named for
    screen readers)."""
    server = live_server()
    seed(server)
    with server.session() as session:
        province = session.scalar(select(Unit).where(Unit.code == "SL"))
        Factory().user("tochuc", grants=[(Role.ORGANISER, province)])
    page = phone.new_page()
    sign_in(page, server, "DV-MAI")
    page.goto(server.url + "/m/history")
    fits(page, "history-links")
    card = page.locator("table.history-table tbody tr").first
    for link in ("Xem", "Giấy chứng nhận"):
        expect(card.get_by_role("link", name=link, exact=True)).to_be_in_viewport(ratio=1)
    assert page.evaluate(
        "document.scrollingElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert page.evaluate(EMPTY_HEADERS) == []
    assert page.locator("table.history-table thead th").last.inner_text() == "Thao tác"

    staff = phone.browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="vi-VN"
    ).new_page()
    sign_in(
        staff, server, "tochuc"
    )  # the people page: the organiser's own grant and the secretary's
    for size in ({"width": 1366, "height": 768}, {"width": 360, "height": 640}):
        staff.set_viewport_size(size)
        staff.goto(server.url + "/org/people")
        expect(staff.get_by_role("cell", name="bithu").last).to_be_visible()
        assert staff.locator("table th").count() == 6
        assert staff.evaluate(EMPTY_HEADERS) == [], size
    fits(staff, "people")
    expect(staff.get_by_role("link", name="Thu hồi")).to_be_visible()
    staff.context.close()
