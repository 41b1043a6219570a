"""In-product help: every page links to the guide, the guide opens for the reader's role, each
guide renders in Vietnamese and English, the screenshots the guides show exist and stay light,
and the short tips sit where people hesitate (quiz settings, uploads, lock-out, busy)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from flask import g, render_template

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Attempt, BankVersion, Grant, Quiz
from quizapp.services import roster, uploads
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.demo import province as demo
from quizapp.services.demo.contest import add_demo_contest
from quizapp.services.demo.quiz import add_demo_quiz
from quizapp.web.help import GUIDES
from tests.conftest import sign_in
from tests.helpshots import SHOT_FOLDER, TOTAL_BUDGET_BYTES, referenced_shots
from tests.quizkit import right_answers

HELP_LINK = re.compile(r'<a\b[^>]*\bhref="/help/[^"]*"')
# GET routes that answer with a file, JSON or a redirect, never a page.
NOT_PAGES = {
    "static",
    "main.health",
    "main.favicon",
    "help.index",
    "help.roster_template",
    "member.manifest",
    "member.service_worker",
    "organiser.quiz_ranking_export",
    "organiser.round_prizes_export",
    "member.attempt_state",
    "member.start",
    "member.save_form",
    "member.submit",
    "accounts.slips_csv",
    "organiser.bank_template",
    "organiser.bank_export",
    "organiser.audit_export",
    "reports.overview_export",
    "reports.unit_export",
    "reports.items_export",
    "reports.quiz_home",
    "reports.contest_units_export",
    # redirects: to the member's page found by code; to the one unit a demo user's reports start at
    "organiser.quiz_member_lookup",
    "reports.index",
}
# Pages of an attempt still running (the others show a finished one).
RUNNING = {"member.attempt", "member.confirm_submit"}


def _demo_world():
    """The demo province (smaller), its quiz, a finished and passed attempt of the demo member,
    and an upload of each kind by the organiser: an object for every URL parameter."""
    now = now_utc()
    built = demo.build_demo(now, members=200)
    db.session.commit()
    quiz, _ = add_demo_quiz(built, now, activity=False)
    contest = add_demo_contest(
        built, quiz.bank_version, now
    )  # its first round closed and published
    db.session.commit()
    users, units = built["users"], built["units"]
    member = users["member"].member
    attempt = attempts.start_attempt(quiz, member, now - timedelta(minutes=5))
    for n, (qid, answer) in enumerate(right_answers(attempt).items(), start=1):
        attempts.save_answer(attempt, qid, answer, n, False, now - timedelta(minutes=4))
    attempts.submit_attempt(attempt, now - timedelta(minutes=3))
    running = attempts.start_attempt(quiz, member, now - timedelta(minutes=1))
    version = db.session.get(BankVersion, quiz.bank_version_id)
    organiser = users["organiser"]
    tokens = {
        "roster": uploads.save(
            "roster",
            "ds.csv",
            "Mã đoàn viên,Họ và tên\n".encode(),
            organiser.id,
            now,
            {"unit": units["na_san"].id},
        ),
        "bank": uploads.save(
            "bank",
            "b.yaml",
            b"title: x\n",
            organiser.id,
            now,
            {"target": "new", "slug": None, "owner": units["province"].id},
        ),
    }
    grant = db.session.query(Grant).filter_by(user_id=users["chapter_secretary"].id).one()
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).certificate_code
    values = {
        "quiz_id": quiz.id,
        "unit_id": units["na_san"].id,
        "member_id": member.id,
        "attempt_id": attempt.id,
        "bank_id": version.bank_id,
        "version_id": version.id,
        "question_id": version.questions[0].id,
        "grant_id": grant.id,
        "code": "en",
        "name": "member",
        "fmt": "csv",
        "table": "members",
        "filename": "css/app.css",
        "contest_id": contest.id,
        "position": 1,
    }
    values["running_attempt_id"] = running.id
    return users, values, tokens


def _as(client, user):
    db.session.commit()
    if user is None:
        with client.session_transaction() as session:
            session.clear()
    else:
        sign_in(client, user)
    g.pop("_login_user", None)


def test_every_page_a_demo_role_can_open_links_to_the_guide(app, client):
    users, values, tokens = _demo_world()
    roles = {"anonymous": None, **users}
    pages_seen: dict[str, set[str]] = {}
    without_link = []
    for role, user in roles.items():
        _as(client, user)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            args = {a: values[a] for a in rule.arguments if a != "token"}
            if "token" in rule.arguments:
                args["token"] = tokens["roster" if "roster" in rule.endpoint else "bank"]
            if rule.endpoint in RUNNING:
                args["attempt_id"] = values["running_attempt_id"]
            url = rule.build(args)[1]
            reply = client.get(url)
            if reply.status_code != 200 or reply.mimetype != "text/html":
                continue
            pages_seen.setdefault(rule.endpoint, set()).add(role)
            if not HELP_LINK.search(reply.get_data(as_text=True)):
                without_link.append(f"{role} {url}")
    assert without_link == []
    get_endpoints = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    # Every page was opened by some demo role: the check above saw them all.
    assert sorted(get_endpoints - set(pages_seen) - NOT_PAGES) == [], sorted(
        get_endpoints - set(pages_seen) - NOT_PAGES
    )
    assert {"anonymous", "member"} <= pages_seen["help.guide"]
    assert (
        "organiser" in pages_seen["organiser.quiz_new"]
        and "member" in pages_seen["member.certificate"]
    )


def test_error_pages_and_the_standalone_ones_link_to_the_guide(app, client):
    assert HELP_LINK.search(client.get("/khong-co-trang-nay").get_data(as_text=True))
    with app.test_request_context("/m/"):
        page = render_template("errors/unavailable.html", message="…")
        assert 'href="/help/member#bi-khoa"' in page
        assert 'href="/help/member#bi-khoa"' in render_template(
            "errors/busy.html", retry_after=5, back="/auth/login"
        )
        locked = render_template("errors/429.html", retry_after=120)
        assert "không phân biệt chữ hoa" in locked and 'href="/help/member#bi-khoa"' in locked


def test_the_guide_link_opens_the_readers_guide_and_the_others_are_one_click_away(roles, client):
    expected = {
        None: "member",
        "member": "member",
        "district_secretary": "secretary",
        "secretary": "secretary",
        "organiser": "organiser",
        "admin": "organiser",
    }
    for role, guide in expected.items():
        _as(client, roles["users"][role] if role else None)
        reply = client.get("/help/")
        assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/help/{guide}"), (
            role
        )
        page = client.get(f"/help/{guide}").get_data(as_text=True)
        for other in GUIDES:
            assert f'href="/help/{other}"' in page
        assert 'href="/help/member/print"' in page


def test_each_guide_renders_in_vietnamese_and_in_english(client):
    titles = {
        "member": ("Hướng dẫn cho đoàn viên", "Guide for members"),
        "secretary": ("Hướng dẫn cho bí thư", "Guide for secretaries"),
        "organiser": ("Hướng dẫn cho ban tổ chức", "Guide for organisers"),
    }
    for guide, (vi, _en) in titles.items():
        page = client.get(f"/help/{guide}").get_data(as_text=True)
        assert f"<h1>{vi}</h1>" in page and 'lang="vi"' in page
    client.post("/lang/en")
    for guide, (vi, en) in titles.items():
        page = client.get(f"/help/{guide}").get_data(as_text=True)
        assert f"<h1>{en}</h1>" in page and 'lang="en"' in page and vi not in page
        # The screenshot captions are translated too (the pictures stay Vietnamese).
        alts = re.findall(r'<img [^>]*alt="([^"]+)"', page)
        assert alts and all(a.isascii() or "«" in a for a in alts), alts
    page = client.get("/help/member/print").get_data(as_text=True)
    assert "Guide for members" in page or "guide for members" in page


def test_the_screenshots_the_guides_show_exist_and_stay_light(client):
    shown = referenced_shots()
    files = {p.stem: p.stat().st_size for p in SHOT_FOLDER.glob("*.webp")}
    assert sorted(set(shown) - set(files)) == [], "run `make screenshots`"
    assert sorted(set(files) - set(shown)) == [], "screenshots no guide shows"
    assert sum(files.values()) <= TOTAL_BUDGET_BYTES
    assert {n[0] for n in shown} == {"m", "s"}  # phone pictures for members, screens for staff
    for guide in GUIDES:
        page = client.get(f"/help/{guide}").get_data(as_text=True)
        for img in re.findall(r"<img [^>]*>", page):
            assert 'loading="lazy"' in img and re.search(r'alt="[^"]{10,}"', img), img
            src = re.search(r'src="([^"]+)"', img).group(1)
            assert src.startswith("/static/help/") and client.get(src).status_code == 200


def test_the_guides_load_nothing_from_outside(client):
    for url in [f"/help/{name}" for name in GUIDES] + ["/help/member/print"]:
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', page), url


def test_each_quiz_setting_has_its_tip_and_the_guide_says_the_same(roles, client):
    _as(client, roles["users"]["organiser"])
    form = client.get("/org/quizzes/new").get_data(as_text=True)
    guide = client.get("/help/organiser").get_data(as_text=True)
    tips = [
        "Nên 20–30 phút cho 20 câu",
        "Nên rút ngẫu nhiên",
        "Nên bật: mỗi lượt làm",
        "Nên 1–3 lượt",
        "Nên lấy điểm cao nhất",
        "Nên 50–80%",
        "khi mục đích là học tập",
        "thường 80–90%",
        "Để trống thì lấy ngày đóng",
        "Giờ Việt Nam. Nên mở 2–4 tuần",
        "Chỉ dùng cho cuộc thi có xếp giải",
        "Chọn phiên bản đã kiểm tra",
        "Câu Đúng/Sai không bao giờ bị đảo",
    ]
    for tip in tips:
        assert tip in form and tip in guide, tip
    assert 'href="/help/organiser#dot-kiem-tra"' in form


def test_the_upload_pages_offer_their_template_and_the_roster_template_imports(roles, client, app):
    _as(client, roles["users"]["organiser"])
    bank = client.get("/org/banks/upload").get_data(as_text=True)
    assert 'href="/org/banks/template.xlsx"' in bank and 'href="/help/organiser#ngan-hang"' in bank
    page = client.get("/org/roster/upload").get_data(as_text=True)
    assert (
        'href="/help/mau-danh-sach-doan-vien.csv"' in page
        and 'href="/help/organiser#danh-sach"' in page
    )
    reply = client.get("/help/mau-danh-sach-doan-vien.csv")
    assert reply.status_code == 200 and reply.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0][1:3] == ["Mã đoàn viên", "Họ và tên"]
    # The template is a file the roster import accepts as it is (its example chapter exists).
    report = roster.import_roster(
        "mau.csv",
        reply.data,
        roster.RosterOptions(scope_unit=roles["tree"]["province"]),
        roles["users"]["organiser"],
        now_utc(),
        dry_run=True,
    )
    assert not report.errors, report.errors
    assert db.session.query(Quiz).count() == 0  # nothing else was touched
