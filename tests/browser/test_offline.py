"""Weak connections: the quiz survives offline reloads and browser restarts (service worker), a
reload online asks the server for the attempt's state only, a submission made offline is queued,
"Làm tiếp" resumes where the member was, two tabs never revert silently, the app installs, and
the first load stays light."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.models import Attempt, AttemptState, Response
from quizapp.services.attempts import lifecycle as attempts
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_quiz_browser import SAVED, answer_current, current, seed
from tests.conftest import TEST_PASSWORD, Factory
from tests.quizkit import open_quiz

pytestmark = pytest.mark.browser

OFFLINE = re.compile(r"^Mất kết nối — (\d+) câu trả lời đang được giữ trên điện thoại này$")
NO_NETWORK_PAGE = "Không có kết nối mạng"
FIRST_LOAD_LIMIT = 60 * 1024
RESULTS = Path(__file__).resolve().parent.parent / "artifacts"


def launch(chromium, profile: Path, offline: bool = False):
    """A phone browser that keeps its profile (service worker, caches, storage) across restarts."""
    context = chromium.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        offline=offline,
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    context.set_default_timeout(10_000)
    return context


def sign_in(page, server, login="DV-MAI"):
    """Sign in and wait until the member pages' service worker is running."""
    page.goto(server.url + "/auth/login")
    page.fill("#login", login)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đợt kiểm tra của bạn")).to_be_visible()
    wait_for_worker(page)


def wait_for_worker(page):
    """Until the member pages' service worker is active (the registration is made by quiz.js)."""
    eventually(
        page,
        "navigator.serviceWorker.getRegistration('/m/')"
        ".then(r => !!(r && r.active && r.active.state === 'activated'))",
    )


def eventually(page, expression: str, tries: int = 100):
    """Poll a promise-returning expression in the page until it yields true."""
    for _ in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never true: {expression}")


def not_kept(page, url: str):
    """Until no cache of the page's origin holds `url`."""
    eventually(
        page,
        f"caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.match({url!r})))))"
        ".then(hits => hits.every(h => !h))",
    )


def start(page):
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#save-status")).to_have_text(SAVED)
    attempt_id = int(re.search(r"/m/attempts/(\d+)", page.url).group(1))
    # The worker keeps the page: the cache answers for it.
    eventually(page, "caches.match(location.pathname).then(r => !!r)")
    return attempt_id


def stored(server, attempt_id):
    with server.session() as session:
        rows = session.scalars(select(Response).where(Response.attempt_id == attempt_id))
        return {r.question_id: (r.answer, r.seq) for r in rows}


def question_ids(server, attempt_id):
    with server.session() as session:
        return [i.question_id for i in session.get(Attempt, attempt_id).items]


def next_question(page):
    current(page).get_by_role("link", name="Câu sau ›").click()


def refuse_saves(server):
    """The server takes no answers (busy) until the returned function is called; the rest works."""
    real = server.app.view_functions["member.save_answer"]
    server.app.view_functions["member.save_answer"] = lambda: ("", 503)
    return lambda: server.app.view_functions.__setitem__("member.save_answer", real)


def mai_started_then_her_session_ended(live_server, chromium, tmp_path):
    """Mai and Tùng share a phone: Mai starts the quiz, then her session ends without signing
    out. The server, the phone, its page and the kept quiz page's address."""
    server = live_server()
    with server.session():
        make = Factory()
        tree = make.province()
        for name, code in (("Lò Thị Mai", "DV-MAI"), ("Hà Văn Tùng", "DV-TUNG")):
            make.user(member=make.member(tree["na_san"], name, code=code))
        open_quiz(make, tree["province"])
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    start(page)
    url = page.url.split("#")[0]
    phone.clear_cookies()
    return server, phone, page, url


