"""A member takes a quiz through the pages and the autosave JSON (Flask test client)."""

from datetime import timedelta

from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Response
from quizapp.services.attempts import lifecycle as attempts
from tests.quizkit import Sitting, right_answers


def page(reply):
    return reply.get_data(as_text=True)


def stored(attempt_id):
    return {
        r.question_id: (r.answer, r.seq, r.flagged)
        for r in db.session.scalars(
            select(Response)
            .where(Response.attempt_id == attempt_id)
            .execution_options(populate_existing=True)
        )
    }


def test_home_lists_the_open_quiz_with_a_start_button(sit):
    html = page(sit.client.get("/"))
    assert "Tìm hiểu Nghị quyết Đại hội Đoàn XII" in html
    assert "Chưa làm" in html and "Bắt đầu làm bài" in html


def test_home_shows_time_left_while_in_progress(sit):
    sit.start()
    html = page(sit.client.get("/m/"))
    assert "Đang làm" in html and "còn khoảng 30 phút" in html and "Làm tiếp" in html


def test_start_opens_the_quiz_page_with_every_question_and_labelled_options(sit):
    attempt = sit.start()
    html = page(sit.client.get(f"/m/attempts/{attempt.id}"))
    assert html.count('<fieldset class="question"') == 10
    assert '<label class="option"><input type="radio" name="a' in html
    assert "Câu 1/10" in html and "Đánh dấu để xem lại" in html


def test_start_twice_resumes_the_same_attempt(sit):
    assert sit.start().id == sit.start().id


def test_staff_account_cannot_take_quizzes(make, login):
    staff = make.user("bantuyengiao")
    assert login(staff).get("/m/").status_code == 403


def test_quiz_outside_my_audience_cannot_be_started(make, login):
    sit = Sitting(make, login)
    other = make.unit("Tỉnh đoàn Lai Châu", "province", code="LC")
    from tests.quizkit import open_quiz

    foreign = open_quiz(make, other)
    db.session.commit()
    assert sit.client.post(f"/m/quizzes/{foreign.id}/start").status_code == 404
    assert db.session.scalar(select(Attempt)) is None


def test_another_members_attempt_is_not_found_in_pages_or_json(sit, make, login):
    attempt = sit.start()
    intruder = make.user(member=make.member(sit.tree["na_san"], "Cầm Văn Bình"))
    client = login(intruder)
    for url in (
        f"/m/attempts/{attempt.id}",
        f"/m/attempts/{attempt.id}/result",
        f"/m/attempts/{attempt.id}/submit",
        f"/m/attempts/{attempt.id}/certificate",
        f"/m/api/attempts/{attempt.id}",
    ):
        assert client.get(url).status_code == 404, url
    reply = client.post(
        "/m/api/answers",
        json={
            "attempt": attempt.id,
            "question": attempt.items[0].question_id,
            "answer": 0,
            "seq": 1,
        },
    )
    assert reply.status_code == 404 and reply.json["error"] == "not_found"
    assert client.post(f"/m/attempts/{attempt.id}/submit").status_code == 404
    assert stored(attempt.id) == {}
    assert db.session.get(Attempt, attempt.id).state == AttemptState.IN_PROGRESS


def test_autosave_acknowledges_with_server_time_and_deadline(sit, frozen_clock):
    attempt = sit.start()
    qid = attempt.items[0].question_id
    reply = sit.save(attempt, qid, 2, 1, flagged=True)
    assert reply.status_code == 200
    body = reply.json
    assert (body["ok"], body["seq"], body["kept"]) == (True, 1, True)
    assert body["deadline_ms"] == int(attempt.deadline.timestamp() * 1000)
    assert body["server_time_ms"] == int(frozen_clock.now.timestamp() * 1000)
    assert stored(attempt.id)[qid] == (2, 1, True)


def test_autosave_retries_and_stale_saves_keep_the_newest_answer(sit):
    attempt = sit.start()
    qid = attempt.items[0].question_id
    sit.save(attempt, qid, 1, 3)
    assert sit.save(attempt, qid, 1, 3).json["kept"] is True
    stale = sit.save(attempt, qid, 0, 2).json
    assert (stale["kept"], stale["seq"]) == (False, 3)
    assert stored(attempt.id)[qid] == (1, 3, False)


def test_autosave_refuses_a_bad_answer_with_a_message(sit):
    attempt = sit.start()
    reply = sit.save(attempt, attempt.items[0].question_id, 9, 1)
    assert reply.status_code == 400 and reply.json["error"] == "bad_answer"
    assert "không hợp lệ" in reply.json["message"]


def test_autosave_after_deadline_and_grace_is_refused_and_finalises(sit):
    attempt = attempts.start_attempt(sit.quiz, sit.member, now_utc() - timedelta(hours=2))
    qid = attempt.items[0].question_id
    attempts.save_answer(attempt, qid, 0, 1, False, now_utc() - timedelta(hours=2))
    db.session.commit()
    reply = sit.save(attempt, qid, 1, 2)
    assert reply.status_code == 409
    assert reply.json["error"] == "too_late" and "Đã hết giờ" in reply.json["message"]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert (
        attempt.state == AttemptState.FINISHED_OVERDUE and attempt.finished_at == attempt.deadline
    )
    assert stored(attempt.id)[qid][:2] == (0, 1)


def test_autosave_after_submit_is_refused_and_changes_nothing(sit):
    attempt = sit.start()
    qid = attempt.items[0].question_id
    sit.save(attempt, qid, 0, 1)
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    reply = sit.save(attempt, qid, 3, 2)
    assert reply.status_code == 409 and reply.json["error"] == "finished"
    assert stored(attempt.id)[qid][:2] == (0, 1)


