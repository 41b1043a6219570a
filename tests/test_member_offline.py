"""Offline support on the server side: resume position, the worker and manifest, compression."""

import json
import os

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.web.member import offline
from tests.quizkit import Sitting


def resume_of(client, attempt_id) -> int:
    html = client.get(f"/m/attempts/{attempt_id}").get_data(as_text=True)
    return int(html.split('data-resume="', 1)[1].split('"', 1)[0])


def test_resume_is_the_first_unanswered_question_until_the_member_moves(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    first = attempt.items[0].question_id
    assert resume_of(sit.client, attempt.id) == 1
    reply = sit.client.post(
        "/m/api/answers",
        json={"attempt": attempt.id, "question": first, "answer": 0, "seq": 1, "flagged": False},
    )
    assert reply.json["ok"]
    assert resume_of(sit.client, attempt.id) == 2
    reply = sit.client.post(f"/m/api/attempts/{attempt.id}/position", json={"position": 7})
    assert reply.json == {"ok": True, "position": 7}
    assert resume_of(sit.client, attempt.id) == 7
    assert db.session.get(Attempt, attempt.id).position == 7


def test_a_position_outside_the_attempt_is_refused_and_changes_nothing(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    for bad in (0, 11, "3", True, None):
        reply = sit.client.post(f"/m/api/attempts/{attempt.id}/position", json={"position": bad})
        assert reply.status_code == 400 and reply.json["error"] == "bad_position"
    assert resume_of(sit.client, attempt.id) == 1


def test_service_worker_is_scoped_to_member_pages_and_versioned(make, login):
    sit = Sitting(make, login)
    reply = sit.client.get("/m/sw.js")
    assert reply.status_code == 200 and reply.mimetype == "text/javascript"
    body = reply.get_data(as_text=True)
    config = json.loads(body.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["scope"] == "/m/" and len(config["version"]) == 12
    assert all("?v=" in url for url in config["assets"])
    html = sit.client.get(f"/m/attempts/{sit.start().id}").get_data(as_text=True)
    assert any(url in html for url in config["assets"])  # the page asks for what the worker keeps


def test_fresh_only_pages_are_never_marked_for_the_cache(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    assert sit.client.get(f"/m/attempts/{attempt.id}").headers["X-Quizapp-Cache"] == "attempt"
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    for path in (f"/m/attempts/{attempt.id}/result", "/m/history"):
        reply = sit.client.get(path)
        assert reply.status_code == 200 and "X-Quizapp-Cache" not in reply.headers


def test_manifest_names_the_app_in_vietnamese_with_icons(client):
    data = json.loads(client.get("/m/manifest.webmanifest").get_data(as_text=True))
    assert data["name"] == "Kiểm tra Nghị quyết Đoàn" and data["start_url"] == "/m/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_sign_out_tells_the_browser_to_forget_kept_pages(make, login):
    sit = Sitting(make, login)
    reply = sit.client.post("/auth/logout")
    assert reply.headers["Clear-Site-Data"] == '"storage"'


def test_pages_and_scripts_are_compressed(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    for path in (f"/m/attempts/{attempt.id}", "/static/js/quiz.js", "/static/css/app.css"):
        reply = sit.client.get(
            path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"}
        )  # chromium's
        assert reply.headers.get("Content-Encoding") in {"zstd", "br", "gzip"}, path


def test_a_static_file_named_with_its_version_is_kept_by_the_browser(client):
    versioned = client.get("/static/favicon.svg?v=" + offline.file_version("favicon.svg"))
    assert versioned.cache_control.max_age == 365 * 24 * 3600 and versioned.cache_control.immutable
    for stale in (
        "/static/favicon.svg?v=0000000000",
        "/static/favicon.svg",
    ):  # another release's, or none
        assert not client.get(stale).cache_control.immutable


def test_the_attempt_state_tells_a_signed_out_phone_from_another_account(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    reply = sit.client.get(f"/m/api/attempts/{attempt.id}")
    assert (
        reply.json["state"] == "in_progress"
        and "answers" in reply.json
        and "deadline_ms" in reply.json
    )
    reply = sit.client.application.test_client().get(
        f"/m/api/attempts/{attempt.id}"
    )  # nobody signed in
    assert reply.status_code == 401 and reply.json["error"] == "login"
    other = login(make.user(member=make.member(sit.tree["na_san"], "Hà Văn Tùng")))
    reply = other.get(f"/m/api/attempts/{attempt.id}")
    assert reply.status_code == 404 and reply.json["error"] == "not_found"


def test_a_change_to_what_the_quiz_page_is_made_of_is_a_new_release(app, tmp_path, monkeypatch):
    (tmp_path / "templates").mkdir()
    (tmp_path / "translations").mkdir()
    template = tmp_path / "templates" / "attempt.html"
    template.write_text("<p>Câu 1</p>", encoding="utf-8")
    monkeypatch.setattr(offline, "PACKAGE", tmp_path)
    with app.test_request_context("/m/sw.js"):
        before = offline.release()
        template.write_text("<p>Câu hỏi 1</p>", encoding="utf-8")
        os.utime(template, (template.stat().st_atime, template.stat().st_mtime + 1))
        assert offline.release() != before  # the worker fetches its kept pages again
