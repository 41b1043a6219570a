"""Large text and zoom (WCAG 1.4.4, 1.4.10): every page a member reaches reflows without sideways
scrolling or clipped text at 320 CSS px, at 200 % zoom on a 360 px phone (180 CSS px) and with a
large default font (32 px, the browser's text size setting); with the offline message shown, the
quiz's sticky bar stays under a fifth of the screen and the whole message is readable under it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizapp.clock import now_utc
from quizapp.services.attempts import lifecycle as attempts
from tests.browser.conftest import save_artifact
from tests.browser.test_member_pages_narrow import LONG_TITLE, OVERFLOW, sign_in
from tests.conftest import Factory
from tests.quizkit import open_quiz, right_answers

pytestmark = pytest.mark.browser

# name: (viewport in CSS px, device pixels per CSS px, default font size in px or None)
SETTINGS = {
    "320px": ({"width": 320, "height": 568}, 2, None),
    "zoom200": ({"width": 180, "height": 320}, 2, None),  # a 360×640 phone at 200 %
    "text32": ({"width": 360, "height": 640}, 1, 32),  # a 360×640 phone, text size 200 %
}
OFFLINE = re.compile(r"^Mất kết nối — \d+ câu trả lời đang được giữ trên điện thoại này$")
# Text cut off: a box that hides what overflows it while its content is larger (the 1 px
# screen-reader-only texts and the decorative progress bars aside), or an ellipsis.
CLIPPED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".sr-only, .skip, .bar, [hidden]") || !el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    const hides = v => v === "hidden" || v === "clip";
    if ((hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1)
        || (s.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1))
      found.push(el.tagName.toLowerCase() + "." + el.className + " " + (el.textContent || "").trim().slice(0, 40));
  }
  return found;
}"""
# The quiz's sticky part: what stays at the top of the screen when the page scrolls.
STICKY = """() => {
  const bars = [...document.querySelectorAll("#quiz *")].filter(el => getComputedStyle(el).position === "sticky"
                                                                   && el.getClientRects().length);
  return bars.map(el => { const b = el.getBoundingClientRect();
                          return {cls: el.className, top: b.top, height: b.height, text: el.innerText}; });
}"""


def seed(server):
    """Lò Thị Mai passed a quiz whose answers are shown (a long title, a long source address) and
    has another one open."""
    with server.session():
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
        make.user(member=member)
        source = "https://doanthanhnien.vn/tin-tuc/van-kien-dai-hoi-doan-toan-quoc-lan-thu-xii-nhiem-ky-2022-2027"
        version = make.bank(edits={"0-single": {"source": source}})
        done = open_quiz(
            make,
            tree["province"],
            version,
            title=LONG_TITLE,
            pass_mark=50,
            attempts_allowed=1,
            review_policy="explanations",
        )
        open_quiz(
            make,
            tree["province"],
            version,
            title="Hội thi Tuổi trẻ học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            attempts_allowed=1,
        )
        now = now_utc()
        attempt = attempts.start_attempt(done, member, now)
        for question_id, answer in right_answers(attempt).items():
            attempts.save_answer(attempt, question_id, answer, 1, False, now)
        attempts.submit_attempt(attempt, now)
        return {"attempt": attempt.id}


def start_quiz(page, server):
    """The open quiz, from the member's list."""
    page.goto(server.url + "/m/")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#save-status")).to_have_text("Đã lưu")


