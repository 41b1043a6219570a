"""Importing banks as immutable versions; export, diff and search on stored versions."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Bank, BankVersion, Question
from quizapp.services.banks import (
    diff_versions,
    export_version,
    import_bank,
    load_bank_file,
    search_questions,
)
from quizapp.services.banks.guard import ImmutableVersionError

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 8, 8, 0, tzinfo=UTC)
EXAMPLE = Path(__file__).parent.parent / "question_banks" / "examples" / "vi-du.yaml"


def example(edit=lambda text: text):
    return load_bank_file(EXAMPLE.name, edit(EXAMPLE.read_text("utf-8")).encode("utf-8"))


def test_first_import_creates_version_one_with_every_question(app):
    result = import_bank(example(), now=NOW)
    assert result.created and result.version.number == 1
    assert result.version.bank.slug == "vi-du-dinh-dang"
    assert [q.uid for q in result.version.questions] == [
        "vd-001",
        "vd-002",
        "vd-003",
        "vd-004",
        "vd-005",
        "vd-006",
    ]
    assert result.version.question_count == 6 and len(result.version.checksum) == 64


def test_importing_identical_content_is_a_no_op_that_says_so(app):
    first = import_bank(example(), now=NOW)
    again = import_bank(example(), now=LATER)
    assert not again.created and again.version.id == first.version.id
    assert "giống hệt phiên bản 1" in again.message
    assert db.session.scalar(select(func.count()).select_from(BankVersion)) == 1


def test_same_bank_from_another_format_is_recognised_as_identical(app):
    first = import_bank(example(), now=NOW)
    gift = export_version(first.version, "gift")
    again = import_bank(load_bank_file("vi-du.gift", gift), now=LATER)
    assert not again.created


def test_changed_content_creates_the_next_version_and_keeps_the_old_one(app):
    first = import_bank(example(), now=NOW)
    db.session.commit()
    old_stem = first.version.questions[0].stem
    second = import_bank(
        example(lambda t: t.replace("diễn ra vào năm nào?", "họp năm nào?")), now=LATER
    )
    db.session.commit()
    assert second.created and second.version.number == 2
    db.session.expire_all()
    assert db.session.get(BankVersion, first.version.id).questions[0].stem == old_stem


def test_a_stored_version_cannot_be_changed(app):
    version = import_bank(example(), now=NOW).version
    db.session.commit()
    version.questions[0].stem = "Sửa lén"
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()


def test_slug_option_overrides_the_file(app):
    result = import_bank(example(), slug="ngan-hang-khac", now=NOW)
    assert result.version.bank.slug == "ngan-hang-khac"


def test_slug_defaults_to_the_file_name_without_diacritics(app):
    parsed = load_bank_file("Câu hỏi Đại hội.gift", "// @source: S\nCâu?{T}".encode())
    assert import_bank(parsed, now=NOW).version.bank.slug == "cau-hoi-dai-hoi"


def test_yaml_export_of_an_imported_file_is_identical(app):
    version = import_bank(example(), now=NOW).version
    assert export_version(version, "yaml") == EXAMPLE.read_bytes()


@pytest.mark.parametrize("fmt", ["gift", "xlsx", "csv"])
def test_export_reimports_to_an_equal_bank(app, fmt):
    version = import_bank(example(), now=NOW).version
    again = load_bank_file(f"vi-du.{fmt}", export_version(version, fmt))
    assert again.errors == []
    expected = example()
    if fmt == "csv":  # CSV has no bank information sheet
        again.title, again.description, again.multiple_scoring = (
            expected.title,
            expected.description,
            expected.multiple_scoring,
        )
    assert again.content() == expected.content()


def test_diff_lists_added_changed_and_removed_by_uid(app):
    first = import_bank(example(), now=NOW).version

    def edit(text):
        text = text.replace("answer: B\n", "answer: C\n", 1)  # vd-001's key changes
        start = text.index("      - id: vd-005")
        end = text.index("      - id: vd-006")
        text = text[:start] + text[end:]  # vd-005 removed
        return text.replace("id: vd-006", "id: vd-007")  # vd-006 renamed: removed + added

    second = import_bank(example(edit), now=LATER).version
    diff = diff_versions(first, second)
    assert [q.uid for q in diff.added] == ["vd-007"]
    assert [q.uid for q in diff.removed] == ["vd-005", "vd-006"]
    assert [(c.uid, c.fields, c.key_changed) for c in diff.changed] == [
        ("vd-001", ["answer"], True)
    ]
    assert diff.unchanged == 3


def test_search_ignores_diacritics_and_case(app):
    version = import_bank(example(), now=NOW).version
    assert [q.uid for q in search_questions(version, "DAI hoi lan thu MAY")] == ["vd-005"]
    assert [q.uid for q in search_questions(version, "thanh nien cong san")] == ["vd-004"]
    assert search_questions(version, "không có từ này") == []


def test_imported_by_and_time_are_recorded(app, make):
    user = make.user("bantuyengiao")
    version = import_bank(example(), imported_by=user, now=NOW).version
    assert version.imported_by_id == user.id and version.imported_at == NOW
    assert db.session.scalar(select(func.count()).select_from(Question)) == 6
    assert db.session.scalar(select(Bank.title)) == "Ví dụ định dạng YAML"
