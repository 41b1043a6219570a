"""Quizzes in the console: one form that checks everything, edit, duplicate, preview, close early,
extra time or attempts, reopening — all scoped to the organiser's subtree and audited."""

from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import AuditEntry, Quiz, QuizAllowance
from quizapp.services.attempts import lifecycle as attempts
from tests.organiser_kit import NOW, audit_actions, errors_of, switch_user, text_of
from tests.quizkit import make_quiz


def _form(version, audience, **overrides):
    data = {
        "title": "Tìm hiểu Nghị quyết XII — đợt 1",
        "description": "",
        "bank_version": version.id,
        "audience": audience.id,
        "opens_at": "2025-03-03T08:00",
        "closes_at": "2025-03-10T22:00",
        "time_limit_minutes": "30",
        "draw_mode": "all",
        "shuffle_questions": "y",
        "shuffle_options": "y",
        "attempts_allowed": "2",
        "grading_policy": "highest",
        "pass_mark": "50",
        "review_policy": "explanations",
        "target_rate": "90",
        "target_date": "2025-03-10",
    }
    data.update(overrides)
    return data


def _quizzes():
    db.session.expire_all()
    return list(db.session.scalars(db.select(Quiz).order_by(Quiz.id)))


def test_organiser_creates_a_quiz_for_a_district(roles, make, login, console):
    version = make.bank()
    client = login(roles["users"]["organiser"])
    reply = client.post("/org/quizzes/new", data=_form(version, roles["tree"]["mai_son"]))
    assert reply.status_code == 302
    [quiz] = _quizzes()
    assert (quiz.audience_unit_id, quiz.time_limit_seconds, quiz.attempts_allowed) == (
        roles["tree"]["mai_son"].id,
        1800,
        2,
    )
    assert quiz.opens_at.isoformat() == "2025-03-03T01:00:00+00:00"  # 08:00 in Hà Nội
    assert audit_actions() == ["quiz.create"]


def test_every_mistake_is_shown_next_to_its_field_in_vietnamese(roles, make, login, console):
    version = make.bank()
    client = login(roles["users"]["organiser"])
    reply = client.post(
        "/org/quizzes/new",
        data=_form(
            version,
            roles["tree"]["mai_son"],
            closes_at="2025-03-02T08:00",
            pass_mark="150",
            draw_mode="total",
            draw_total="99",
            target_rate="0",
        ),
    )
    assert reply.status_code == 400
    errors = errors_of(reply)
    assert "Thời điểm đóng phải sau thời điểm mở." in errors
    assert "Điểm đạt phải từ 0 đến 100 (%)." in errors
    assert "Cần rút 99 câu nhưng phiên bản ngân hàng chỉ có 10 câu." in errors
    assert any("Chỉ tiêu tham gia" in e for e in errors)
    assert _quizzes() == []


def test_per_topic_rules_the_version_cannot_satisfy_are_refused(roles, make, login, console):
    version = make.bank()
    reply = login(roles["users"]["organiser"]).post(
        "/org/quizzes/new",
        data=_form(
            version,
            roles["tree"]["mai_son"],
            draw_mode="custom",
            draw_custom="Chủ đề A = 9\nChủ đề Z = 1",
        ),
    )
    [error] = errors_of(reply)
    assert "chủ đề 'Chủ đề A' chỉ có 5 câu" in error and "không có chủ đề 'Chủ đề Z'" in error


def test_a_malformed_per_topic_line_names_the_line(roles, make, login, console):
    version = make.bank()
    reply = login(roles["users"]["organiser"]).post(
        "/org/quizzes/new",
        data=_form(
            version,
            roles["tree"]["mai_son"],
            draw_mode="custom",
            draw_custom="Chủ đề A = 2\nChủ đề B: ba",
        ),
    )
    assert errors_of(reply) == ["Dòng 2 chưa đúng dạng «tên chủ đề = số câu»: Chủ đề B: ba"]


def test_words_where_numbers_belong_are_refused_in_vietnamese(roles, make, login, console):
    version = make.bank()
    reply = login(roles["users"]["organiser"]).post(
        "/org/quizzes/new",
        data=_form(
            version, roles["tree"]["mai_son"], time_limit_minutes="ba mươi", opens_at="thứ hai"
        ),
    )
    errors = errors_of(reply)
    assert "Hãy nhập một số nguyên, ví dụ 30." in errors
    assert "Hãy nhập ngày và giờ, ví dụ 2024-03-26 07:30." in errors


def test_audience_outside_the_subtree_is_refused_and_not_offered(
    roles, make, outside, login, console
):
    version = make.bank()
    client = login(roles["users"]["organiser"])
    assert "Tỉnh đoàn Lai Châu" not in text_of(client.get("/org/quizzes/new"))
    reply = client.post("/org/quizzes/new", data=_form(version, outside["province"]))
    assert "Chỉ chọn được đơn vị thuộc phạm vi của bạn." in errors_of(reply)
    assert _quizzes() == []


