"""A long unit list in the console is searched by typing part of a name, without diacritics."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quizapp.models import Role
from quizapp.services.demo.province import VILLAGES
from quizapp.services.reports.roster_counts import refresh_roster_counts
from tests.conftest import TEST_PASSWORD, Factory

pytestmark = pytest.mark.browser


def test_typing_without_diacritics_narrows_the_unit_list(live_server, chromium):
    server = live_server()
    with server.session():
        make = Factory()
        tree = make.province()
        for n, village in enumerate(VILLAGES[1:14]):  # thirteen village chapters of the demo
            make.unit(
                f"Chi đoàn bản {village}", "chapter", tree["chieng_dong"], code=f"SL-MS-CD-{n:02d}"
            )
        make.user("bantuyengiao", grants=[(Role.ORGANISER, tree["province"])])
        refresh_roster_counts()
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(server.url + "/auth/login")
        page.fill("#login", "bantuyengiao")
        page.fill("#password", TEST_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(server.url + "/org/members")
        search = page.get_by_role("searchbox", name="Tìm trong danh sách: Đơn vị")
        search.fill("chieng dong")
        visible = page.locator("#unit-pick option:not([hidden])")
        expect(visible).to_have_count(1)
        expect(visible.first).to_contain_text("Đoàn xã Chiềng Dong")
        search.fill("ban pa")
        names = [t.strip("· ").split(" (")[0] for t in visible.all_inner_texts()]
        assert names == ["Chi đoàn bản Nà Pát", "Chi đoàn bản Pá Kìm", "Chi đoàn bản Pá Sàng"]
        search.fill("")
        assert page.locator("#unit-pick option:not([hidden])").count() > 15
    finally:
        context.close()
