"""The guides' screenshots, made from the demo province by the real pages: 360 px for the
member's pages, 1366 px for the staff's. `make screenshots` runs this test with
QUIZAPP_SCREENSHOTS_DIR=quizapp/static/help, so a change of a page changes its picture; in the
suite (and CI) the pictures go to a temporary folder and the test checks that every screenshot a
guide shows was produced by this run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.services.demo import province as demo
from quizapp.services.demo.quiz import add_demo_quiz
from quizapp.web import links
from tests.helpshots import referenced_shots, save_webp

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}
SCREEN = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "locale": "vi-VN"}


class Shots:
    """Saves each screenshot once, as WebP, under the name a guide refers to."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: dict[str, int] = {}

    def take(self, page, name: str, element=None):
        assert name not in self.made, f"screenshot {name} taken twice"
        if element is not None:
            element.scroll_into_view_if_needed()
        self.made[name] = save_webp(page.screenshot(full_page=False), self.folder / f"{name}.webp")


def _sign_in(page, url, login, password=demo.DEMO_PASSWORD):
    page.goto(url + "/auth/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _answer(page, choice: int):
    """Answer the question on screen: the option `choice`, or a typed answer."""
    question = page.locator("fieldset.question.is-current")
    options = question.locator("label.option")
    if options.count():
        options.nth(choice).click()
    else:
        question.locator("input[type=text]").fill(str(2020 + choice))
        question.locator("input[type=text]").blur()


def _member_pages(chromium, url, site, shots):
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    newcomer, code = site["activation"]
    # The slip's QR code opens the activation form filled in.
    with site["server"].app.test_request_context():
        link = links.activation_link(newcomer, code)
    page.goto(url + link[link.index("/auth/") :])
    expect(page.locator("#code")).to_have_value(code)
    shots.take(page, "m-activate")

    page.goto(url + "/auth/login")
    page.fill("#login", site["member_code"])
    shots.take(page, "m-login")
    _sign_in(page, url, site["member_code"])
    page.goto(url + "/m/")
    expect(page.get_by_role("button", name="Bắt đầu làm bài")).to_be_visible()
    shots.take(page, "m-home")

    page.get_by_role("button", name="Bắt đầu làm bài").click()
    status = page.locator("#save-status")
    expect(status).to_have_text("Đã lưu")
    _answer(page, 0)
    expect(status).to_have_text("Đã lưu")
    shots.take(page, "m-attempt")

    context.set_offline(True)
    _answer(page, 1)
    expect(status).to_contain_text("Mất kết nối")
    shots.take(page, "m-offline", status)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_text("Đã lưu")

    page.get_by_role("button", name="Nộp bài").first.click()
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator(".result")).to_be_visible()
    shots.take(page, "m-result")

    page.goto(url + f"/m/verify?code={site['certificate']}")
    expect(page.get_by_text(site["certificate_holder"]).first).to_be_visible()
    shots.take(page, "m-verify")

    # Three wrong passwords in a row (the server's limit here): the lock-out page.
    page.get_by_role("button", name="Đăng xuất").click()
    for _ in range(4):
        page.goto(url + "/auth/login")
        page.fill("#login", site["locked_login"])
        page.fill("#password", "sai-mat-khau")
        page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")
    shots.take(page, "m-locked")
    context.close()


def _staff_pages(chromium, url, site, shots):
    context = chromium.new_context(**SCREEN)
    context.set_default_timeout(15_000)
    page = context.new_page()
    quiz, units = site["quiz"], site["units"]

    _sign_in(page, url, "bithu.maison")
    page.goto(url + f"/accounts/unit/{units['na_san']}/codes")
    page.locator("button[name=slips]").click()
    expect(page.locator("article.slip").first).to_be_visible()
    shots.take(page, "s-slips")
    page.goto(url + f"/reports/quizzes/{quiz}/units/{units['mai_son']}")
    shots.take(page, "s-unit-report")
    page.goto(url + f"/reports/quizzes/{quiz}/units/{units['na_san']}?filter=not_taken")
    shots.take(page, "s-not-taken", page.locator("#remind-h"))
    page.get_by_role("button", name="Đăng xuất").click()

    _sign_in(page, url, "bantuyengiao")
    for name, path in (
        ("s-bank-upload", "/org/banks/upload"),
        ("s-roster-upload", "/org/roster/upload"),
        ("s-quiz-form", "/org/quizzes/new"),
        ("s-items", f"/reports/quizzes/{quiz}/units/{units['province']}/items"),
        ("s-people", "/org/people"),
        ("s-audit", "/org/audit"),
    ):
        reply = page.goto(url + path)
        assert reply.status == 200, (path, reply.status)
        shots.take(page, name)
    context.close()


def _seed(server) -> dict:
    with server.session():
        now = now_utc()
        built = demo.build_demo(now, members=400)
        quiz, _ = add_demo_quiz(built, now, activity=True)
        passed = next(a for a in server_attempts() if a.certificate_code)
        units = built["units"]
        member = built["users"]["member"]
        return {
            "quiz": quiz.id,
            "activation": built["activation"],
            "member_code": member.login,
            "locked_login": built["users"]["chapter_secretary"].login,
            "certificate": passed.certificate_code,
            "certificate_holder": passed.member.full_name,
            "units": {k: units[k].id for k in ("province", "mai_son", "na_san")},
        }


def server_attempts():
    """Finished attempts of the demo activity, newest first."""
    return db.session.scalars(
        select(Attempt)
        .where(Attempt.certificate_code.is_not(None))
        .order_by(Attempt.id.desc())
        .limit(5)
    ).all()


def test_the_screenshots_the_guides_show_are_made_by_this_run(live_server, chromium, tmp_path):
    folder = Path(os.environ.get("QUIZAPP_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    # A site address as on a real slip; three wrong passwords lock an account out here.
    server = live_server(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_ACCOUNT="3 per 5 minutes",
        SITE_URL="https://kiemtra.tinhdoansonla.example",
    )
    site = _seed(server)
    site["server"] = server
    shots = Shots(folder)
    _member_pages(chromium, server.url, site, shots)
    _staff_pages(chromium, server.url, site, shots)

    referenced = referenced_shots()
    missing = {name: guides for name, guides in referenced.items() if name not in shots.made}
    assert not missing, f"guides show screenshots this run did not make: {missing}"
    unused = sorted(set(shots.made) - set(referenced))
    assert not unused, f"screenshots no guide shows: {unused}"
    assert all(re.fullmatch(r"[ms]-[a-z-]+", name) for name in shots.made)
