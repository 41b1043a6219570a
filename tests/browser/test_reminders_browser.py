"""A chapter secretary on a 360 px phone shares a reminder (the test browser has no Web Share
API, so the button copies the message), copies all, and marks the member reminded in place."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from quizapp.models import Reminder, Role
from tests.conftest import TEST_PASSWORD, Factory
from tests.reportkit import make_quiz, refresh

pytestmark = pytest.mark.browser


def test_a_secretary_shares_a_reminder_from_a_phone(live_server, phone, frozen_clock):
    server = live_server()
    with server.session():
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Quàng Thị Én", phone="0912000002")
        make.member(tree["na_san"], "Lò Văn Bình")
        make.user("bithu.nasan", grants=[(Role.SECRETARY, tree["na_san"])])
        refresh()
        quiz = make_quiz(tree["province"], title="Học tập Nghị quyết XII")
        quiz_id, chapter_id, member_id, code = quiz.id, tree["na_san"].id, member.id, member.code
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = phone.new_page()
    page.goto(server.url + "/auth/login")
    page.fill("#login", "bithu.nasan")
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{server.url}/reports/quizzes/{quiz_id}/units/{chapter_id}")
    page.get_by_role("link", name="Nhắc đoàn viên chưa tham gia").click()
    assert page.evaluate("typeof navigator.share") == "undefined"  # so "Chia sẻ" falls back to copy
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    card = page.locator(f"#m-{member_id}")
    card.get_by_role("button", name="Chia sẻ").click()
    expect(card.locator(".copy-status")).to_have_text("Đã chép vào bộ nhớ tạm.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Chào Quàng Thị Én, bạn chưa tham gia «Học tập Nghị quyết XII»")
    assert f"/auth/activate?login={code}" in copied
    page.get_by_role("button", name="Chép tất cả").click()
    everything = page.evaluate("navigator.clipboard.readText()")
    assert everything.count("Chào ") == 2 and "Chào Lò Văn Bình" in everything
    # "Đã nhắc" stays on the page (a code shown once would be lost by a reload)
    card.get_by_role("button", name="Đã nhắc").click()
    expect(card.locator("[data-remind-state]")).to_contain_text("Đã nhắc 1 lần")
    with server.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Reminder).where(Reminder.member_id == member_id)
            )
            == 1
        )
