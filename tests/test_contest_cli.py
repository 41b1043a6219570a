"""`quizapp contest create|add-round|list` and `quizapp quiz ranking` from the command line."""

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Contest
from tests.contestkit import sit
from tests.timeline import DURING


def _round_with_results(make):
    tree = make.province()
    quiz = make.quiz(
        tree["province"],
        title="Tuần 1: Nghị quyết",
        prediction_question="Bao nhiêu người đúng hết?",
        prediction_answer=40,
    )
    chapter = tree["na_san"]
    sit(quiz, make.member(chapter, "Lò Văn Ánh", code="DV000001"), 90.0, guess=42, seconds=300)
    sit(
        quiz,
        make.member(chapter, '=HYPERLINK("x")', code="DV000002"),
        90.0,
        guess=None,
        seconds=100,
        at=DURING + timedelta(minutes=5),
    )
    sit(
        quiz,
        make.member(tree["moc_ly"], "Cầm Thị Bình", code="DV000003"),
        95.0,
        guess=1,
        seconds=900,
    )
    db.session.commit()
    return tree, quiz


def test_create_a_contest_add_rounds_and_list_them(runner, make):
    tree, quiz = _round_with_results(make)
    other = make.quiz(tree["na_san"], title="Đợt của chi đoàn")
    db.session.commit()
    result = runner.invoke(
        args=["contest", "create", "--title", "Tìm hiểu Nghị quyết Đại hội", "--audience", "SL"]
    )
    assert result.exit_code == 0, result.output
    contest = db.session.scalar(select(Contest))
    result = runner.invoke(
        args=[
            "contest",
            "add-round",
            str(contest.id),
            str(quiz.id),
            "--label",
            "Tuần 1",
            "--first",
            "1",
            "--second",
            "2",
            "--consolation",
            "5",
        ]
    )
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["contest", "add-round", str(contest.id), str(other.id)])
    assert refused.exit_code != 0
    assert "cùng đơn vị dự thi" in refused.output
    listing = runner.invoke(args=["contest", "list"])
    assert "Tìm hiểu Nghị quyết Đại hội" in listing.output
    assert "1. Tuần 1" in listing.output and "giải: 1/2/0/5" in listing.output
    assert "1 vòng" in listing.output


def test_unknown_unit_contest_or_quiz_is_a_clear_error(runner, make):
    _round_with_results(make)
    result = runner.invoke(args=["contest", "create", "--title", "X", "--audience", "KHONG"])
    assert result.exit_code != 0 and "Không có đơn vị mã 'KHONG'" in result.output
    result = runner.invoke(args=["contest", "add-round", "999", "1"])
    assert result.exit_code != 0 and "Không có cuộc thi số 999" in result.output
    assert "Không có đợt kiểm tra" in runner.invoke(args=["quiz", "ranking", "999"]).output


def test_ranking_prints_best_first(runner, make):
    _, quiz = _round_with_results(make)
    result = runner.invoke(args=["quiz", "ranking", str(quiz.id)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split("\t")[:3] == ["Hạng", "Mã đoàn viên", "Họ và tên"]
    assert [line.split("\t")[1] for line in lines[2:]] == ["DV000003", "DV000001", "DV000002"]
    assert lines[3].split("\t")[5:7] == ["42", "2"]  # guess and its distance from 40
    assert "tạm thời" not in result.output


def test_ranking_written_as_csv_and_xlsx_is_formula_safe(runner, make, tmp_path):
    _, quiz = _round_with_results(make)
    out = tmp_path / "xep-hang.csv"
    result = runner.invoke(args=["quiz", "ranking", str(quiz.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Hạng" and len(rows) == 4
    assert rows[3][2] == '\'=HYPERLINK("x")'
    out = tmp_path / "xep-hang.xlsx"
    assert runner.invoke(args=["quiz", "ranking", str(quiz.id), "--out", str(out)]).exit_code == 0
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[2]][:5] == [
        1,
        "DV000003",
        "Cầm Thị Bình",
        "Chi đoàn cơ sở Trường THPT Mộc Lỵ",
        95.0,
    ]
    assert sheet.cell(row=4, column=3).value == '\'=HYPERLINK("x")'
    assert sheet.cell(row=4, column=3).data_type == "s"


def test_ranking_refuses_another_file_type(runner, make, tmp_path):
    _, quiz = _round_with_results(make)
    result = runner.invoke(args=["quiz", "ranking", str(quiz.id), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and ".csv hoặc .xlsx" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_ranking_without_the_prediction_answer_says_it_is_provisional(runner, make):
    _, quiz = _round_with_results(make)
    quiz.prediction_answer = None
    db.session.commit()
    result = runner.invoke(args=["quiz", "ranking", str(quiz.id)])
    assert "tạm thời: chưa có đáp án câu dự đoán" in result.output.splitlines()[0]


def test_a_round_without_a_label_counts_on_from_the_last_round(runner, make):
    tree, quiz = _round_with_results(make)
    week2 = make.quiz(tree["province"], title="Tuần 2: Nghị quyết")
    db.session.commit()
    runner.invoke(args=["contest", "create", "--title", "Tìm hiểu Nghị quyết", "--audience", "SL"])
    contest = db.session.scalar(select(Contest))
    runner.invoke(args=["contest", "add-round", str(contest.id), str(quiz.id), "--label", "Tuần 1"])
    result = runner.invoke(args=["contest", "add-round", str(contest.id), str(week2.id)])
    assert result.exit_code == 0 and "Đã thêm Tuần 2:" in result.output
