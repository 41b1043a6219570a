"""The `quizapp bank` commands."""

from pathlib import Path

from quizapp.extensions import db
from quizapp.models import BankVersion

EXAMPLE = Path(__file__).parent.parent / "question_banks" / "examples" / "vi-du.yaml"


def test_check_summarises_per_topic_and_type(runner):
    result = runner.invoke(args=["bank", "check", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "6 câu hỏi trong 2 chủ đề" in result.output
    assert "1. Đại hội Đoàn toàn quốc: 2 (một đáp án: 1, nhiều đáp án: 1)" in result.output
    assert "0 lỗi, 0 cảnh báo." in result.output


def test_check_lists_errors_with_places_and_fails(runner, tmp_path):
    bad = tmp_path / "loi.gift"
    bad.write_text("Câu?{=a =b ~c}\n\nGhép {=a -> 1 =b -> 2}\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "check", str(bad)])
    assert result.exit_code == 1
    assert "LỖI dòng 1:" in result.output and "LỖI dòng 3:" in result.output


def test_import_then_import_again_is_a_no_op(runner):
    first = runner.invoke(args=["bank", "import", str(EXAMPLE)])
    second = runner.invoke(args=["bank", "import", str(EXAMPLE)])
    assert "phiên bản 1" in first.output and "giống hệt" in second.output
    assert db.session.query(BankVersion).count() == 1


def test_import_with_errors_writes_nothing(runner, tmp_path):
    bad = tmp_path / "loi.gift"
    bad.write_text("Viết cảm nghĩ {}\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(bad)])
    assert result.exit_code != 0 and "Chưa nhập gì" in result.output
    assert db.session.query(BankVersion).count() == 0


def test_export_yaml_to_stdout_and_xlsx_to_file(runner, tmp_path):
    runner.invoke(args=["bank", "import", str(EXAMPLE), "--slug", "vd"])
    result = runner.invoke(args=["bank", "export", "vd", "--format", "yaml"])
    assert result.output.encode("utf-8") == EXAMPLE.read_bytes().replace(
        b"slug: vi-du-dinh-dang", b"slug: vd"
    )
    out = tmp_path / "vd.xlsx"
    result = runner.invoke(
        args=["bank", "export", "vd", "--version", "1", "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0 and out.read_bytes().startswith(b"PK")


def test_list_shows_banks_with_their_newest_version(runner):
    runner.invoke(args=["bank", "import", str(EXAMPLE)])
    result = runner.invoke(args=["bank", "list"])
    assert "vi-du-dinh-dang — Ví dụ định dạng YAML: phiên bản 1, 6 câu" in result.output


def test_export_of_unknown_bank_says_so(runner):
    result = runner.invoke(args=["bank", "export", "khong-co", "--format", "gift"])
    assert result.exit_code != 0 and "Không có ngân hàng «khong-co»" in result.output


def test_check_names_a_question_of_unknown_type_instead_of_none(runner, tmp_path):
    """Issue 18 item 10: the per-topic summary printed «None» for a question whose type failed."""
    bad = tmp_path / "bad.gift"
    bad.write_text(
        "// @source: S\nChỉ là mô tả, không có đáp án\n\n// @source: S\nThủ đô? {=Hà Nội ~Huế}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["bank", "check", str(bad)])
    assert "None" not in result.output and "chưa rõ loại: 1" in result.output
