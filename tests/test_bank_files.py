"""Every bank shipped in question_banks/ validates with no errors, and every question cites a source."""
from pathlib import Path

import pytest

from quizapp.services.banks import load_bank_file

ROOT = Path(__file__).parent.parent / "question_banks"
BANK_FILES = sorted(p for p in ROOT.rglob("*") if p.is_file() and p.suffix.lower() in
                    {".yaml", ".yml", ".gift", ".txt", ".aiken", ".xlsx", ".csv"}
                    and "template" not in p.relative_to(ROOT).parts and not p.name.startswith((".", "~$")))


def test_there_are_bank_files_to_check():
    assert BANK_FILES


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bank_file_has_no_errors_and_every_question_has_a_source(path):
    parsed = load_bank_file(path.name, path.read_bytes())
    assert [str(e) for e in parsed.errors] == []
    assert parsed.questions
    assert [q.uid for q in parsed.questions if not q.source.strip()] == []
