"""All models, imported here so that Alembic and create_all see every table."""

from quizapp.models.attempts import Attempt, AttemptItem, AttemptState, Response
from quizapp.models.audit import AuditEntry
from quizapp.models.banks import Bank, BankVersion, MultipleScoring, Question, QuestionType, Topic
from quizapp.models.contests import Contest, ContestRound
from quizapp.models.org import Unit, UnitKind, path_ids, set_unit_path
from quizapp.models.participation import (
    Participation,
    UnitQuizCounter,
    UnitQuizDaily,
    UnitQuizGroup,
    UnitRoster,
    UnitRosterGroup,
)
from quizapp.models.people import ActivationCode, Grant, Member, Role, User
from quizapp.models.quizzes import GradingPolicy, Quiz, QuizAllowance, QuizStatus, ReviewPolicy
from quizapp.models.reminders import Reminder, ReminderState, UnitQuizReminder
from quizapp.models.uploads import PendingUpload

__all__ = [
    "ActivationCode",
    "Attempt",
    "AttemptItem",
    "AttemptState",
    "AuditEntry",
    "Bank",
    "BankVersion",
    "Contest",
    "ContestRound",
    "Grant",
    "GradingPolicy",
    "Member",
    "MultipleScoring",
    "Participation",
    "PendingUpload",
    "Question",
    "QuestionType",
    "Quiz",
    "QuizAllowance",
    "QuizStatus",
    "Reminder",
    "ReminderState",
    "Response",
    "ReviewPolicy",
    "Role",
    "Topic",
    "Unit",
    "UnitKind",
    "UnitQuizCounter",
    "UnitQuizDaily",
    "UnitQuizGroup",
    "UnitQuizReminder",
    "UnitRoster",
    "UnitRosterGroup",
    "User",
    "path_ids",
    "set_unit_path",
]
