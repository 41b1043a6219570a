"""Comparing two versions of a bank question by question (matched by uid)."""

from __future__ import annotations

from dataclasses import dataclass, field

from quizapp.models import BankVersion, Question

COMPARED = (
    "qtype",
    "title",
    "stem",
    "options",
    "answer",
    "option_feedback",
    "explanation",
    "source",
    "difficulty",
    "points",
    "tags",
)
# A change to these changes how an answer is graded.
KEY_FIELDS = {"qtype", "options", "answer", "points"}


@dataclass
class ChangedQuestion:
    """The same uid in both versions with different content."""

    old: Question
    new: Question
    fields: list[str]

    @property
    def uid(self) -> str:
        return self.new.uid

    @property
    def key_changed(self) -> bool:
        """Whether grading changes (type, options, key or points)."""
        return bool(KEY_FIELDS & set(self.fields))


@dataclass
class VersionDiff:
    """Questions added, removed and changed from `old` to `new`."""

    old: BankVersion
    new: BankVersion
    added: list[Question] = field(default_factory=list)
    removed: list[Question] = field(default_factory=list)
    changed: list[ChangedQuestion] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _fields(old: Question, new: Question) -> list[str]:
    changed = [name for name in COMPARED if _value(old, name) != _value(new, name)]
    if old.topic.title != new.topic.title:
        changed.append("topic")
    return changed


def _value(q: Question, name: str):
    value = getattr(q, name)
    if name == "points":
        return float(value)
    return value or ([] if name in ("options", "option_feedback", "tags") else value)


def diff_versions(old: BankVersion, new: BankVersion) -> VersionDiff:
    """What changed between two versions, in the new version's order (removed in the old's)."""
    result = VersionDiff(old, new)
    before = {q.uid: q for q in old.questions}
    after = {q.uid: q for q in new.questions}
    for q in new.questions:
        previous = before.get(q.uid)
        if previous is None:
            result.added.append(q)
            continue
        fields = _fields(previous, q)
        if fields:
            result.changed.append(ChangedQuestion(previous, q, fields))
        else:
            result.unchanged += 1
    result.removed = [q for q in old.questions if q.uid not in after]
    return result
