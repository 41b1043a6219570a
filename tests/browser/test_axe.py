"""axe-core on every page a member, a secretary and an organiser reach, in both languages:
member pages at 360 px, staff pages at 1366 px, with the states that matter (quiz with the
palette open, offline banner, form errors, the "chưa tham gia" filter, result and review, an
empty list). Any violation of WCAG 2.0/2.1 A and AA or of axe's best practices fails.

PAGES lists, per GET endpoint of the URL map, the states checked; NOT_PAGES the GET endpoints
that serve no HTML page. A new GET route in neither fails `test_every_page_has_an_axe_check`,
as a new route without an access rule fails the access matrix.

One browser, one context per role and language (reused), one seeded world per module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from quizapp.clock import now_utc
from quizapp.models import Role
from quizapp.services import uploads
from quizapp.services.attempts import certificates
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.contests import rounds
from tests.browser.conftest import LiveServer
from tests.conftest import TEST_PASSWORD, make_app
from tests.contestkit import sit
from tests.factory import Factory
from tests.quizkit import open_quiz, right_answers

pytestmark = pytest.mark.browser

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
LANGS = ("vi", "en")
VIEWPORT = {
    "member": {"width": 360, "height": 640},
    "secretary": {"width": 1366, "height": 768},
    "organiser": {"width": 1366, "height": 768},
    "anonymous": {"width": 360, "height": 640},
}


@dataclass(frozen=True)
class State:
    """One page state: who looks, the URL (from the seeded ids), what to do before axe runs."""

    name: str
    role: str
    url: Callable[[dict], str]
    prepare: Callable | None = None


def _palette_open(page):
    assert "/attempts/" in page.url and page.locator("#quiz").count() == 1, (page.url, page.title())
    box = page.locator("details.palette-box")
    if box.get_attribute("open") is None:
        page.locator("details.palette-box > summary").click()


def _offline(page):
    page.context.set_offline(True)
    try:
        # Change the answer on screen (the quiz resumes where the other language's run left it,
        # on any kind of question), so a save is attempted and fails; a busy machine may take a
        # while to call it offline.
        current = page.locator("#answers fieldset.is-current")
        choice = current.locator(
            "input[type=radio]:not(:checked), input[type=checkbox]:not(:checked)"
        )
        if choice.count():
            choice.first.check()
        else:
            current.locator("input[type=text], input[inputmode]").first.fill("123")
        page.locator("#save-status.offline").wait_for(state="visible", timeout=30_000)
        _palette_open(page)
        _run_axe_now(page)
    finally:
        page.context.set_offline(False)


def _submit_empty(selector: str):
    def prepare(page):
        with page.expect_navigation():
            page.locator(selector).first.click()

    return prepare


def _prize_errors(page):
    page.fill("#second", "-1")
    page.fill("#third", "")
    with page.expect_navigation():
        page.locator("form[action$='/ranking/prizes'] button[type=submit]").click()


def _prediction_error(page):
    page.fill("#answer", "")
    with page.expect_navigation():
        page.locator("#answer").press("Enter")


def _round_errors(page):
    page.fill("#first", "-1")
    with page.expect_navigation():
        page.locator("form[action*='/rounds#'] button[type=submit]").click()
    assert page.locator("#them-vong p.error").count() == 2  # no quiz chosen, a negative count


def _login_error(page):
    page.fill("#login", "khong-co-ai")
    page.fill("#password", "sai-mat-khau")
    with page.expect_navigation():
        page.locator("#password").press("Enter")


def _activation_error(page):
    field = page.locator("main form input:not([type=hidden])").first
    field.fill("SAI-MA")
    with page.expect_navigation():
        field.press("Enter")


def _verify_error(page):
    field = page.locator("main form input:not([type=hidden])").first
    field.fill("KHONG-CO")
    with page.expect_navigation():
        field.press("Enter")


_AXE_DONE = "__axe_done"


def _run_axe_now(page):
    """Some states exist only while prepared (offline): check them inside `prepare`."""
    setattr(page, _AXE_DONE, AXE.run(page, options=AXE_OPTIONS).response)


def s(name, role, url, prepare=None):
    return State(name, role, url, prepare)


PAGES: dict[str, list[State]] = {
    "main.home": [
        s("landing", "anonymous", lambda i: "/"),
        s("member home", "member", lambda i: "/"),
        s("staff home (secretary)", "secretary", lambda i: "/"),
        s("staff home (organiser)", "organiser", lambda i: "/"),
    ],
    "auth.login": [
        s("sign-in", "anonymous", lambda i: "/auth/login"),
        s("sign-in error", "anonymous", lambda i: "/auth/login", _login_error),
    ],
    "auth.activate": [
        s("activation", "anonymous", lambda i: "/auth/activate"),
        s("activation error", "anonymous", lambda i: "/auth/activate", _activation_error),
    ],
    "auth.change_password": [
        s("password", "member", lambda i: "/auth/password"),
        s(
            "password errors",
            "member",
            lambda i: "/auth/password",
            _submit_empty("main form button[type=submit]"),
        ),
        s("password (staff)", "organiser", lambda i: "/auth/password"),
    ],
    "member.home": [
        s("quizzes", "member", lambda i: "/m/"),
        s("quizzes (none yet)", "newcomer", lambda i: "/m/"),
    ],
    "member.history": [
        s("history", "member", lambda i: "/m/history"),
        s("history (empty list)", "newcomer", lambda i: "/m/history"),
    ],
    "member.attempt": [
        s(
            "quiz, palette open",
            "member",
            lambda i: f"/m/attempts/{i['open_attempt']}",
            _palette_open,
        ),
        s("quiz, offline banner", "member", lambda i: f"/m/attempts/{i['open_attempt']}", _offline),
    ],
    "member.confirm_submit": [
        s("confirm submit", "member", lambda i: f"/m/attempts/{i['open_attempt']}/submit")
    ],
    "member.result": [
        s("result and review", "member", lambda i: f"/m/attempts/{i['attempt']}/result")
    ],
    "member.certificate": [
        s("certificate", "member", lambda i: f"/m/attempts/{i['attempt']}/certificate")
    ],
    "member.verify": [
        s("certificate lookup", "anonymous", lambda i: "/m/verify"),
        s("certificate lookup error", "anonymous", lambda i: "/m/verify", _verify_error),
        s("certificate found", "anonymous", lambda i: f"/m/verify?code={i['certificate']}"),
    ],
    "accounts.index": [s("accounts", "secretary", lambda i: "/accounts/")],
    "accounts.member_code": [
        s("member code", "secretary", lambda i: f"/accounts/member/{i['member']}/code")
    ],
    "accounts.unit_codes": [
        s("unit codes", "secretary", lambda i: f"/accounts/unit/{i['chapter']}/codes")
    ],
    "organiser.index": [
        s("console (secretary)", "secretary", lambda i: "/org/"),
        s("console", "organiser", lambda i: "/org/"),
    ],
    "organiser.audit_log": [s("audit log", "organiser", lambda i: "/org/audit")],
    "organiser.banks": [s("banks", "organiser", lambda i: "/org/banks")],
    "organiser.bank_detail": [s("bank", "organiser", lambda i: f"/org/banks/{i['bank']}")],
    "organiser.bank_compare": [
        s("bank compare", "organiser", lambda i: f"/org/banks/{i['bank']}/compare")
    ],
    "organiser.bank_upload": [
        s("bank upload", "organiser", lambda i: "/org/banks/upload"),
        s(
            "bank upload errors",
            "organiser",
            lambda i: "/org/banks/upload",
            _submit_empty("main form button[type=submit]"),
        ),
    ],
    "organiser.bank_preview": [
        s("bank preview", "organiser", lambda i: f"/org/banks/upload/{i['bank_token']}")
    ],
    "organiser.bank_version": [
        s("bank version", "organiser", lambda i: f"/org/banks/versions/{i['version']}")
    ],
    "organiser.members": [
        s("members", "secretary", lambda i: "/org/members"),
        s("members (no match: empty list)", "organiser", lambda i: "/org/members?q=khongcoai"),
    ],
    "organiser.member_detail": [s("member", "organiser", lambda i: f"/org/members/{i['member']}")],
    "organiser.member_active": [
        s("member active", "organiser", lambda i: f"/org/members/{i['target']}/active")
    ],
    "organiser.member_edit": [
        s("member edit", "organiser", lambda i: f"/org/members/{i['member']}/edit")
    ],
    "organiser.member_move": [
        s("member move", "organiser", lambda i: f"/org/members/{i['member']}/move")
    ],
    "organiser.people": [s("people", "organiser", lambda i: "/org/people")],
    "organiser.grant_revoke": [
        s("grant revoke", "organiser", lambda i: f"/org/people/grants/{i['grant']}/revoke")
    ],
    "organiser.question_detail": [
        s("question", "organiser", lambda i: f"/org/questions/{i['question']}")
    ],
    "organiser.quizzes": [s("quizzes", "organiser", lambda i: "/org/quizzes")],
    "organiser.quiz_detail": [s("quiz", "organiser", lambda i: f"/org/quizzes/{i['quiz']}")],
    "organiser.quiz_close": [
        s("quiz close", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/close")
    ],
    "organiser.quiz_duplicate": [
        s("quiz duplicate", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/duplicate")
    ],
    "organiser.quiz_edit": [
        s("quiz edit", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/edit")
    ],
    "organiser.quiz_member_lookup": [
        s(
            "quiz member lookup",
            "organiser",
            lambda i: f"/org/quizzes/{i['quiz']}/lookup?code={i['member_code']}",
        )
    ],
    "organiser.quiz_member": [
        s("quiz member", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/members/{i['member']}")
    ],
    "organiser.quiz_preview": [
        s("quiz preview", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/preview")
    ],
    "organiser.quiz_regrade": [
        s("quiz regrade", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/regrade")
    ],
    "organiser.quiz_new": [
        s("new quiz", "organiser", lambda i: "/org/quizzes/new"),
        s(
            "new quiz errors",
            "organiser",
            lambda i: "/org/quizzes/new",
            _submit_empty("main form button[type=submit]"),
        ),
    ],
    "organiser.roster_upload": [s("roster upload", "organiser", lambda i: "/org/roster/upload")],
    "organiser.roster_preview": [
        s("roster preview", "organiser", lambda i: f"/org/roster/upload/{i['roster_token']}")
    ],
    "reports.index": [s("reports", "secretary", lambda i: "/reports/")],
    "reports.quiz_home": [s("quiz report", "secretary", lambda i: f"/reports/quizzes/{i['quiz']}")],
    "reports.unit_page": [
        s(
            "chapter report",
            "secretary",
            lambda i: f"/reports/quizzes/{i['quiz']}/units/{i['chapter']}",
        ),
        s(
            "chapter report, chưa tham gia filter",
            "secretary",
            lambda i: f"/reports/quizzes/{i['quiz']}/units/{i['chapter']}?filter=not_taken",
        ),
        s(
            "district report",
            "organiser",
            lambda i: f"/reports/quizzes/{i['quiz']}/units/{i['district']}",
        ),
    ],
    "reports.items": [
        s(
            "item analysis",
            "organiser",
            lambda i: f"/reports/quizzes/{i['quiz']}/units/{i['district']}/items",
        )
    ],
    "reports.overview": [
        s("unit overview", "secretary", lambda i: f"/reports/units/{i['district']}")
    ],
    "reports.reminders": [
        s(
            "reminders",
            "secretary",
            lambda i: f"/reports/quizzes/{i['quiz']}/units/{i['chapter']}/reminders",
        )
    ],
    "reports.reminder_sheet": [
        s(
            "reminder sheet",
            "secretary",
            lambda i: f"/reports/quizzes/{i['quiz']}/units/{i['chapter']}/reminders/sheet",
        )
    ],
    "organiser.quiz_reminder": [
        s("reminder template", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/reminder")
    ],
    "organiser.quiz_ranking": [
        s("round ranking", "organiser", lambda i: f"/org/quizzes/{i['quiz']}/ranking"),
        s(
            "contest round ranking, published, with its forms",
            "organiser",
            lambda i: f"/org/quizzes/{i['round_quiz']}/ranking",
        ),
        s(
            "contest round prize errors",
            "organiser",
            lambda i: f"/org/quizzes/{i['round_quiz']}/ranking",
            _prize_errors,
        ),
        s(
            "contest round prediction error",
            "organiser",
            lambda i: f"/org/quizzes/{i['round_quiz']}/ranking",
            _prediction_error,
        ),
    ],
    "organiser.contests": [s("contests", "organiser", lambda i: "/org/contests")],
    "organiser.contest_detail": [
        s("contest rules and rounds", "organiser", lambda i: f"/org/contests/{i['contest']}"),
        s(
            "contest add-round errors",
            "organiser",
            lambda i: f"/org/contests/{i['contest']}",
            _round_errors,
        ),
    ],
    "organiser.contest_new": [
        s("new contest", "organiser", lambda i: "/org/contests/new"),
        s(
            "new contest errors",
            "organiser",
            lambda i: "/org/contests/new",
            _submit_empty("main form button[type=submit]"),
        ),
    ],
    "results.contest": [
        s("public contest results", "anonymous", lambda i: f"/contests/{i['contest']}")
    ],
    "results.round_page": [
        s("public round results", "anonymous", lambda i: f"/contests/{i['contest']}/rounds/1"),
        s(
            "public round results (member)",
            "member",
            lambda i: f"/contests/{i['contest']}/rounds/1",
        ),
    ],
    "reports.contest_units": [
        s(
            "contest unit ranking",
            "secretary",
            lambda i: f"/reports/units/{i['district']}/contests/{i['contest']}",
        ),
        s(
            "contest unit ranking, one round, chapters",
            "secretary",
            lambda i: (
                f"/reports/units/{i['district']}/contests/{i['contest']}"
                f"?round=1&level={i['chapter_depth']}"
            ),
        ),
    ],
    "help.index": [
        s("guide (visitor)", "anonymous", lambda i: "/help/"),
        s("guide (member)", "member", lambda i: "/help/"),
    ],
    "help.guide": [
        s("secretary guide", "secretary", lambda i: "/help/secretary"),
        s("organiser guide", "organiser", lambda i: "/help/organiser"),
    ],
    "help.member_print": [s("member sheet (A4)", "anonymous", lambda i: "/help/member/print")],
}

# GET endpoints that serve no HTML page (files, JSON, the worker, downloads).
NOT_PAGES = {
    "static",
    "main.favicon",
    "main.health",
    "member.manifest",
    "member.service_worker",
    "member.attempt_state",
    "organiser.audit_export",
    "organiser.bank_template",
    "organiser.bank_export",
    "reports.unit_export",
    "reports.items_export",
    "reports.overview_export",
    "accounts.slips_csv",
    "main.set_language",
    "auth.logout",
    "help.roster_template",
    "organiser.quiz_ranking_export",
    "organiser.round_prizes_export",
    "reports.contest_units_export",
}

CHECKS = [
    (endpoint, state, lang)
    for endpoint, states in PAGES.items()
    for state in states
    for lang in LANGS
]


def test_every_page_has_an_axe_check(app):
    """Every GET endpoint of the URL map is checked by axe here, or is listed as not a page."""
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = sorted(gets - set(PAGES) - NOT_PAGES)
    assert not missing, (
        "GET pages without an axe check (tests/browser/test_axe.py PAGES): " + ", ".join(missing)
    )
    assert not (set(PAGES) - gets), "PAGES names endpoints that no longer exist"


def _seed(server: LiveServer) -> dict:
    with server.session() as session:
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI", phone="0912345678")
        make.member(tree["na_san"], "Cầm Thị Hoàng Anh", code="DV-ANH")
        newcomer = make.member(tree["co_muong"], "Vì Văn Mới", code="DV-MOI")
        target = make.member(tree["na_san"], "Đoàn viên đích", code="DV-DICH")
        make.user(member=member)
        make.user(member=newcomer)
        make.user(member=target)
        make.user("bithu", grants=[(Role.SECRETARY, tree["mai_son"])])
        organiser = make.user("tochuc", grants=[(Role.ORGANISER, tree["province"])])
        helper = make.user("phutrach", grants=[(Role.SECRETARY, tree["na_san"])])
        version = make.bank()
        quiz = open_quiz(
            make,
            tree["mai_son"],
            version,
            title="Tìm hiểu Nghị quyết Đại hội Đoàn XII",
            pass_mark=50,
            attempts_allowed=3,
            review_policy="explanations",
        )
        other = open_quiz(
            make,
            tree["mai_son"],
            version,
            title="Hội thi Tuổi trẻ học tập và làm theo",
            attempts_allowed=2,
        )
        now = now_utc()
        done = attempts.start_attempt(quiz, member, now - timedelta(minutes=10))
        for n, (qid, answer) in enumerate(right_answers(done).items(), start=1):
            attempts.save_answer(done, qid, answer, n, False, now - timedelta(minutes=9))
        attempts.submit_attempt(done, now - timedelta(minutes=8))
        going = attempts.start_attempt(other, member, now)
        # a contest of two rounds: the first closed, answered and published; `other` open
        round_quiz = open_quiz(
            make,
            tree["mai_son"],
            version,
            title="Cuộc thi tìm hiểu Nghị quyết – Tuần 1",
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(days=3),
            prediction_question="Có bao nhiêu người tham gia tuần 1?",
        )
        contest = rounds.create_contest(
            "Cuộc thi tìm hiểu Nghị quyết", tree["mai_son"], now - timedelta(days=11)
        )
        closed = rounds.add_round(contest, round_quiz, "Tuần 1", first=1, second=1, third=1)
        rounds.add_round(contest, other, "Tuần 2")
        sit(round_quiz, member, 90.0, guess=2, at=now - timedelta(days=5))
        sit(
            round_quiz,
            make.member(tree["co_muong"], "Quàng Văn Chiến"),
            90.0,
            guess=5,
            at=now - timedelta(days=4),
        )
        round_quiz.prediction_answer = 2
        closed.results_published_at = now - timedelta(days=2)
        session.flush()
        ids = {
            "quiz": quiz.id,
            "attempt": done.id,
            "open_attempt": going.id,
            "round_quiz": round_quiz.id,
            "contest": contest.id,
            "chapter_depth": tree["na_san"].depth,
            "certificate": certificates.ensure_code(done),
            "chapter": tree["na_san"].id,
            "district": tree["mai_son"].id,
            "member": member.id,
            "member_code": member.code,
            "target": target.id,
            "bank": version.bank_id,
            "version": version.id,
            "question": version.questions[0].id,
            "grant": helper.grants[0].id,
            "roster_token": uploads.save(
                "roster",
                "ds.csv",
                "Mã đoàn viên,Họ và tên\nDV-MAI,Lò Thị Mai\n".encode(),
                organiser.id,
                now,
                {"unit": tree["na_san"].id},
            ),
            "bank_token": uploads.save(
                "bank",
                "b.yaml",
                b"title: x\n",
                organiser.id,
                now,
                {"target": "new", "slug": None, "owner": tree["mai_son"].id},
            ),
        }
    return ids


LOGINS = {"member": "DV-MAI", "newcomer": "DV-MOI", "secretary": "bithu", "organiser": "tochuc"}


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    """The live app with the seeded world, once for the module."""
    server = LiveServer(
        make_app(
            database_url, tmp_path_factory.mktemp("axe"), WTF_CSRF_ENABLED=True, SERVER_NAME=None
        )
    )
    ids = _seed(server)
    yield server, ids
    server.stop()


@pytest.fixture(scope="module")
def contexts(chromium, site):
    """One signed-in browser context per role and language, made when first needed."""
    server, _ = site
    made: dict[tuple[str, str], object] = {}

    def get(role: str, lang: str):
        if (role, lang) not in made:
            size = VIEWPORT.get(role, VIEWPORT["member"])
            phone = size["width"] < 800
            context = chromium.new_context(
                viewport=size,
                is_mobile=phone,
                has_touch=phone,
                locale="vi-VN" if lang == "vi" else "en-GB",
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.goto(f"{server.url}/auth/login?lang={lang}")
            if role in LOGINS:
                page.fill("#login", LOGINS[role])
                page.fill("#password", TEST_PASSWORD)
                page.locator("#password").press("Enter")
                page.wait_for_url(lambda url: "/auth/login" not in url)
            page.close()
            made[(role, lang)] = context
        return made[(role, lang)]

    yield get
    for context in made.values():
        context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "endpoint,state,lang", CHECKS, ids=[f"{lang}-{st.name}" for _, st, lang in CHECKS]
)
def test_page_has_no_axe_violation(site, contexts, endpoint, state, lang):
    server, ids = site
    page = contexts(state.role, lang).new_page()
    try:
        url = state.url(ids)
        reply = page.goto(f"{server.url}{url}{'&' if '?' in url else '?'}lang={lang}")
        assert reply is not None and reply.status < 400, (state.name, reply and reply.status)
        assert page.locator("html").get_attribute("lang") == lang
        if state.role != "anonymous":  # the page itself, not the sign-in form it might send to
            assert "/auth/login" not in page.url, (state.name, page.url)
        if state.prepare:
            state.prepare(page)
        results = getattr(page, _AXE_DONE, None) or AXE.run(page, options=AXE_OPTIONS).response
        assert results["violations"] == [], (
            f"{state.name} [{lang}]:\n{_describe(results['violations'])}"
        )
    finally:
        page.close()
