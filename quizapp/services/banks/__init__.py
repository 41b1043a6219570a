"""Question banks: read every supported format, validate, import as versions, export, compare."""
from quizapp.services.banks.importer import BankImportError, ImportResult, import_bank, version_to_parsed
from quizapp.services.banks.loader import load_bank_file
from quizapp.services.banks.parsed import ParsedBank, ParsedQuestion, ParsedTopic
from quizapp.services.banks.problems import BankFileError, Location, Problem
from quizapp.services.text import fold_vietnamese

__all__ = [
    "BankFileError", "BankImportError", "ImportResult", "Location", "ParsedBank", "ParsedQuestion",
    "ParsedTopic", "Problem", "fold_vietnamese", "import_bank", "load_bank_file", "version_to_parsed",
]
