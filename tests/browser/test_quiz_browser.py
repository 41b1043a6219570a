"""A member on a 360 px phone: takes a quiz end to end, loses the network, reloads, runs out of time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.models import Attempt, AttemptState, Response
from tests.browser.conftest import save_artifact
from tests.conftest import TEST_PASSWORD, Factory
from tests.quizkit import open_quiz

pytestmark = pytest.mark.browser

SAVED = "Đã lưu"
OFFLINE = re.compile(r"^Mất kết nối — \d+ câu trả lời đang được giữ trên điện thoại này$")


def seed(server, **quiz_settings):
    """A province, the member Lò Thị Mai with a password, and an open quiz of 10 questions."""
    with server.session():
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
        make.user(member=member)
        quiz = open_quiz(make, tree["province"], **quiz_settings)
        return quiz.id


def sign_in_and_start(page, server):
    page.goto(server.url + "/auth/login")
    page.fill("#login", "DV-MAI")
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#save-status")).to_have_text(SAVED)
    return int(re.search(r"/m/attempts/(\d+)", page.url).group(1))


def current(page):
    return page.locator("fieldset.question.is-current")


def answer_current(page, qtype):
    """Give the right answer to the question on screen (options are not shuffled)."""
    q = current(page)
    if qtype in ("single", "true_false"):
        q.locator("label.option").nth(0).click()
    elif qtype == "multiple":
        q.locator("label.option").nth(0).click()
        q.locator("label.option").nth(2).click()
    elif qtype == "short":
        q.locator("input[type=text]").fill("Đoàn TNCS Hồ Chí Minh")
    else:
        q.locator("input[type=text]").fill("5")


def stored(server, attempt_id):
    with server.session() as session:
        return {
            r.question_id: r.answer
            for r in session.scalars(select(Response).where(Response.attempt_id == attempt_id))
        }


def test_member_completes_a_quiz_end_to_end_on_a_phone(live_server, phone):
    server = live_server()
    seed(server)
    page = phone.new_page()
    attempt_id = sign_in_and_start(page, server)
    expect(current(page).locator("legend")).to_have_text("Câu 1/10")
    page.screenshot(path=str(save_artifact("quiz-360.png")), full_page=False)
    # The first question by keyboard only: arrows choose, Space flags, Enter follows "Câu sau".
    current(page).locator("input[type=radio]").nth(0).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(current(page).locator("input[type=radio]").nth(0)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#pal1")).to_have_class(re.compile("flagged"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(current(page).locator("legend")).to_have_text("Câu 2/10")
    for n in range(2, 11):
        expect(current(page).locator("legend")).to_have_text(f"Câu {n}/10")
        answer_current(page, current(page).get_attribute("data-type"))
        if n < 10:
            current(page).get_by_role("link", name="Câu sau ›").click()
    current(page).locator("input[type=text]").blur()
    expect(page.locator(".pal.answered")).to_have_count(10)
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_text("Bạn đã trả lời tất cả các câu hỏi.")).to_be_visible()
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator(".result .stat .value").first).to_have_text("100,0%")
    expect(page.get_by_role("link", name="Giấy chứng nhận")).to_be_visible()
    with server.session() as session:
        assert session.get(Attempt, attempt_id).state == AttemptState.FINISHED


def test_answers_given_offline_reach_the_server_when_back_online(live_server, phone):
    server = live_server()
    seed(server)
    page = phone.new_page()
    attempt_id = sign_in_and_start(page, server)
    phone.set_offline(True)
    for _n in range(3):
        answer_current(page, current(page).get_attribute("data-type"))
        current(page).get_by_role("link", name="Câu sau ›").click()
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    assert stored(server, attempt_id) == {}
    phone.set_offline(False)
    expect(page.locator("#save-status")).to_have_text(SAVED)
    answers = stored(server, attempt_id)
    assert len(answers) == 3 and [0] not in answers.values()
    assert sorted(map(str, answers.values())) == ["0", "0", "[0, 2]"]


def test_reload_mid_quiz_finds_saved_and_queued_answers(live_server, phone):
    server = live_server()
    seed(server)
    page = phone.new_page()
    attempt_id = sign_in_and_start(page, server)
    answer_current(page, "single")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    # The next answer cannot reach the server: it waits in the phone's storage.
    page.route("**/m/api/answers", lambda route: route.abort())
    current(page).get_by_role("link", name="Câu sau ›").click()
    answer_current(page, "multiple")
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    page.unroute("**/m/api/answers")
    page.reload()
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=15_000)
    expect(current(page).locator("legend")).to_have_text("Câu 2/10")
    expect(current(page).locator("input[type=checkbox][name^=a]").nth(2)).to_be_checked()
    page.locator("#pal1").click()
    expect(current(page).locator("input[type=radio]").nth(0)).to_be_checked()
    expect(page.locator(".pal.answered")).to_have_count(2)
    assert sorted(map(str, stored(server, attempt_id).values())) == ["0", "[0, 2]"]


def test_time_running_out_finalises_the_attempt_with_its_saved_answers(
    live_server, phone, frozen_clock
):
    server = live_server(ANSWER_GRACE_SECONDS=0)
    seed(
        server, time_limit_seconds=12
    )  # the clocks stand still, so any limit works; 12 s as offline tests use
    page = phone.new_page()
    # Both clocks stand still until the test moves them: the server's (frozen_clock) and the
    # phone's timers (Playwright's clock), so the countdown runs out without waiting for it.
    page.clock.install(time=frozen_clock.now)
    page.clock.pause_at(frozen_clock.now + timedelta(minutes=1))  # ahead: its clock runs until here
    attempt_id = sign_in_and_start(page, server)
    answer_current(page, "single")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    frozen_clock.advance(seconds=13)
    page.clock.fast_forward(13_000)  # the countdown's tick sees 0:00 and submits
    page.clock.resume()
    page.wait_for_url(re.compile(r"/result$"))
    expect(page.get_by_text("hết giờ, tự động nộp với các câu đã lưu")).to_be_visible()
    with server.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.FINISHED_OVERDUE
        assert attempt.finished_at == attempt.deadline
        assert attempt.finished_at - attempt.started_at == timedelta(seconds=12)
        assert attempt.score == 1.0


def test_five_and_one_minute_warnings_are_shown_not_only_announced(
    live_server, phone, frozen_clock
):
    server = live_server()
    seed(server, time_limit_seconds=6 * 60)
    page = phone.new_page()
    page.clock.install(time=frozen_clock.now)  # both clocks move only when the test moves them
    page.clock.pause_at(
        frozen_clock.now + timedelta(seconds=5)
    )  # the page counts from the server's time
    sign_in_and_start(page, server)
    timer, alert = page.locator("p.timer"), page.locator("#timer-alert")
    expect(timer).not_to_have_class(re.compile(r"\blow\b"))
    normal = timer.evaluate("el => getComputedStyle(el).color")
    assert alert.inner_text() == ""

    def after(seconds):
        frozen_clock.advance(seconds=seconds)
        page.clock.run_for(seconds * 1000)

    after(61)  # 4:59 left
    for text, wait in (("Còn 5 phút.", None), ("Còn 1 phút.", 4 * 60)):
        if wait:
            after(wait)  # 0:59 left
        expect(alert).to_have_text(text)
        page.evaluate("window.scrollTo(0, 0)")
        expect(alert).to_be_in_viewport()  # on the screen, not a 1 px screen-reader text
        box = alert.bounding_box()
        assert box["width"] > 200 and box["height"] >= 20, box
        assert alert.evaluate("el => getComputedStyle(el).color") != "rgba(0, 0, 0, 0)"
        expect(timer).to_have_class(re.compile(r"\blow\b"))
        assert (
            timer.evaluate("el => getComputedStyle(el).color") == "rgb(179, 38, 30)" != normal
        )  # --bad
        page.screenshot(path=str(save_artifact(f"timer-warning-{text[4]}.png")))
