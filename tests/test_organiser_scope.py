"""Every console page and action on another province's objects: refused, and nothing of theirs in the reply."""

from datetime import timedelta

import pytest

from quizapp import ROOT
from quizapp.extensions import db
from quizapp.models import Grant
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.banks import import_bank, load_bank_file
from tests.organiser_kit import NOW, text_of
from tests.quizkit import make_quiz

SECRET = "Lai Châu"  # in every name of the other province's objects


@pytest.fixture
def theirs(outside, make):
    """Another province's bank, quiz, finished attempt and grant, named so leaks are easy to find."""
    data = (
        (ROOT / "question_banks" / "examples" / "vi-du.yaml")
        .read_bytes()
        .replace(b'title: "V', 'title: "Lai Châu: V'.encode())
    )
    version = import_bank(
        load_bank_file("lc.yaml", data), slug="lai-chau", now=NOW, owner_unit=outside["province"]
    ).version
    quiz = make_quiz(make, outside["district"], version, title="Đợt kiểm tra Lai Châu")
    attempt = attempts.start_attempt(quiz, outside["member"], NOW - timedelta(hours=1), seed=1)
    attempts.submit_attempt(attempt, NOW - timedelta(minutes=50))
    grant = db.session.scalar(db.select(Grant).where(Grant.user_id == outside["organiser"].id))
    db.session.commit()
    return {
        "unit": outside["chapter"].id,
        "province": outside["province"].id,
        "member": outside["member"].id,
        "bank": version.bank_id,
        "version": version.id,
        "question": version.questions[0].id,
        "quiz": quiz.id,
        "attempt": attempt.id,
        "grant": grant.id,
    }


GETS = [
    "/org/audit?unit={unit}",
    "/org/audit/export.csv?unit={unit}",
    "/org/audit/export.xlsx?unit={province}",
    "/org/people?unit={province}",
    "/org/people/grants/{grant}/revoke",
    "/org/members?unit={unit}",
    "/org/members/{member}",
    "/org/members/{member}/edit",
    "/org/members/{member}/move",
    "/org/members/{member}/active",
    "/org/banks/{bank}",
    "/org/banks/{bank}/compare",
    "/org/banks/versions/{version}",
    "/org/banks/versions/{version}/export/gift",
    "/org/questions/{question}",
    "/org/quizzes/{quiz}",
    "/org/quizzes/{quiz}/edit",
    "/org/quizzes/{quiz}/duplicate",
    "/org/quizzes/{quiz}/close",
    "/org/quizzes/{quiz}/preview",
    "/org/quizzes/{quiz}/lookup?code=LC0001",
    "/org/quizzes/{quiz}/members/{member}",
    "/org/quizzes/{quiz}/regrade",
    "/org/roster/upload?unit={unit}",
]
POSTS = [
    ("/org/people/grants/{grant}/revoke", {"confirm": "1"}),
    ("/org/members/{member}/edit", {"full_name": "Đổi tên", "gender": "nu"}),
    ("/org/members/{member}/move", {"chapter": "1"}),
    ("/org/members/{member}/active", {"confirm": "1"}),
    ("/org/quizzes/{quiz}/edit", {"title": "Đổi"}),
    ("/org/quizzes/{quiz}/duplicate", {"title": "Bản sao"}),
    ("/org/quizzes/{quiz}/close", {"confirm": "1"}),
    (
        "/org/quizzes/{quiz}/members/{member}/allowance",
        {"extra_minutes": "5", "extra_attempts": "1"},
    ),
    ("/org/quizzes/{quiz}/attempts/{attempt}/reopen", {"minutes": "10"}),
    ("/org/quizzes/{quiz}/regrade", {"version": "1", "changes": "0"}),
]


@pytest.mark.parametrize("url", GETS)
def test_pages_of_another_province_are_refused(roles, theirs, login, console, url):
    reply = login(roles["users"]["organiser"]).get(url.format(**theirs))
    assert reply.status_code in (403, 404), url
    assert SECRET not in text_of(reply) and "LC0001" not in text_of(reply).replace(
        "code=LC0001", ""
    )


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_actions_on_another_province_change_nothing(roles, theirs, login, console, url, data):
    from tests.organiser_kit import audit_actions

    reply = login(roles["users"]["organiser"]).post(url.format(**theirs), data=data)
    assert reply.status_code in (403, 404), url
    assert audit_actions() == []
