"""What assistive technology relies on in the served HTML (issue 17): errors tied to their fields
with a focused summary, questions naming their inputs, Vietnamese content marked as such on the
English interface, and the save status no longer a live region."""

from __future__ import annotations

import re

from tests.conftest import TEST_PASSWORD


def test_wrong_sign_in_marks_the_field_and_focuses_a_summary_linking_to_it(client, make):
    make.user(member=make.member(make.unit("Chi đoàn Nà Sản"), "Lò Thị Mai", code="DV001"))
    page = client.post(
        "/auth/login", data={"login": "DV001", "password": "sai-" + TEST_PASSWORD}
    ).get_data(as_text=True)
    summary = re.search(
        r'<div class="flash flash-error error-summary"[^>]*>(.*?)</div>', page, re.S
    )
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert '<a href="#password">Tên đăng nhập hoặc mật khẩu không đúng.</a>' in summary.group(1)
    field = re.search(r'<input[^>]*id="password"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="password-err"' in field
    assert 'id="password-err"' in page


def test_unknown_certificate_code_marks_the_field_invalid(client):
    page = client.get("/m/verify?code=KHONGCO").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="code"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="code-err"' in field
    assert re.search(r'id="code-err"[^>]*>\s*<a href="#code">Không tìm thấy', page)


def test_quiz_inputs_are_named_by_their_question_and_content_is_marked_vietnamese(sit):
    sit.client.get("/?lang=en")
    page = sit.client.post(f"/m/quizzes/{sit.quiz.id}/start", follow_redirects=True).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    assert re.search(r'<h1 class="quiz-title" lang="vi">', page)
    for qid in re.findall(r'<input type="text" id="a(\d+)"', page):
        field = re.search(rf'<input type="text" id="a{qid}"[^>]*>', page).group(0)
        assert f'aria-labelledby="stem{qid} label{qid}"' in field
        assert re.search(rf'<div class="stem" id="stem{qid}" lang="vi">', page)
    # Saving is not announced each time; failures and network changes go to a separate region.
    assert 'id="save-status" class="save-status">' in page
    assert '<p id="net-alert" class="sr-only" role="status"></p>' in page
