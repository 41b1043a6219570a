"""The console's ranking and prize list of a round, and its CSV/XLSX downloads."""

import csv
import io

from openpyxl import load_workbook

from quizapp.extensions import db
from quizapp.services.contests import rounds
from tests.contestkit import sit
from tests.timeline import BEFORE


def _round(make, roles, **quiz):
    tree = roles["tree"]
    quiz = make.quiz(tree["mai_son"], title="Tuần 1", **quiz)
    contest = rounds.create_contest("Tìm hiểu Nghị quyết", tree["mai_son"], BEFORE)
    rounds.add_round(contest, quiz, "Tuần 1", first=1, second=1)
    chapter = tree["na_san"]
    sit(quiz, make.member(chapter, "Lò Văn Ánh", code="DV100001"), 90.0, seconds=300)
    sit(quiz, make.member(chapter, "Cầm Thị Bình", code="DV100002"), 90.0, seconds=300)
    sit(quiz, make.member(chapter, "@SUM(A1)", code="DV100003"), 50.0, seconds=30)
    db.session.commit()
    return quiz


def test_organiser_sees_the_ranking_with_ties_and_the_prizes_left_to_settle(
    make, roles, login, console
):
    quiz = _round(make, roles)
    page = login(roles["users"]["organiser"]).get(f"/org/quizzes/{quiz.id}/ranking")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Tìm hiểu Nghị quyết, Tuần 1" in text
    assert text.count("đồng hạng</span>") == 2
    assert "Đồng hạng, cần quyết định:</span> Giải nhất / Giải nhì" in text
    assert "DV100003" in text and "tạm thời" not in text


def test_without_the_prediction_answer_the_page_says_provisional(make, roles, login, console):
    quiz = _round(make, roles, prediction_question="Bao nhiêu người tham gia?")
    text = (
        login(roles["users"]["organiser"])
        .get(f"/org/quizzes/{quiz.id}/ranking")
        .get_data(as_text=True)
    )
    assert "Xếp hạng tạm thời: chưa nhập đáp án câu hỏi dự đoán." in text


def test_ranking_downloads_are_formula_safe(make, roles, login, console):
    quiz = _round(make, roles)
    client = login(roles["users"]["organiser"])
    reply = client.get(f"/org/quizzes/{quiz.id}/ranking.csv")
    assert reply.status_code == 200 and reply.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Hạng", "Mã đoàn viên", "Họ và tên"]
    assert [r[0] for r in rows[1:]] == ["1 (đồng hạng)", "1 (đồng hạng)", "3"]
    assert rows[3][2] == "'@SUM(A1)"
    reply = client.get(f"/org/quizzes/{quiz.id}/ranking.xlsx")
    sheet = load_workbook(io.BytesIO(reply.data)).active
    assert sheet.cell(row=4, column=3).value == "'@SUM(A1)"
    assert client.get(f"/org/quizzes/{quiz.id}/ranking.pdf").status_code == 404


def test_the_quiz_page_links_to_its_ranking(make, roles, login, console):
    quiz = _round(make, roles)
    text = login(roles["users"]["organiser"]).get(f"/org/quizzes/{quiz.id}").get_data(as_text=True)
    assert f"/org/quizzes/{quiz.id}/ranking" in text


def test_the_prize_list_downloads_with_open_ties_said_and_formula_safe(make, roles, login, console):
    quiz = _round(make, roles)
    rounds.round_of(quiz).third_prizes = 1
    db.session.commit()
    client = login(roles["users"]["organiser"])
    page = client.get(f"/org/quizzes/{quiz.id}/ranking").get_data(as_text=True)
    assert f"/org/quizzes/{quiz.id}/prizes.xlsx" in page
    reply = client.get(f"/org/quizzes/{quiz.id}/prizes.csv")
    assert reply.status_code == 200 and reply.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Giải", "Hạng", "Mã đoàn viên", "Họ và tên"]
    tie = "Đồng hạng, cần quyết định: Giải nhất / Giải nhì"
    # equal after every rule: listed in sign-up order (member id), the prize left to the organisers
    assert [(r[0], r[3]) for r in rows[1:]] == [
        (tie, "Lò Văn Ánh"),
        (tie, "Cầm Thị Bình"),
        ("Giải ba", "'@SUM(A1)"),
    ]
    sheet = load_workbook(io.BytesIO(client.get(f"/org/quizzes/{quiz.id}/prizes.xlsx").data)).active
    assert sheet.cell(row=4, column=1).value == "Giải ba"
    assert sheet.cell(row=4, column=4).value == "'@SUM(A1)"
    outside = make.quiz(roles["tree"]["mai_son"], title="Không thuộc cuộc thi")
    db.session.commit()
    assert client.get(f"/org/quizzes/{outside.id}/prizes.csv").status_code == 404
