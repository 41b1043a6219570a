"""Question banks: read every supported format, validate, import as versions, export, compare."""

from quizapp.services.banks import guard  # noqa: F401  (registers the immutability check)
from quizapp.services.banks.diff import ChangedQuestion, VersionDiff, diff_versions
from quizapp.services.banks.export import FORMATS, export_filename, export_version, write_bank
from quizapp.services.banks.importer import (
    BankImportError,
    ImportResult,
    import_bank,
    version_to_parsed,
)
from quizapp.services.banks.loader import load_bank_file
from quizapp.services.banks.parsed import ParsedBank, ParsedQuestion, ParsedTopic
from quizapp.services.banks.problems import BankFileError, Location, Problem
from quizapp.services.banks.search import search_questions
from quizapp.text import fold_vietnamese

__all__ = [
    "FORMATS",
    "BankFileError",
    "BankImportError",
    "ChangedQuestion",
    "ImportResult",
    "Location",
    "ParsedBank",
    "ParsedQuestion",
    "ParsedTopic",
    "Problem",
    "VersionDiff",
    "diff_versions",
    "export_filename",
    "export_version",
    "fold_vietnamese",
    "import_bank",
    "load_bank_file",
    "search_questions",
    "version_to_parsed",
    "write_bank",
]
