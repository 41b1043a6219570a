"""Every bank shipped in question_banks/ validates with no errors, and every question cites a source."""

from pathlib import Path

import pytest

from quizapp.services.banks import load_bank_file

ROOT = Path(__file__).parent.parent / "question_banks"
BANK_FILES = sorted(
    p
    for p in ROOT.rglob("*")
    if p.is_file()
    and p.suffix.lower() in {".yaml", ".yml", ".gift", ".txt", ".aiken", ".xlsx", ".csv"}
    and "template" not in p.relative_to(ROOT).parts
    and not p.name.startswith((".", "~$"))
)


def test_there_are_bank_files_to_check():
    assert BANK_FILES


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bank_file_has_no_errors_and_every_question_has_a_source(path):
    parsed = load_bank_file(path.name, path.read_bytes())
    assert [str(e) for e in parsed.errors] == []
    assert parsed.questions
    assert [q.uid for q in parsed.questions if not q.source.strip()] == []


SIBLINGS = [
    (yaml, other)
    for yaml in BANK_FILES
    if yaml.suffix == ".yaml"
    for other in BANK_FILES
    if other.stem == yaml.stem and other != yaml
]


@pytest.mark.parametrize("yaml_file, other", SIBLINGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_bank_shipped_in_several_formats_has_the_same_questions_in_each(yaml_file, other):
    source = load_bank_file(yaml_file.name, yaml_file.read_bytes()).content()
    copy = load_bank_file(other.name, other.read_bytes()).content()
    if other.suffix == ".csv":  # CSV carries no bank information
        source = source["topics"]
        copy = copy["topics"]
    assert copy == source, f"{other.name} is out of date: re-export it from {yaml_file.name}"
