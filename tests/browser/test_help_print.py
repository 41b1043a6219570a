"""The member sheet secretaries hand out with the slips prints on exactly one A4 page, in
Vietnamese and in English, with the print stylesheet (Chromium's own PDF printer)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")


def _pages(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


def test_the_member_sheet_prints_on_one_a4_page_in_both_languages(live_server, chromium):
    server = live_server()
    context = chromium.new_context(locale="vi-VN")
    page = context.new_page()
    for lang in ("vi", "en"):
        if lang == "en":
            page.goto(server.url + "/help/member")
            page.locator("form.lang button").click()
        page.goto(server.url + "/help/member/print")
        assert page.locator("html").get_attribute("lang") == lang
        page.emulate_media(media="print")
        assert not page.locator(".screen-only").is_visible()  # the print button stays off the paper
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert _pages(pdf) == 1, (lang, _pages(pdf))
        # The page size comes from the sheet's @page rule: A4 is 595 × 842 points.
        width, height = (
            float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups()
        )
        assert (round(width), round(height)) == (595, 842), (lang, width, height)
        page.emulate_media(media="screen")
    context.close()


def test_the_page_counter_counts_pages(live_server, chromium):
    """The check above could not pass by accident: a long page gives more than one."""
    server = live_server()
    page = chromium.new_page()
    page.goto(server.url + "/help/organiser")
    assert _pages(page.pdf(format="A4")) > 1
    page.close()