def test_quiz_survives_offline_reload_and_browser_restart(live_server, chromium, tmp_path):
    server = live_server()
    seed(server)
    profile = tmp_path / "profile"
    phone = launch(chromium, profile)
    page = phone.pages[0] if phone.pages else phone.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    url = page.url.split("#")[0]
    ids = question_ids(server, attempt_id)
    answer_current(page, "single")  # Câu 1: option 0, acknowledged
    expect(page.locator("#save-status")).to_have_text(SAVED)

    server.go_down()  # the network is gone
    next_question(page)
    answer_current(page, "multiple")  # Câu 2: [0, 2], queued on the phone
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    timer_before = page.locator("#timer").inner_text()

    page.reload()  # reload without network
    expect(current(page).locator("legend")).to_have_text("Câu 2/10")
    expect(current(page).locator("input[type=checkbox][name^=a]").nth(0)).to_be_checked()
    expect(current(page).locator("input[type=checkbox][name^=a]").nth(2)).to_be_checked()
    expect(page.locator(".pal.answered")).to_have_count(2)
    expect(page.locator("#pal1")).to_have_class(re.compile("answered"))
    expect(page.locator("#timer")).not_to_have_text("00:00")
    assert (
        page.locator("#timer").inner_text() <= timer_before
    )  # counts down from the stored deadline

    page.locator("#pal1").click()  # change Câu 1 offline: the newer answer wins
    current(page).locator("label.option").nth(1).click()
    next_question(page)
    next_question(page)
    answer_current(page, current(page).get_attribute("data-type"))  # Câu 3
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    assert OFFLINE.match(page.locator("#save-status").inner_text()).group(1) == "3"

    phone.close()  # the phone kills the browser
    phone = launch(chromium, profile, offline=True)
    page = phone.pages[0] if phone.pages else phone.new_page()
    page.goto(url)
    expect(current(page).locator("legend")).to_have_text("Câu 3/10")
    expect(page.locator(".pal.answered")).to_have_count(3)
    page.locator("#pal1").click()
    expect(current(page).locator("input[type=radio]").nth(1)).to_be_checked()
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    assert stored(server, attempt_id) == {ids[0]: (0, 1)}  # nothing more reached the server yet

    server.come_back()
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    answers = stored(server, attempt_id)
    assert answers[ids[0]] == (1, 2)  # the offline change replaced the first answer
    assert answers[ids[1]][0] == [0, 2]
    assert len(answers) == 3
    phone.close()


def test_cached_quiz_page_is_dropped_when_the_attempt_is_submitted(live_server, chromium, tmp_path):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    start(page)
    url = page.url.split("#")[0]
    answer_current(page, "single")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page).to_have_url(re.compile(r"/result$"))
    not_kept(page, url)
    server.go_down()
    page.goto(url)
    expect(page.get_by_role("heading", name=NO_NETWORK_PAGE)).to_be_visible()
    assert page.locator("#quiz").count() == 0
    page.goto(url + "/result")  # results are never served from the cache
    expect(page.get_by_role("heading", name=NO_NETWORK_PAGE)).to_be_visible()
    phone.close()


def test_sign_out_forgets_the_quiz_on_the_phone(live_server, chromium, tmp_path):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    start(page)
    url = page.url.split("#")[0]
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    eventually(page, "caches.keys().then(ks => ks.length === 0)")
    server.go_down()
    try:
        page.goto(url)
    except PlaywrightError:
        pass  # no worker left: the browser's own "no connection" page
    assert page.locator("#quiz").count() == 0
    assert "Câu 1/10" not in page.content()
    phone.close()


def test_another_member_signing_in_drops_the_previous_members_quiz(live_server, chromium, tmp_path):
    server, phone, page, url = mai_started_then_her_session_ended(live_server, chromium, tmp_path)
    sign_in(page, server, login="DV-TUNG")
    not_kept(page, url)
    server.go_down()
    page.goto(url)
    expect(page.get_by_role("heading", name=NO_NETWORK_PAGE)).to_be_visible()
    assert page.locator("#quiz").count() == 0
    phone.close()


def test_reload_online_shows_the_kept_quiz_with_the_servers_state_and_the_queued_answers(
    live_server, chromium, tmp_path
):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    ids = question_ids(server, attempt_id)
    answer_current(page, "single")  # Câu 1 on this phone: acknowledged
    expect(page.locator("#save-status")).to_have_text(SAVED)
    with server.session() as session:  # Câu 2 answered and flagged on another device
        attempts.save_answer(session.get(Attempt, attempt_id), ids[1], [1], 1, True, now_utc())
    allow_saves = refuse_saves(server)
    next_question(page)
    next_question(page)
    answer_current(
        page, current(page).get_attribute("data-type")
    )  # Câu 3: queued, the server is busy
    expect(page.locator("#save-status")).to_have_text("Đang lưu…")

    page.reload()  # the kept page, with the state from the server
    expect(current(page).locator("legend")).to_have_text("Câu 3/10")
    expect(page.locator(".pal.answered")).to_have_count(3)
    expect(page.locator("#pal2")).to_have_class(re.compile("flagged"))
    page.locator("#pal2").click()
    boxes = current(page).locator("input[type=checkbox][name^=a]")
    expect(boxes.nth(1)).to_be_checked()
    expect(boxes.nth(0)).not_to_be_checked()
    expect(page.locator("#save-status")).to_have_text("Đang lưu…")

    allow_saves()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    answers = stored(server, attempt_id)
    assert answers[ids[0]] == (0, 1) and answers[ids[1]] == ([1], 1) and len(answers) == 3
    phone.close()


