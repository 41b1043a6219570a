"""`bank check` teaches item writing: one small faulty file per kind of warning, the shipped banks
check cleanly, and the real bank keeps the balance the review asked for."""

import io
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from quizapp import ROOT
from quizapp.extensions import db
from quizapp.models import Bank
from quizapp.services.banks import load_bank_file
from quizapp.services.banks.lint import add_lint_warnings, lint_bank
from tests.organiser_kit import console, text_of  # noqa: F401

FAULTY = Path(__file__).parent / "bank_lint"
BANKS = ROOT / "question_banks"
REAL = BANKS / "nghi-quyet-dai-hoi-doan-xii.yaml"


def _lint(name: str):
    path = FAULTY / name
    bank = load_bank_file(path.name, path.read_bytes())
    assert bank.errors == []  # every fixture is a valid bank: the faults are only in the writing
    return lint_bank(bank)


def _places_and_texts(warnings):
    return [(str(w.location), w.message) for w in warnings]


# (file, [(place, a phrase of the Vietnamese message, a phrase of the English message)])
CASES = [
    (
        "long-key.yaml",
        [("dòng 13", "Đáp án đúng C dài 85 ký tự", "The correct option C is 85 characters")],
    ),
    (
        "catch-all.yaml",
        [
            (
                "dòng 14",
                "Phương án D («Tất cả các đáp án trên»)",
                "Option D (“Tất cả các đáp án trên”)",
            ),
            ("dòng 22", "Phương án B («Cả A, B, C»)", "Option B (“Cả A, B, C”)"),
            (
                "dòng 23",
                "Phương án C («Không có đáp án nào đúng»)",
                "Option C (“Không có đáp án nào đúng”)",
            ),
        ],
    ),
    (
        "absolute.yaml",
        [
            (
                "dòng 12",
                "Phương án sai B có từ tuyệt đối «toàn bộ»",
                "Wrong option B contains the absolute word “toàn bộ”",
            ),
            (
                "dòng 13",
                "Phương án sai C có từ tuyệt đối «mọi»",
                "Wrong option C contains the absolute word “mọi”",
            ),
        ],
    ),
    (
        "true-false-lean.yaml",
        [
            (
                "toàn tệp",
                "5 trong 6 câu đúng sai có đáp án «Đúng» (83%)",
                "5 of 6 true/false questions have the key “Đúng” (83%)",
            )
        ],
    ),
    (
        "multiple-position.yaml",
        [
            (
                "toàn tệp",
                "Cả 4 câu nhiều đáp án đều có phương án A là đáp án đúng",
                "All 4 multiple-answer questions have option A among their correct options",
            )
        ],
    ),
    (
        "near-duplicate.yaml",
        [
            (
                "dòng 17",
                "Câu hỏi gần trùng với câu q1 (dòng 7)",
                "This question nearly repeats q1 (line 7)",
            )
        ],
    ),
    (
        "ambiguous-number.yaml",
        [
            (
                "dòng 10",
                "người Việt viết «700.000», người quen cách viết tiếng Anh viết «700,000»",
                "written «700.000» the Vietnamese way and «700,000» the English way",
            ),
            (
                "dòng 15",
                "người Việt viết «2,125», người quen cách viết tiếng Anh viết «2.125»",
                "written «2,125» the Vietnamese way and «2.125» the English way",
            ),
        ],
    ),
    (
        "no-address.yaml",
        [
            (
                "dòng 11",
                "Nguồn «Bài báo nguồn (000_c20b067efb3ef73d.txt), 29/11/2023» không có địa chỉ "
                "(URL)",
                "The source “Bài báo nguồn (000_c20b067efb3ef73d.txt), 29/11/2023” has no address "
                "(URL)",
            ),
            (
                "dòng 16",
                "Nguồn «Bài báo nguồn (000_c20b067efb3ef73d.txt)» không có địa chỉ (URL)",
                "The source “Bài báo nguồn (000_c20b067efb3ef73d.txt)” has no address (URL)",
            ),
        ],
    ),
]


@pytest.mark.parametrize("name, expected", CASES, ids=[c[0] for c in CASES])
def test_each_fault_is_one_warning_at_its_place_in_vietnamese(app, name, expected):
    found = _places_and_texts(_lint(name))
    assert [place for place, _text in found] == [place for place, _vi, _en in expected]
    for (_place, text), (_p, vi, _en) in zip(found, expected):
        assert vi in text


@pytest.mark.parametrize("name, expected", CASES, ids=[c[0] for c in CASES])
def test_each_warning_reads_in_english_too(app, name, expected):
    warnings = _lint(name)
    with app.test_request_context(), force_locale("en"):
        found = [(str(w.location), w.message) for w in warnings]
    assert len(found) == len(expected)
    for (_place, text), (_p, _vi, en) in zip(found, expected):
        assert en in text


def test_counter_examples_are_quiet(app):
    absolute = [w for w in _lint("absolute.yaml") if "dòng 2" in str(w.location)]
    assert absolute == []  # the key itself says "mọi": no hint in the distractors
    numbers = _places_and_texts(_lint("ambiguous-number.yaml"))
    # a year, a key asked in "nghìn" and a two-decimal age are written one way by everyone
    assert [place for place, _ in numbers] == ["dòng 10", "dòng 15"]
    sources = _places_and_texts(_lint("no-address.yaml"))
    assert all(
        "vanphong.langson.gov.vn" not in text for _place, text in sources
    )  # an address without https://