def test_autosave_without_login_says_so_in_json(client):
    reply = client.post("/m/api/answers", json={"attempt": 1, "question": 1, "answer": 0, "seq": 1})
    assert reply.status_code == 401 and reply.json["error"] == "login"


def test_state_json_returns_saved_answers_for_another_device(sit):
    attempt = sit.start()
    qid = attempt.items[3].question_id
    sit.save(attempt, qid, "Đoàn", 4)
    body = sit.client.get(f"/m/api/attempts/{attempt.id}").json
    assert body["answers"][str(qid)] == {"answer": "Đoàn", "seq": 4, "flagged": False}
    assert body["state"] == "in_progress"


def test_reloading_the_page_shows_saved_answers(sit):
    attempt = sit.start()
    single = attempt.items[0]
    short = next(i for i in attempt.items if i.question.qtype == "short")
    sit.save(attempt, single.question_id, 1, 1, flagged=True)
    sit.save(attempt, short.question_id, "Đoàn thanh niên", 1)
    html = page(sit.client.get(f"/m/attempts/{attempt.id}"))
    assert f'name="a{single.question_id}" value="1" checked' in html
    assert f'name="f{single.question_id}" value="1" checked' in html
    assert 'value="Đoàn thanh niên"' in html
    assert 'class="pal answered flagged"' in html


def test_plain_form_saves_changed_answers_without_javascript(sit):
    attempt = sit.start()
    single, multi = attempt.items[0], attempt.items[1]
    reply = sit.client.post(
        f"/m/attempts/{attempt.id}",
        data={
            "q": [str(single.question_id), str(multi.question_id)],
            f"a{single.question_id}": "2",
            f"a{multi.question_id}": ["0", "2"],
            f"f{multi.question_id}": "1",
            "action": "save",
        },
    )
    assert reply.status_code == 302
    saved = stored(attempt.id)
    assert saved[single.question_id] == (2, 1, False)
    assert saved[multi.question_id] == ([0, 2], 1, True)


def test_plain_form_submit_goes_to_a_confirmation_listing_unanswered(sit):
    attempt = sit.start()
    first = attempt.items[0]
    reply = sit.client.post(
        f"/m/attempts/{attempt.id}",
        data={"q": [str(first.question_id)], f"a{first.question_id}": "0", "action": "submit"},
    )
    assert reply.headers["Location"].endswith(f"/m/attempts/{attempt.id}/submit")
    html = page(sit.client.get(reply.headers["Location"]))
    assert "Bạn còn 9 câu chưa trả lời" in html
    assert "Câu 2" in html and "Câu 10" in html and ">Câu 1<" not in html
    assert db.session.get(Attempt, attempt.id).state == AttemptState.IN_PROGRESS


def test_submit_shows_the_result_with_score_and_pass(sit):
    attempt = sit.start()
    for qid, answer in right_answers(attempt).items():
        sit.save(attempt, qid, answer, 1)
    reply = sit.client.post(f"/m/attempts/{attempt.id}/submit", follow_redirects=True)
    html = page(reply)
    assert "Đã nộp bài." in html
    assert "100,0%" in html and "Đạt" in html and "Thời gian làm bài" in html
    assert "Giấy chứng nhận" in html


def test_submitting_twice_is_harmless(sit):
    attempt = sit.start()
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    reply = sit.client.post(f"/m/attempts/{attempt.id}/submit")
    assert reply.status_code == 302
    assert (
        db.session.scalar(select(Attempt.state).where(Attempt.id == attempt.id))
        == AttemptState.FINISHED
    )


def test_opening_an_overdue_attempt_finalises_it_and_shows_the_result(sit):
    attempt = attempts.start_attempt(sit.quiz, sit.member, now_utc() - timedelta(hours=3))
    db.session.commit()
    reply = sit.client.get(f"/m/attempts/{attempt.id}", follow_redirects=True)
    assert "Đã hết giờ: bài của bạn đã được nộp" in page(reply)
    assert db.session.get(Attempt, attempt.id).state == AttemptState.FINISHED_OVERDUE


def test_attempts_allowed_are_enforced_on_the_server(make, login):
    sit = Sitting(make, login, attempts_allowed=1)
    attempt = sit.start()
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    reply = sit.client.post(f"/m/quizzes/{sit.quiz.id}/start", follow_redirects=True)
    assert "hết số lượt làm bài" in page(reply)
    assert len(db.session.scalars(select(Attempt)).all()) == 1


def test_closed_quiz_cannot_be_started(make, login):
    sit = Sitting(
        make, login, opens_at=now_utc() - timedelta(days=3), closes_at=now_utc() - timedelta(days=1)
    )
    reply = sit.client.post(f"/m/quizzes/{sit.quiz.id}/start", follow_redirects=True)
    assert "Đợt kiểm tra đã đóng." in page(reply)


def test_history_lists_my_attempts(sit):
    attempt = sit.start()
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    html = page(sit.client.get("/m/history"))
    assert "Tìm hiểu Nghị quyết Đại hội Đoàn XII" in html and "Chưa đạt" in html


def test_prediction_guess_is_saved_by_autosave(make, login):
    sit = Sitting(make, login, prediction_question="Bao nhiêu đoàn viên tham gia?")
    attempt = sit.start()
    assert "Bao nhiêu đoàn viên tham gia?" in page(sit.client.get(f"/m/attempts/{attempt.id}"))
    assert sit.save(attempt, "prediction", "1.250", 1).status_code == 200
    assert db.session.scalar(select(Attempt.prediction_guess)) == 1250