def test_kept_quiz_page_of_an_attempt_ended_elsewhere_reloads_to_its_result(
    live_server, chromium, tmp_path
):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    url = page.url.split("#")[0]
    with server.session() as session:  # submitted on another device
        attempts.submit_attempt(session.get(Attempt, attempt_id), now_utc())
    page.reload()
    expect(page).to_have_url(re.compile(r"/result$"))
    not_kept(page, url)
    phone.close()


def test_kept_quiz_page_after_the_session_ended_goes_to_sign_in_and_is_forgotten(
    live_server, chromium, tmp_path
):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    start(page)
    url = page.url.split("#")[0]
    phone.clear_cookies()  # the session ended (expired, signed out elsewhere)
    page.reload()
    expect(page).to_have_url(re.compile(r"/auth/login"))
    assert page.locator("#quiz").count() == 0
    not_kept(page, url)
    not_kept(page, server.url + "/m/")
    phone.close()


def test_another_member_opening_the_kept_quiz_address_is_not_shown_it(
    live_server, chromium, tmp_path
):
    server, phone, page, url = mai_started_then_her_session_ended(live_server, chromium, tmp_path)
    page.goto(
        server.url + "/auth/login?next=" + url.removeprefix(server.url)
    )  # Tùng follows her link
    page.fill("#login", "DV-TUNG")
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(url)
    assert page.locator("#quiz").count() == 0 and "Câu 1/10" not in page.content()
    not_kept(page, url)
    phone.close()


def test_submitting_offline_is_queued_and_sent_when_back_online(live_server, chromium, tmp_path):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    answer_current(page, "single")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    server.go_down()
    phone.set_offline(True)
    next_question(page)
    answer_current(page, "multiple")
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    # Said at once (not after a wait), with what happens at the deadline.
    note = page.locator("#offline-note")
    expect(note).to_contain_text("bài sẽ được nộp ngay khi có kết nối trở lại", timeout=1000)
    expect(note).to_contain_text(
        "máy chủ tự nộp bài với những câu trả lời đã nhận được", timeout=1000
    )
    page.reload()  # the queued submission survives a reload
    expect(page.locator("#offline-note")).to_contain_text(
        "bài sẽ được nộp ngay khi có kết nối trở lại"
    )
    server.come_back()
    phone.set_offline(False)
    expect(page).to_have_url(re.compile(r"/result$"))
    with server.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.FINISHED
        assert len(attempt.responses) == 2
    phone.close()


def test_deadline_passing_offline_is_explained_and_the_server_finalises(
    live_server, chromium, tmp_path
):
    server = live_server(ANSWER_GRACE_SECONDS=0)
    seed(server, time_limit_seconds=20)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    answer_current(page, "single")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    server.go_down()
    phone.set_offline(True)
    next_question(page)
    answer_current(page, "multiple")  # never reaches the server in time
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.locator("#offline-note")).to_contain_text(
        "bài sẽ được nộp ngay khi có kết nối trở lại"
    )
    expect(page.locator("#save-status")).to_contain_text(
        "Đã hết giờ. Máy chủ nộp bài theo giờ của máy chủ", timeout=30_000
    )
    server.come_back()
    phone.set_offline(False)
    expect(page).to_have_url(re.compile(r"/result$"), timeout=20_000)
    expect(page.get_by_text("hết giờ, tự động nộp với các câu đã lưu")).to_be_visible()
    with server.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.FINISHED_OVERDUE
        assert len(attempt.responses) == 1  # the late answer does not count
    phone.close()


def test_resume_reopens_at_the_question_the_member_was_on(live_server, chromium, phone, tmp_path):
    server = live_server()
    seed(server)
    laptop = launch(chromium, tmp_path / "profile")
    page = laptop.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    for _ in range(3):
        answer_current(page, current(page).get_attribute("data-type"))
        next_question(page)
    next_question(page)  # on Câu 5; Câu 4 left unanswered
    expect(current(page).locator("legend")).to_have_text("Câu 5/10")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    for _ in range(100):  # the server remembers where the member is
        with server.session() as session:
            if session.get(Attempt, attempt_id).position == 5:
                break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the position never reached the server")
    # Same device: home page, "Làm tiếp".
    page.goto(server.url + "/m/")
    page.get_by_role("link", name="Làm tiếp").click()
    expect(current(page).locator("legend")).to_have_text("Câu 5/10")
    # Another device.
    other = phone.new_page()
    other.goto(server.url + "/auth/login")
    other.fill("#login", "DV-MAI")
    other.fill("#password", TEST_PASSWORD)
    other.get_by_role("button", name="Đăng nhập").click()
    other.get_by_role("link", name="Làm tiếp").click()
    expect(current(other).locator("legend")).to_have_text("Câu 5/10")
    laptop.close()


def test_kept_quiz_page_reopens_where_the_member_went_on_another_device(
    live_server, chromium, tmp_path
):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    attempt_id = start(page)
    next_question(page)  # on Câu 2 on this phone, sent to the server
    # The phone knows the server has it (an unsent move on this phone would win over the server's).
    eventually(
        page,
        f"JSON.parse(localStorage.getItem('quizapp.attempt.{attempt_id}.meta')).pos.sent === true",
    )
    with server.session() as session:
        assert session.get(Attempt, attempt_id).position == 2
    with server.session() as session:  # then on Câu 7 on a laptop
        attempts.set_position(session.get(Attempt, attempt_id), 7)
    page.goto(server.url + "/m/")
    page.get_by_role("link", name="Làm tiếp").click()  # the kept page, drawn when the quiz started
    expect(current(page).locator("legend")).to_have_text("Câu 7/10")
    phone.close()


def test_two_tabs_show_the_servers_newer_answer_with_a_message(live_server, phone):
    server = live_server()
    seed(server)
    first = phone.new_page()
    first.goto(server.url + "/auth/login")
    first.fill("#login", "DV-MAI")
    first.fill("#password", TEST_PASSWORD)
    first.get_by_role("button", name="Đăng nhập").click()
    first.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(first.locator("#save-status")).to_have_text(SAVED)
    second = phone.new_page()
    second.goto(first.url)
    expect(second.locator("#save-status")).to_have_text(SAVED)
    current(first).locator("label.option").nth(0).click()
    expect(first.locator("#save-status")).to_have_text(SAVED)
    current(second).locator("label.option").nth(1).click()  # an older view answers differently
    message = "Câu 1 đã được trả lời ở một thẻ hoặc máy khác: đang hiện câu trả lời máy chủ đã lưu."
    expect(current(second).locator(".conflict-note")).to_have_text(message)
    expect(second.locator("#save-status")).to_have_text(message)
    expect(current(second).locator("input[type=radio]").nth(0)).to_be_checked()
    expect(current(second).locator("input[type=radio]").nth(1)).not_to_be_checked()
    # Choosing again in the second tab is kept, and the note goes.
    current(second).locator("label.option").nth(1).click()
    expect(second.locator("#save-status")).to_have_text(SAVED)
    expect(current(second).locator(".conflict-note")).to_have_count(0)


def test_manifest_is_valid_and_the_app_installable(live_server, chromium, tmp_path):
    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    page.goto(server.url + "/m/")
    wait_for_worker(page)
    cdp = phone.new_cdp_session(page)
    found = cdp.send("Page.getAppManifest")
    assert found["errors"] == [], found["errors"]
    data = json.loads(found["data"])
    assert data["name"] == "Kiểm tra Nghị quyết Đoàn" and data["lang"] == "vi"
    assert data["start_url"] == "/m/" and data["scope"] == "/m/"
    for icon in data["icons"]:
        assert page.request.get(server.url + icon["src"]).ok
    eventually(page, "navigator.serviceWorker.controller !== null")
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    page.reload()  # kept once the worker controls the page
    eventually(page, "caches.match('/m/').then(r => !!r)")
    server.go_down()  # the home-screen icon opens /m/ offline
    page.goto(server.url + "/m/")
    expect(page.get_by_role("heading", name="Đợt kiểm tra của bạn")).to_be_visible()
    phone.close()


