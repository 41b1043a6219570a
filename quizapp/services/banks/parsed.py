"""A bank as read from a file, before it touches the database."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from quizapp.services.banks.problems import Location, Problem

QUESTION_TYPES = ("single", "multiple", "true_false", "short", "numeric")
DIFFICULTIES = ("easy", "medium", "hard")
SCORINGS = ("all_or_nothing", "partial")
TRUE_FALSE_OPTIONS = ["Đúng", "Sai"]


def plain_number(value):
    """An int when the number is whole (so 1.0 and 1 compare and print alike), else a float."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


@dataclass
class ParsedQuestion:
    """One question, with its answer already in the model's JSON shape."""

    qtype: str | None
    stem: str
    options: list[str] = field(default_factory=list)
    answer: dict = field(default_factory=dict)
    option_feedback: list[str] = field(default_factory=list)
    explanation: str = ""
    source: str = ""
    difficulty: str | None = None
    points: float = 1
    tags: list[str] = field(default_factory=list)
    title: str = ""
    uid: str | None = None
    location: Location = field(default_factory=Location, compare=False, repr=False)
    # Finer places: field name -> its Location, or its column letter on a spreadsheet row.
    places: dict = field(default_factory=dict, compare=False, repr=False)
    # Fields the parser already reported, so validation does not report them twice.
    reported: set = field(default_factory=set, compare=False, repr=False)

    def where(self, name: str) -> Location:
        """The location of one field (its cell), else of the question."""
        place = self.places.get(name, self.location)
        if isinstance(place, str):  # a spreadsheet column letter on the question's row
            return Location(sheet=self.location.sheet, row=self.location.row, column=place)
        return place

    def content(self) -> dict:
        """Everything that defines the question, for checksums and comparisons."""
        return {
            "id": self.uid,
            "type": self.qtype,
            "title": self.title,
            "stem": self.stem,
            "options": list(self.options),
            "option_feedback": list(self.option_feedback),
            "answer": self.answer,
            "explanation": self.explanation,
            "source": self.source,
            "difficulty": self.difficulty,
            "points": plain_number(self.points),
            "tags": list(self.tags),
        }


@dataclass
class ParsedTopic:
    """A topic and its questions, in file order."""

    title: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    location: Location = field(default_factory=Location, compare=False, repr=False)


@dataclass
class ParsedBank:
    """The result of reading a file: content plus every error and warning found."""

    filename: str = ""
    source_format: str = ""
    slug: str | None = None
    title: str = ""
    description: str = ""
    multiple_scoring: str = "all_or_nothing"
    topics: list[ParsedTopic] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list, compare=False)
    warnings: list[Problem] = field(default_factory=list, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def questions(self) -> list[ParsedQuestion]:
        return [q for t in self.topics for q in t.questions]

    def content(self) -> dict:
        """The bank's content without its slug or file details."""
        return {
            "title": self.title,
            "description": self.description,
            "multiple_scoring": self.multiple_scoring,
            "topics": [
                {"title": t.title, "questions": [q.content() for q in t.questions]}
                for t in self.topics
            ],
        }

    @property
    def checksum(self) -> str:
        """SHA-256 of the content, so the same bank from another format is recognised."""
        data = json.dumps(self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def summary(self) -> dict:
        """Counts per topic and per type, for `bank check` and the upload page."""
        by_type = Counter(q.qtype for q in self.questions)
        return {
            "questions": len(self.questions),
            "by_type": {t: by_type[t] for t in QUESTION_TYPES if by_type[t]},
            "topics": [
                {
                    "title": t.title,
                    "questions": len(t.questions),
                    "by_type": dict(Counter(q.qtype for q in t.questions)),
                }
                for t in self.topics
            ],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }
