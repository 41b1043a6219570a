"""Without JavaScript the quiz is a plain form: its messages sit clear of the header."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, Factory
from tests.quizkit import open_quiz

pytestmark = pytest.mark.browser


def test_the_no_javascript_save_message_keeps_clear_of_the_header(live_server, chromium):
    server = live_server()
    with server.session():
        make = Factory()
        tree = make.province()
        make.user(member=make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI"))
        open_quiz(make, tree["province"])
    context = chromium.new_context(
        viewport={"width": 360, "height": 640}, java_script_enabled=False, locale="vi-VN"
    )
    page = context.new_page()
    try:
        page.goto(server.url + "/auth/login")
        page.fill("#login", "DV-MAI")
        page.fill("#password", TEST_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.locator("fieldset.question label.option").first.click()
        page.get_by_role("button", name="Lưu câu trả lời").first.click()
        message = page.locator(".flash-success")
        assert message.inner_text().strip() == "Đã lưu câu trả lời."
        header = page.locator("header.topbar").bounding_box()
        box = message.bounding_box()
        assert box["y"] >= header["y"] + header["height"] + 8
    finally:
        context.close()