class Meter:
    """Counts what the server sends (status line, headers, body) while on."""

    def __init__(self, app):
        self.app, self.on, self.sent, self.requests = app, False, 0, []

    def __call__(self, environ, start_response):
        def counting_start(status, headers, exc_info=None):
            if self.on:
                self.sent += (
                    len(f"HTTP/1.1 {status}\r\n")
                    + sum(len(f"{k}: {v}\r\n") for k, v in headers)
                    + 2
                )
                self.requests.append(environ["PATH_INFO"])
            return start_response(status, headers, exc_info)

        for chunk in self.app(environ, counting_start):
            if self.on:
                self.sent += len(chunk)
            yield chunk


def test_first_load_of_the_quiz_page_transfers_at_most_60_kb(live_server, chromium, tmp_path):
    server = live_server()
    with server.session():
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
        make.user(member=member)
        topics = tuple(
            f"Chủ đề {n}" for n in range(1, 7)
        )  # 30 questions, as in the page-weight test
        open_quiz(
            make,
            tree["province"],
            make.bank("dai", topics=topics),
            prediction_question="Bao nhiêu đoàn viên tham gia?",
        )
    meter = Meter(server.app.wsgi_app)
    server.app.wsgi_app = meter
    # Signed in and started on one browser; the quiz page opened fresh on a new phone profile.
    setup = launch(chromium, tmp_path / "setup")
    page = setup.new_page()
    sign_in(page, server)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#save-status")).to_have_text(SAVED)
    url = page.url.split("#")[0]
    cookies = setup.cookies()
    setup.close()
    phone = launch(chromium, tmp_path / "phone")
    phone.add_cookies(cookies)
    page = phone.new_page()
    meter.on = True
    page.goto(url, wait_until="networkidle")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    wait_for_worker(page)
    eventually(page, "caches.match(location.pathname).then(r => !!r)")
    page.wait_for_load_state("networkidle")
    first_load, requests = meter.sent, list(meter.requests)
    meter.sent, meter.requests = 0, []
    page.reload(wait_until="networkidle")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.wait_for_load_state("networkidle")
    reload_bytes, reload_requests = meter.sent, list(meter.requests)
    meter.on = False
    phone.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "first-load.json").write_text(
        json.dumps(
            {
                "first_load_bytes": first_load,
                "requests": requests,
                "reload_bytes": reload_bytes,
                "reload_requests": reload_requests,
            },
            indent=1,
        )
    )
    assert any(p.endswith("/static/js/quiz.js") for p in requests) and "/m/sw.js" in requests
    assert first_load <= FIRST_LOAD_LIMIT, f"first load sent {first_load} bytes: {requests}"
    # With the worker in place, the page, its CSS, JavaScript and manifest come from the phone (the
    # tab's icon from the browser's cache): the server is asked for the attempt's state only, once.
    assert reload_requests == [f"/m/api/attempts/{url.rsplit('/', 1)[1]}"], reload_requests


def test_a_new_release_replaces_kept_files_without_mixing_old_and_new(
    live_server, chromium, tmp_path, monkeypatch
):
    from quizapp.web.member import offline

    server = live_server()
    seed(server)
    phone = launch(chromium, tmp_path / "profile")
    page = phone.new_page()
    sign_in(page, server)
    start(page)
    before = page.evaluate("caches.keys()")
    monkeypatch.setattr(offline, "release", lambda: "release00002")
    page.evaluate(
        "navigator.serviceWorker.getRegistration('/m/').then(r => r.update()).then(() => true)"
    )
    eventually(page, "caches.keys().then(ks => ks.includes('quizapp-release00002'))")
    eventually(page, "caches.keys().then(ks => ks.filter(k => k !== 'quizapp-meta').length === 1)")
    assert not set(before) - {"quizapp-meta"} & set(page.evaluate("caches.keys()"))
    # The kept page came along, and every file it names is in the same release's cache.
    missing = page.evaluate("""caches.open('quizapp-release00002').then(c => c.match(location.pathname)
        .then(r => r.text()).then(html => Promise.all(
            [...html.matchAll(/(?:src|href)="(\\/static\\/[^"]+)"/g)].map(m => m[1].replace(/&amp;/g, '&'))
            .map(u => c.match(u).then(hit => hit ? null : u)))))
        .then(found => found.filter(Boolean))""")
    assert missing == []
    server.go_down()
    page.reload()
    expect(current(page).locator("legend")).to_have_text("Câu 1/10")
    phone.close()
