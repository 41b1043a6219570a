"""After the attempt: review by policy, certificates and their public verification."""

from datetime import timedelta

import pytest

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.services.attempts import lifecycle as attempts
from tests.quizkit import Sitting, right_answers


def page(reply):
    return reply.get_data(as_text=True)


def finished(sit, right=True):
    """Start, answer (all right or all blank) and submit; returns the attempt."""
    attempt = sit.start()
    if right:
        for qid, answer in right_answers(attempt).items():
            sit.save(attempt, qid, answer, 1)
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    db.session.expire_all()
    return attempt


@pytest.mark.parametrize(
    "policy,shows_key,shows_explanation",
    [
        ("score_only", False, False),
        ("correct_answers", True, False),
        ("explanations", True, True),
    ],
)
def test_review_shows_what_the_policy_allows(make, login, policy, shows_key, shows_explanation):
    sit = Sitting(make, login, review_policy=policy, attempts_allowed=1)
    attempt = finished(sit, right=False)
    html = page(sit.client.get(f"/m/attempts/{attempt.id}/result"))
    assert "0,0%" in html and "Chưa đạt" in html
    assert ("Đoàn Thanh niên Cộng sản Hồ Chí Minh" in html) is shows_key
    assert ("Giải thích BÍ MẬT" in html) is shows_explanation
    assert ("Nguồn BÍ MẬT" in html) is shows_explanation


def test_after_close_review_waits_for_the_close(make, login):
    sit = Sitting(make, login, review_policy="after_close")
    attempt = finished(sit)
    html = page(sit.client.get(f"/m/attempts/{attempt.id}/result"))
    assert "sau khi đợt kiểm tra đóng" in html and "BÍ MẬT" not in html
    sit.quiz.closed_early_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    assert "Giải thích BÍ MẬT" in page(sit.client.get(f"/m/attempts/{attempt.id}/result"))


def test_key_waits_while_the_member_still_has_an_attempt_to_use(make, login):
    sit = Sitting(make, login, review_policy="explanations", attempts_allowed=2)
    first = finished(sit, right=False)
    html = page(sit.client.get(f"/m/attempts/{first.id}/result"))
    assert "vẫn còn lượt làm bài" in html
    assert "Đoàn Thanh niên Cộng sản Hồ Chí Minh" not in html and "BÍ MẬT" not in html
    second = finished(sit, right=False)
    html = page(sit.client.get(f"/m/attempts/{second.id}/result"))
    assert "Giải thích BÍ MẬT" in html


def test_review_marks_each_question_right_or_wrong(make, login):
    sit = Sitting(make, login, attempts_allowed=1)
    attempt = sit.start()
    single = attempt.items[0]
    sit.save(attempt, single.question_id, 0, 1)  # right
    sit.save(
        attempt, attempt.items[1].question_id, [0], 1
    )  # half of a multiple (all-or-nothing: wrong)
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    html = page(sit.client.get(f"/m/attempts/{attempt.id}/result"))
    assert html.count("review-right") == 1 and html.count("review-wrong") == 9
    assert "bạn chọn" in html


def test_result_of_an_attempt_in_progress_goes_back_to_the_quiz(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    reply = sit.client.get(f"/m/attempts/{attempt.id}/result")
    assert reply.headers["Location"].endswith(f"/m/attempts/{attempt.id}")


def test_certificate_of_a_passed_attempt_states_name_unit_quiz_score_and_code(make, login):
    sit = Sitting(make, login)
    attempt = finished(sit)
    html = page(sit.client.get(f"/m/attempts/{attempt.id}/certificate"))
    code = attempt.certificate_code
    assert "GIẤY CHỨNG NHẬN" in html and "Lò Thị Mai" in html and "Chi đoàn bản Nà Sản" in html
    assert "Tìm hiểu Nghị quyết Đại hội Đoàn XII" in html and "100,0%" in html
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in html and "/m/verify" in html


def test_no_certificate_for_a_failed_attempt(make, login):
    sit = Sitting(make, login)
    attempt = finished(sit, right=False)
    assert sit.client.get(f"/m/attempts/{attempt.id}/certificate").status_code == 404


def test_verification_page_confirms_a_code_without_login(make, login, app):
    sit = Sitting(make, login)
    attempt = finished(sit)
    code = attempt.certificate_code
    anonymous = app.test_client()
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    html = page(anonymous.get("/m/verify", query_string={"code": typed}))
    assert "Giấy chứng nhận hợp lệ." in html and "Lò Thị Mai" in html


def test_verification_page_says_when_a_code_is_unknown(client):
    html = page(client.get("/m/verify", query_string={"code": "ABCD-EFGH-JKMN"}))
    assert "Không tìm thấy giấy chứng nhận" in html


def test_regraded_certificate_that_no_longer_passes_is_shown_invalid(make, login, app):
    sit = Sitting(make, login)
    attempt = finished(sit)
    attempt.passed = False
    db.session.commit()
    html = page(app.test_client().get("/m/verify", query_string={"code": attempt.certificate_code}))
    assert "không còn hiệu lực" in html


def test_history_links_the_certificate(make, login):
    sit = Sitting(make, login)
    attempt = finished(sit)
    html = page(sit.client.get("/m/history"))
    assert f"/m/attempts/{attempt.id}/certificate" in html


def test_retake_button_when_attempts_remain(make, login):
    sit = Sitting(make, login, attempts_allowed=2)
    attempt = finished(sit, right=False)
    html = page(sit.client.get(f"/m/attempts/{attempt.id}/result"))
    assert "Làm lại" in html
    attempts.submit_attempt(sit.start(), now_utc())
    db.session.commit()
    assert "Làm lại" not in page(sit.client.get(f"/m/attempts/{attempt.id}/result"))


def test_review_shows_readable_sources_with_links_and_how_a_number_was_read(make, login):
    source = (
        "Bài báo nguồn (000_c20b067efb3ef73d.txt) «Chủ động xây dựng sớm», 29/11/2023 | "
        "Bảng dữ kiện, mục 1 «Thông tin chung về Đại hội» — https://baodantoc.vn/khai-mac.htm"
    )
    uids = [
        f"{t}-{kind}"
        for t in (0, 1)
        for kind in ("single", "multiple", "true_false", "short", "numeric")
    ]
    edits = {uid: {"source": source} for uid in uids}
    for uid in ("0-numeric", "1-numeric"):
        edits[uid]["answer"] = {"value": 700000, "tolerance": 0}
    sit = Sitting(
        make,
        login,
        review_policy="explanations",
        attempts_allowed=1,
        version=make.bank(edits=edits),
    )
    attempt = sit.start()
    numeric = next(i for i in attempt.items if i.question.qtype == "numeric")
    sit.save(attempt, numeric.question_id, "700.000", 1)
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    html = page(sit.client.get(f"/m/attempts/{attempt.id}/result"))
    assert "000_c20b067efb3ef73d.txt" not in html
    assert (
        '<a href="https://baodantoc.vn/khai-mac.htm" rel="noopener noreferrer">«Thông tin chung về Đại hội»</a>'
        in html
    )
    assert "«Chủ động xây dựng sớm», 29/11/2023" in html
    assert '700.000</strong> <span class="number-reading">= 700\u00a0000</span>' in html