def emulate(chromium, setting: str):
    viewport, scale, font = SETTINGS[setting]
    context = chromium.new_context(
        viewport=viewport, device_scale_factor=scale, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    if font:  # the browser's default font size, as its text size setting sets it
        context.new_cdp_session(page).send(
            "Page.setFontSizes", {"fontSizes": {"standard": font, "fixed": font}}
        )
    return context, page


def reflows(page, name):
    """No sideways scrolling, nothing past the right edge, no clipped text (at the emulated text
    size: the screenshot is of the screen only, as a full-page one resets the font size)."""
    setting = name.split("-")[0]
    if SETTINGS.get(setting, (0, 0, None))[2]:
        assert (
            page.evaluate("getComputedStyle(document.body).fontSize") == f"{SETTINGS[setting][2]}px"
        ), name
    assert page.evaluate(
        "document.scrollingElement.scrollWidth <= document.documentElement.clientWidth"
    ), (
        name,
        page.evaluate(
            "[document.scrollingElement.scrollWidth, document.documentElement.clientWidth]"
        ),
    )
    assert page.evaluate(OVERFLOW) == [], name
    assert page.evaluate(CLIPPED) == [], name
    page.screenshot(path=str(save_artifact(f"reflow-{name}.png")))


@pytest.mark.parametrize("setting", SETTINGS)
def test_member_pages_reflow_with_large_text_and_zoom(live_server, chromium, setting):
    server = live_server()
    ids = seed(server)
    context, page = emulate(chromium, setting)
    sign_in(page, server, "DV-MAI")
    pages = {
        "home": "/",
        "quizzes": "/m/",
        "history": "/m/history",
        "result-review": f"/m/attempts/{ids['attempt']}/result",
        "certificate": f"/m/attempts/{ids['attempt']}/certificate",
        "verify": "/m/verify",
    }
    for name, url in pages.items():
        page.goto(server.url + url)
        reflows(page, f"{setting}-{name}")
        if name == "result-review":
            expect(page.get_by_role("heading", name="Xem lại bài làm")).to_be_visible()
            expect(page.locator("a[href*=doanthanhnien]")).to_be_visible()
    start_quiz(page, server)
    box = page.locator("details.palette-box")
    if box.get_attribute("open") is None:
        page.locator("details.palette-box > summary").click()
    reflows(page, f"{setting}-quiz")
    page.goto(page.url.split("#")[0].rstrip("/") + "/submit")
    reflows(page, f"{setting}-submit")
    context.close()


@pytest.mark.parametrize("setting", ["zoom200", "text32", "360px"])
def test_offline_message_keeps_the_sticky_bar_small(live_server, chromium, phone, setting):
    server = live_server()
    seed(server)
    if setting == "360px":
        context, page = phone, phone.new_page()
    else:
        context, page = emulate(chromium, setting)
    sign_in(page, server, "DV-MAI")
    start_quiz(page, server)
    status = page.locator("#save-status")
    screen = page.evaluate("document.documentElement.clientHeight")

    context.set_offline(True)
    current = page.locator("fieldset.question.is-current")
    current.locator("label.option").nth(1).click()
    expect(status).to_have_text(OFFLINE)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(save_artifact(f"offline-bar-{setting}.png")))
    # The whole message, at the top of the question, nothing cut off, nothing sideways.
    expect(status).to_be_in_viewport()
    reflows(page, f"{setting}-offline")
    # The sticky part: the countdown and a short "Mất kết nối", a fifth of the screen at most.
    bars = page.evaluate(STICKY)
    assert len(bars) == 1, bars
    assert bars[0]["height"] <= 0.2 * screen, (bars, screen)
    assert "Mất kết nối" in bars[0]["text"] and "điện thoại" not in bars[0]["text"], bars
    # Scrolled to the end of the question, the bar still tells the member.
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    bars = page.evaluate(STICKY)
    assert bars[0]["top"] == 0 and bars[0]["height"] <= 0.2 * screen, bars
    expect(page.locator(".offline-flag")).to_be_in_viewport()

    context.set_offline(False)
    expect(status).to_have_text("Đã lưu", timeout=30_000)
    expect(page.locator(".offline-flag")).to_be_hidden()
    bars = page.evaluate(STICKY)
    assert len(bars) == 1 and "Đã lưu" in bars[0]["text"] and bars[0]["height"] <= 0.2 * screen, (
        bars
    )
    if setting != "360px":
        context.close()
