"""The home page and the console show only links the person may open (one rule: policy.may_open),
a secretary's home page shows their units' participation in the quizzes open now, and an
attempt is someone's own: anyone else gets 404, on the page and in the JSON."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import g

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.services.demo import province as demo
from quizapp.services.demo.quiz import add_demo_quiz
from quizapp.services.reports.overview import overview
from tests import reportkit
from tests.conftest import sign_in
from tests.quizkit import Sitting

LINK = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')


def _act_as(client, user):
    db.session.commit()
    sign_in(client, user)
    g.pop("_login_user", None)  # requests share the test's app context


def _links(html: str) -> set[str]:
    return {unescape(h) for h in LINK.findall(html) if not h.startswith("/static/")}


@pytest.fixture
def demo_site(app):
    """The demo province (smaller) with its open quiz."""
    now = now_utc()
    built = demo.build_demo(now, members=300)
    db.session.commit()
    add_demo_quiz(built, now, activity=False)
    db.session.commit()
    return built


def test_every_link_on_the_home_page_and_the_console_opens_for_each_demo_role(demo_site, client):
    checked = {}
    for role, user in demo_site["users"].items():
        _act_as(client, user)
        pages = ["/"]
        home = client.get("/")
        assert home.status_code == 200
        links = _links(home.get_data(as_text=True))
        if "/org/" in links:
            console = client.get("/org/")
            assert console.status_code == 200, role
            links |= _links(console.get_data(as_text=True))
            pages.append("/org/")
        for href in sorted(links):
            reply = client.get(href, follow_redirects=True)
            assert reply.status_code == 200, (role, href, reply.status_code)
        checked[role] = links
    # The check covered every role's own areas, not just the home link.
    assert "/org/" in checked["organiser"] and "/org/" in checked["district_secretary"]
    assert "/org/" not in checked["member"] and "/reports/" not in checked["member"]
    assert any(h.startswith("/reports/quizzes/") for h in checked["district_secretary"])


def test_the_console_promises_item_analysis_only_to_those_who_may_open_it(demo_site, client):
    _act_as(client, demo_site["users"]["district_secretary"])
    page = client.get("/org/").get_data(as_text=True)
    assert "Báo cáo tham gia" in page and "phân tích câu hỏi" not in page
    _act_as(client, demo_site["users"]["organiser"])
    assert "phân tích câu hỏi" in client.get("/org/").get_data(as_text=True)


def test_a_secretarys_home_shows_rate_gap_and_not_yet_taken_part_linked_to_the_report(
    roles, make, client
):
    tree = roles["tree"]
    mai_son, na_san, co_muong = tree["mai_son"], tree["na_san"], tree["co_muong"]
    others = [
        roles["member"],
        *(make.member(na_san, f"Quàng Văn {i}") for i in range(2)),
        make.member(co_muong, "Lường Thị Hoa"),
    ]
    reportkit.refresh()
    now = now_utc()
    quiz = reportkit.make_quiz(
        tree["province"],
        title="Đợt đang mở",
        opens=now.replace(year=now.year - 1),
        closes=now.replace(year=now.year + 1),
        target_rate=80.0,
        target_date=now.date(),
    )
    reportkit.make_quiz(
        tree["province"],
        title="Đợt đã đóng",
        opens=now.replace(year=now.year - 2),
        closes=now.replace(year=now.year - 1),
        target_date=now.replace(year=now.year - 1).date(),
    )
    reportkit.take(quiz, others[1], now)
    db.session.commit()
    # Mai Sơn has the four members above: 1 took part, 25 %, target 80 % = 4, so 3 short, 3 not yet.
    row = next(q.row for q in overview(mai_son, now) if q.quiz.id == quiz.id)
    assert (row.members, row.took_part, row.gap) == (4, 1, 3)

    _act_as(client, roles["users"]["district_secretary"])
    page = client.get("/").get_data(as_text=True)
    section = page[page.index("home-participation") :]
    section = section[: section.index("</section>")]
    assert "Đợt đang mở" in section and "Đợt đã đóng" not in section
    assert (
        "25,0%" in section
        and "còn thiếu 3 người" in section
        and "3 đoàn viên chưa tham gia" in section
    )
    report = f"/reports/quizzes/{quiz.id}/units/{mai_son.id}"
    assert f'href="{report}"' in section and f'href="{report}?filter=not_taken"' in section
    assert client.get(report + "?filter=not_taken").status_code == 200


def test_someone_elses_attempt_is_not_found_on_the_page_and_in_the_json(make, login, app):
    sitting = Sitting(make, login)
    attempt = sitting.start()
    attempt_id = attempt.id
    other = make.user(member=make.member(sitting.tree["na_san"], "Cà Văn Khánh"))
    staff = make.user("bithu.khac")
    for user in (other, staff):
        client = login(user)
        assert client.get(f"/m/attempts/{attempt_id}").status_code == 404
        assert client.get(f"/m/attempts/{attempt_id}/result").status_code == 404
        reply = client.get(f"/m/api/attempts/{attempt_id}")
        assert reply.status_code == 404 and reply.json["error"] == "not_found"
        reply = client.post(
            "/m/api/answers", json={"attempt": attempt_id, "question": 1, "answer": "x", "seq": 1}
        )
        assert reply.status_code == 404
    client = login(sitting.user)
    assert client.get(f"/m/attempts/{attempt_id}").status_code == 200