def test_edit_changes_settings_and_keeps_before_and_after(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    db.session.commit()
    client = login(roles["users"]["organiser"])
    assert "Tìm hiểu Nghị quyết Đại hội Đoàn XII" in text_of(
        client.get(f"/org/quizzes/{quiz.id}/edit")
    )
    client.post(
        f"/org/quizzes/{quiz.id}/edit",
        data=_form(quiz.bank_version, quiz.audience_unit, pass_mark="70"),
    )
    assert _quizzes()[0].pass_mark == 70
    entry = db.session.scalar(db.select(AuditEntry))
    assert (entry.action, entry.before["pass_mark"], entry.after["pass_mark"]) == (
        "quiz.update",
        50.0,
        70.0,
    )


def test_quiz_of_another_province_cannot_be_seen_or_changed(roles, make, outside, login, console):
    quiz = make_quiz(make, outside["district"], title="Đợt riêng của Lai Châu")
    db.session.commit()
    client = login(roles["users"]["organiser"])
    assert "Đợt riêng của Lai Châu" not in text_of(client.get("/org/quizzes"))
    for url in (
        f"/org/quizzes/{quiz.id}",
        f"/org/quizzes/{quiz.id}/edit",
        f"/org/quizzes/{quiz.id}/preview",
    ):
        reply = client.get(url)
        assert reply.status_code == 403 and "Lai Châu" not in text_of(reply)
    assert client.post(f"/org/quizzes/{quiz.id}/close", data={"confirm": "1"}).status_code == 403
    assert _quizzes()[0].closed_early_at is None


def test_duplicate_copies_the_settings_and_opens_the_copy_for_editing(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/quizzes/{quiz.id}/duplicate", data={"title": "Đợt 2"}
    )
    original, copy = _quizzes()
    assert reply.headers["Location"].endswith(f"/org/quizzes/{copy.id}/edit")
    assert (copy.title, copy.bank_version_id, copy.audience_unit_id) == (
        "Đợt 2",
        original.bank_version_id,
        original.audience_unit_id,
    )


def test_preview_shows_the_questions_as_members_see_them_without_the_key(
    roles, make, login, console
):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    db.session.commit()
    client = login(roles["users"]["organiser"])
    page = text_of(client.get(f"/org/quizzes/{quiz.id}/preview"))
    assert (
        "Thủ đô của Việt Nam là thành phố nào?" in page
        and "Chọn <strong>các</strong> số chẵn." in page
    )
    assert "BÍ MẬT" not in page and "is-key" not in page
    assert "BÍ MẬT" in text_of(client.get(f"/org/quizzes/{quiz.id}/preview?key=1"))


def test_close_early_asks_then_closes_now(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    db.session.commit()
    client = login(roles["users"]["organiser"])
    assert "không hoàn tác được" in text_of(client.get(f"/org/quizzes/{quiz.id}/close"))
    assert _quizzes()[0].closed_early_at is None
    client.post(f"/org/quizzes/{quiz.id}/close", data={"confirm": "1"})
    assert _quizzes()[0].closed_early_at == NOW
    assert audit_actions() == ["quiz.close_early"]


def _finished_attempt(quiz, member):
    attempt = attempts.start_attempt(quiz, member, NOW - timedelta(hours=1), seed=1)
    attempts.submit_attempt(attempt, NOW - timedelta(minutes=50))
    db.session.commit()
    return attempt


def test_extra_time_and_attempts_for_one_member(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    db.session.commit()
    member = roles["member"]
    client = login(roles["users"]["organiser"])
    reply = client.get(f"/org/quizzes/{quiz.id}/lookup", query_string={"code": member.code})
    assert reply.headers["Location"].endswith(f"/org/quizzes/{quiz.id}/members/{member.id}")
    client.post(
        f"/org/quizzes/{quiz.id}/members/{member.id}/allowance",
        data={"extra_minutes": "15", "extra_attempts": "1"},
    )
    allowance = db.session.scalar(db.select(QuizAllowance))
    assert (allowance.extra_seconds, allowance.extra_attempts) == (900, 1)
    assert audit_actions() == ["allowance.set"]


def test_negative_extra_time_is_refused_next_to_the_field(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    db.session.commit()
    member = roles["member"]
    reply = login(roles["users"]["organiser"]).post(
        f"/org/quizzes/{quiz.id}/members/{member.id}/allowance",
        data={"extra_minutes": "-5", "extra_attempts": "0"},
    )
    assert reply.status_code == 400
    assert "Số phút cộng thêm từ 0 đến 720." in errors_of(reply)
    assert db.session.scalar(db.select(QuizAllowance)) is None


def test_lookup_of_a_member_outside_the_audience_says_so(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["moc_chau"])
    db.session.commit()
    reply = login(roles["users"]["organiser"]).get(
        f"/org/quizzes/{quiz.id}/lookup", query_string={"code": roles["member"].code}
    )
    assert f"Không có đoàn viên mã {roles['member'].code} trong đơn vị dự thi." in errors_of(reply)


def test_reopen_lets_the_member_continue_a_finalised_attempt(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    attempt = _finished_attempt(quiz, roles["member"])
    client = login(roles["users"]["organiser"])
    page = text_of(client.get(f"/org/quizzes/{quiz.id}/members/{roles['member'].id}"))
    assert "Mở lại lượt này" in page
    client.post(f"/org/quizzes/{quiz.id}/attempts/{attempt.id}/reopen", data={"minutes": "10"})
    db.session.expire_all()
    attempt = db.session.get(type(attempt), attempt.id)
    assert (attempt.state, attempt.deadline) == ("in_progress", NOW + timedelta(minutes=10))
    assert audit_actions() == ["attempt.reopen"]


def test_a_district_organiser_cannot_adjust_a_province_quiz(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["province"])
    attempt = _finished_attempt(quiz, roles["member"])
    district = make.user("bantuyengiao.maison", grants=[("organiser", roles["tree"]["mai_son"])])
    client = switch_user(login, district)
    assert (
        client.post(
            f"/org/quizzes/{quiz.id}/attempts/{attempt.id}/reopen", data={"minutes": "10"}
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(type(attempt), attempt.id).state == "finished"


def test_after_the_first_attempt_the_audience_and_bank_cannot_change(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    _finished_attempt(quiz, roles["member"])
    other_bank = make.bank(slug="khac")
    db.session.commit()
    client = login(roles["users"]["organiser"])
    page = text_of(client.get(f"/org/quizzes/{quiz.id}/edit"))
    assert "Bộ câu hỏi khac" not in page and "Huyện đoàn Mộc Châu" not in page
    reply = client.post(
        f"/org/quizzes/{quiz.id}/edit", data=_form(other_bank, roles["tree"]["moc_chau"])
    )
    errors = errors_of(reply)
    assert "Đã có người làm bài: không được đổi đơn vị dự thi." in errors
    assert "Đã có người làm bài: chỉ được chuyển sang phiên bản khác của cùng ngân hàng." in errors
    assert _quizzes()[0].audience_unit_id == roles["tree"]["mai_son"].id


def _attempt_answering_option_1_of_the_first_single(quiz, member):
    attempt = attempts.start_attempt(quiz, member, NOW - timedelta(hours=1), seed=1)
    single = next(i.question for i in attempt.items if i.question.uid == "0-single")
    attempts.save_answer(attempt, single.id, 1, 1, False, NOW - timedelta(minutes=55))
    attempts.submit_attempt(attempt, NOW - timedelta(minutes=50))
    db.session.commit()
    return attempt


def test_regrade_shows_what_would_change_then_rescores_on_confirm(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    attempt = _attempt_answering_option_1_of_the_first_single(quiz, roles["member"])
    old_score = attempt.score
    make.bank(keys={"0-single": {"correct": [1]}})  # version 2 corrects the key
    db.session.commit()
    client = login(roles["users"]["organiser"])
    assert "Chấm lại theo phiên bản đã sửa" in text_of(client.get(f"/org/quizzes/{quiz.id}"))
    page = text_of(client.get(f"/org/quizzes/{quiz.id}/regrade"))
    assert "0-single" in page and roles["member"].code in page
    db.session.expire_all()
    assert db.session.get(type(attempt), attempt.id).score == old_score
    client.post(f"/org/quizzes/{quiz.id}/regrade", data={"version": "2", "changes": "1"})
    db.session.expire_all()
    regraded = db.session.get(type(attempt), attempt.id)
    assert (regraded.score, regraded.previous_score) == (old_score + 1, old_score)
    assert audit_actions() == ["quiz.regrade"]


def test_regrade_is_refused_when_the_outcome_changed_since_the_preview(roles, make, login, console):
    quiz = make_quiz(make, roles["tree"]["mai_son"])
    attempt = _attempt_answering_option_1_of_the_first_single(quiz, roles["member"])
    make.bank(keys={"0-single": {"correct": [1]}})
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/quizzes/{quiz.id}/regrade", data={"version": "2", "changes": "0"}
    )
    assert "/regrade" in reply.headers["Location"]
    db.session.expire_all()
    assert db.session.get(type(attempt), attempt.id).previous_score is None