def test_warnings_never_block_an_import(app):
    for name, _expected in CASES:
        path = FAULTY / name
        bank = add_lint_warnings(load_bank_file(path.name, path.read_bytes()))
        assert bank.ok and bank.warnings and all(not w.is_error for w in bank.warnings)


def test_bank_check_prints_the_warnings_and_succeeds(runner):
    result = runner.invoke(args=["bank", "check", str(FAULTY / "catch-all.yaml")])
    assert result.exit_code == 0
    assert "Cảnh báo dòng 14: Phương án D («Tất cả các đáp án trên»)" in result.output
    assert "0 lỗi, 3 cảnh báo." in result.output


def test_the_upload_preview_shows_the_same_warnings(roles, login, console):  # noqa: F811
    client = login(roles["users"]["organiser"])
    data = (FAULTY / "ambiguous-number.yaml").read_bytes()
    form = {
        "file": (io.BytesIO(data), "so.yaml"),
        "target": "new",
        "slug": "",
        "owner": roles["tree"]["province"].id,
    }
    preview = client.post(
        "/org/banks/upload", data=form, content_type="multipart/form-data"
    ).headers["Location"]
    page = text_of(client.get(preview))
    assert "Lưu ý (2) — không chặn việc nhập" in page
    assert "dòng 10" in page and "người Việt viết «700.000»" in page
    client.post(preview, data={"confirm": "1"})
    assert db.session.scalar(db.select(Bank)).latest.question_count == 5  # imported all the same


SHIPPED = sorted(
    p
    for p in BANKS.rglob("*")
    if p.is_file()
    and p.suffix.lower() in {".yaml", ".yml", ".gift", ".txt", ".aiken", ".xlsx", ".csv"}
    and "template" not in p.relative_to(BANKS).parts
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(BANKS)))
def test_every_shipped_bank_checks_with_no_warning(app, path):
    bank = add_lint_warnings(load_bank_file(path.name, path.read_bytes()))
    assert (bank.errors, [str(w) for w in bank.warnings]) == ([], [])


@pytest.fixture(scope="module")
def real():
    return load_bank_file(REAL.name, REAL.read_bytes())


def test_the_real_bank_has_at_least_150_questions(real):
    assert len(real.questions) >= 150


def test_true_false_keys_are_balanced(real):
    keys = [q.answer["correct"] for q in real.questions if q.qtype == "true_false"]
    share_true = sum(1 for k in keys if k == [0]) / len(keys)
    assert 0.40 <= share_true <= 0.60


def test_multiple_answer_keys_have_two_wrong_options_and_move_around(real):
    multiple = [q for q in real.questions if q.qtype == "multiple"]
    assert [q.uid for q in multiple if len(q.options) - len(q.answer["correct"]) < 2] == []
    for position in range(max(len(q.options) for q in multiple)):
        share = sum(1 for q in multiple if position in q.answer["correct"]) / len(multiple)
        assert share < 0.8, (
            f"option {'ABCDEFG'[position]} is correct in {share:.0%} of multiple-answer keys"
        )


FULL_NAME = "Đại hội đại biểu toàn quốc Đoàn Thanh niên Cộng sản Hồ Chí Minh lần thứ XII"


def test_a_stem_naming_the_congress_names_it_in_full_first(real):
    # "Đại hội XII" alone reads as the Party's congress; the short forms may follow the full name.
    short = re.compile(r"Đại hội XII(?!I)|Đại hội Đoàn toàn quốc lần thứ XII(?!I)")
    wrong = []
    for q in real.questions:
        first_short = short.search(q.stem)
        full = q.stem.find(FULL_NAME)
        if first_short and (full == -1 or first_short.start() < full):
            wrong.append(q.uid)
    assert wrong == []


def test_explanations_speak_to_the_learner_not_the_author(real):
    authoring = re.compile(r"câu hỏi (chỉ|giữ|không hỏi)|nên câu hỏi|người ra đề", re.IGNORECASE)
    assert [q.uid for q in real.questions if authoring.search(q.explanation)] == []


def test_nothing_from_the_unaddressed_article_is_used(real):
    assert [
        q.uid for q in real.questions if "000_c20b067efb3ef73d" in q.source or "Sơn La" in q.stem
    ] == []


def test_the_corrected_keys_hold(real):
    by_id = {q.uid: q for q in real.questions}
    rural = by_id["dh12-073"]
    assert "thất nghiệp ở nông thôn dưới 6%" in rural.stem and rural.answer["correct"] == [1]  # Sai
    jobs = by_id["dh12-072-r2"]
    assert (
        "nghìn" in jobs.stem and "giải quyết việc làm" in jobs.stem and jobs.answer["value"] == 700
    )
    standing = by_id["dh12-031"]
    assert "16/12/2022" in standing.stem
    assert standing.options[standing.answer["correct"][0]] == "Nguyễn Ngọc Lương"
    speaker = by_id["dh12-005-r2"]
    assert "phát biểu chỉ đạo" in speaker.stem
    assert speaker.options[speaker.answer["correct"][0]] == "Đồng chí Nguyễn Phú Trọng"
    assert "Theo kế hoạch" in by_id["dh12-102"].stem
