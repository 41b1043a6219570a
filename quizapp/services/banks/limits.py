"""Size limits on bank files, so one upload cannot exhaust memory or the database."""

MAX_TEXT_BYTES = 10 * 1024 * 1024  # YAML, GIFT, Aiken, CSV
# Workbooks (.xlsx): one set of limits for banks and rosters, `quizapp.services.xlsx_reader.LIMITS`.
MAX_QUESTIONS = 20_000
MAX_ROWS = 20_000
MAX_COLUMNS = 80
MAX_TOPICS = 500
MAX_OPTIONS = 26  # one letter each
MAX_STEM_CHARS = 5_000
MAX_OPTION_CHARS = 1_000
MAX_LONG_TEXT_CHARS = 5_000  # explanation, source, description, feedback
MAX_TITLE_CHARS = 255
MAX_UID_CHARS = 64
MAX_TAGS = 20
MAX_TAG_CHARS = 50
MAX_POINTS = 100
