"""Malformed input of every kind: parsers raise only BankFileError, loading never raises, nothing is written."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Bank, BankVersion
from quizapp.services.banks import BankFileError, BankImportError, import_bank, load_bank_file
from quizapp.services.banks.aiken import parse_aiken
from quizapp.services.banks.csv_format import parse_csv, write_csv
from quizapp.services.banks.gift import parse_gift
from quizapp.services.banks.gift_writer import write_gift
from quizapp.services.banks.problems import Problems
from quizapp.services.banks.xlsx_format import parse_xlsx, write_xlsx
from quizapp.services.banks.yaml_format import parse_yaml

EXAMPLE = Path(__file__).parent.parent / "question_banks" / "examples" / "vi-du.yaml"
VALID = load_bank_file(EXAMPLE.name, EXAMPLE.read_bytes())
SAMPLES = {
    "yaml": EXAMPLE.read_text("utf-8"),
    "gift": write_gift(VALID).decode("utf-8"),
    "csv": write_csv(VALID).decode("utf-8-sig"),
    "aiken": "Câu hỏi?\nA. một\nB) hai\nANSWER: B\nNGUỒN: x\n\nCâu hai?\nA. x\nB. y\nANSWER: A\n",
}
PARSERS = {"yaml": parse_yaml, "gift": parse_gift, "csv": parse_csv, "aiken": parse_aiken}
SYMBOLS = "{}[]:~=#%-\\/$@|,;.\"'&*!>\n\t ABCDTFaăđêọ0123456789"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw, fmt):
    """A valid sample with a few random cuts, insertions and replacements."""
    text = SAMPLES[fmt]
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "insert", "replace"]))
        piece = draw(st.text(SYMBOLS, max_size=8))
        if action == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif action == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


def parses_or_refuses(parser, text):
    try:
        parser(text, Problems())
    except BankFileError:
        pass


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_mutated_files_raise_only_the_validation_error(fmt, data):
    parses_or_refuses(PARSERS[fmt], data.draw(mutated(fmt)))


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FUZZ
@given(text=st.text(SYMBOLS, max_size=300))
def test_random_text_raises_only_the_validation_error(fmt, text):
    parses_or_refuses(PARSERS[fmt], text)


@FUZZ
@given(
    data=st.binary(max_size=400),
    name=st.sampled_from(["a.yaml", "a.gift", "a.txt", "a.csv", "a.xlsx", "a.aiken", "a", "a.xls"]),
)
def test_loading_random_bytes_never_raises(data, name):
    parsed = load_bank_file(name, data)
    assert parsed.errors or parsed.questions


cells = st.one_of(
    st.none(),
    st.text(SYMBOLS, max_size=20),
    st.integers(-5, 30),
    st.floats(allow_nan=False, width=32),
    st.booleans(),
    st.sampled_from(
        [
            "=1+1",
            "=A1",
            "một đáp án",
            "nhiều đáp án",
            "số",
            "đúng sai",
            "A, C",
            "B",
            "Câu hỏi",
            "Đáp án",
            "Chủ đề",
            "Loại",
            "1..2",
            "5±1",
        ]
    ),
    st.just(datetime.datetime(2022, 12, 14)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cells, max_size=10), max_size=8))
def test_random_workbooks_raise_only_the_validation_error(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    try:
        parse_xlsx(out.getvalue(), Problems())
    except BankFileError:
        pass


XLSX = write_xlsx(VALID)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=5
    )
)
def test_corrupted_workbooks_raise_only_the_validation_error(flips):
    data = bytearray(XLSX)
    for at, value in flips:
        data[at] = value
    try:
        parse_xlsx(bytes(data), Problems())
    except BankFileError:
        pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_malformed_files_never_write(app, data):
    fmt = data.draw(st.sampled_from(sorted(PARSERS)))
    parsed = load_bank_file(f"bank.{fmt}", data.draw(mutated(fmt)).encode("utf-8"))
    if parsed.errors:
        with pytest.raises(BankImportError):
            import_bank(parsed, now=now_utc())
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(Bank)) == 0
        assert db.session.scalar(select(func.count()).select_from(BankVersion)) == 0
