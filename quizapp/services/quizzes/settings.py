"""Quizzes: settings, their validation (field-keyed Vietnamese messages), create, update, duplicate.

The organiser console builds its form over `QuizSettings`; every key of the error
dict returned by `validate_settings` is the name of a `QuizSettings` field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, null, select

from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Bank,
    BankVersion,
    GradingPolicy,
    Question,
    Quiz,
    ReviewPolicy,
    Topic,
    Unit,
    User,
)
from quizapp.services.attempts import lifecycle
from quizapp.services.reports import participation, rank_keys

MAX_TIME_LIMIT_SECONDS = 12 * 3600  # the CSRF token lifetime; a longer sitting could not submit


@dataclass
class QuizSettings:
    """Everything an organiser chooses for a quiz besides its bank version and audience."""

    title: str
    opens_at: datetime
    closes_at: datetime
    description: str = ""
    time_limit_seconds: int = 1800
    # None: every question; {"total": n}; {"per_topic": n} (n from every topic) or
    # {"per_topic": {"<topic title>": n, ...}} (only the topics named).
    draw_rules: dict | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    attempts_allowed: int | None = 1  # None: unlimited
    grading_policy: str = GradingPolicy.HIGHEST
    pass_mark: float = 50.0
    review_policy: str = ReviewPolicy.EXPLANATIONS
    target_rate: float = 90.0
    target_date: date | None = None
    prediction_question: str | None = None
    prediction_answer: int | None = None


SETTING_FIELDS = tuple(f.name for f in fields(QuizSettings))


class QuizSettingsError(Exception):
    """Settings that cannot be saved; `errors` maps field name to a Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def topic_counts(version: BankVersion) -> dict[str, int]:
    """Number of questions per topic title, in the bank's topic order."""
    rows = db.session.execute(
        select(Topic.title, func.count(Question.id))
        .join(Question, Question.topic_id == Topic.id, isouter=True)
        .where(Topic.version_id == version.id)
        .group_by(Topic.id, Topic.title, Topic.position)
        .order_by(Topic.position)
    )
    counts: dict[str, int] = {}
    for title, n in rows:
        counts[title] = counts.get(title, 0) + n
    return counts


def _draw_errors(rules, counts: dict[str, int]) -> tuple[str | None, int]:
    """A message when the version cannot satisfy the rules, else None; and questions drawn."""
    available = sum(counts.values())
    if available == 0:
        return _("Phiên bản ngân hàng này không có câu hỏi nào."), 0
    if rules is None:
        return None, available
    if (
        not isinstance(rules, dict)
        or len(rules) != 1
        or not ({"total", "per_topic"} & rules.keys())
    ):
        return _(
            "Quy tắc rút câu hỏi không hợp lệ: chọn 'tất cả', 'tổng số câu' hoặc 'số câu mỗi chủ đề'."
        ), 0
    if "total" in rules:
        n = rules["total"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            return _("Số câu hỏi phải là số nguyên từ 1 trở lên."), 0
        if n > available:
            return _(
                "Cần rút %(n)d câu nhưng phiên bản ngân hàng chỉ có %(available)d câu.",
                n=n,
                available=available,
            ), 0
        return None, n
    per_topic = rules["per_topic"]
    if isinstance(per_topic, int) and not isinstance(per_topic, bool):
        per_topic = dict.fromkeys(counts, per_topic)
    if not isinstance(per_topic, dict) or not per_topic:
        return _("Hãy ghi số câu cho từng chủ đề."), 0
    problems = []
    for title, n in per_topic.items():
        if title not in counts:
            problems.append(_("không có chủ đề '%(title)s' trong phiên bản ngân hàng", title=title))
        elif not isinstance(n, int) or isinstance(n, bool) or n < 0:
            problems.append(
                _("số câu của chủ đề '%(title)s' phải là số nguyên không âm", title=title)
            )
        elif n > counts[title]:
            problems.append(
                _(
                    "chủ đề '%(title)s' chỉ có %(available)d câu, không rút được %(n)d câu",
                    title=title,
                    available=counts[title],
                    n=n,
                )
            )
    if problems:
        return _(
            "Quy tắc rút câu hỏi không thực hiện được: %(problems)s.", problems="; ".join(problems)
        ), 0
    total = sum(per_topic.values())
    if total < 1:
        return _("Phải rút ít nhất 1 câu hỏi."), 0
    return None, total


def questions_per_attempt(version: BankVersion, rules) -> int:
    """How many questions one attempt draws (0 when the rules cannot be satisfied)."""
    return _draw_errors(rules, topic_counts(version))[1]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate_settings(version: BankVersion | None, settings: QuizSettings) -> dict[str, str]:
    """Every problem with the settings, keyed by field name; empty when they can be saved."""
    errors: dict[str, str] = {}
    s = settings
    if not (s.title or "").strip():
        errors["title"] = _("Hãy nhập tên đợt kiểm tra.")
    elif len(s.title) > 255:
        errors["title"] = _("Tên đợt kiểm tra dài tối đa 255 ký tự.")
    if not isinstance(s.opens_at, datetime) or s.opens_at.tzinfo is None:
        errors["opens_at"] = _("Hãy nhập thời điểm mở (ngày và giờ).")
    if not isinstance(s.closes_at, datetime) or s.closes_at.tzinfo is None:
        errors["closes_at"] = _("Hãy nhập thời điểm đóng (ngày và giờ).")
    elif "opens_at" not in errors and s.closes_at <= s.opens_at:
        errors["closes_at"] = _("Thời điểm đóng phải sau thời điểm mở.")
    if not isinstance(s.time_limit_seconds, int) or s.time_limit_seconds <= 0:
        errors["time_limit_seconds"] = _("Thời gian làm bài phải lớn hơn 0 phút.")
    elif s.time_limit_seconds > MAX_TIME_LIMIT_SECONDS:
        errors["time_limit_seconds"] = _("Thời gian làm bài tối đa là 12 giờ.")
    if version is None:
        errors["draw_rules"] = _("Hãy chọn một phiên bản ngân hàng câu hỏi.")
    else:
        message, _drawn = _draw_errors(s.draw_rules, topic_counts(version))
        if message:
            errors["draw_rules"] = message
    if s.attempts_allowed is not None and (
        not isinstance(s.attempts_allowed, int) or s.attempts_allowed < 1
    ):
        errors["attempts_allowed"] = _("Số lượt làm bài phải từ 1 trở lên (hoặc không giới hạn).")
    if s.grading_policy not in set(GradingPolicy):
        errors["grading_policy"] = _("Cách tính điểm không hợp lệ.")
    if s.review_policy not in set(ReviewPolicy):
        errors["review_policy"] = _("Chế độ xem lại bài không hợp lệ.")
    if not _is_number(s.pass_mark) or not 0 <= s.pass_mark <= 100:
        errors["pass_mark"] = _("Điểm đạt phải từ 0 đến 100 (%).")
    if not _is_number(s.target_rate) or not 0 < s.target_rate <= 100:
        errors["target_rate"] = _("Chỉ tiêu tham gia phải lớn hơn 0 và tối đa 100 (%).")
    if (
        s.target_date is not None
        and "opens_at" not in errors
        and s.target_date < to_local(s.opens_at).date()
    ):
        errors["target_date"] = _("Hạn hoàn thành chỉ tiêu không được trước ngày mở.")
    if s.prediction_question is not None and len(s.prediction_question) > 2000:
        errors["prediction_question"] = _("Câu hỏi dự đoán dài tối đa 2000 ký tự.")
    if s.prediction_answer is not None and not (s.prediction_question or "").strip():
        errors["prediction_question"] = _("Có đáp án dự đoán thì phải có câu hỏi dự đoán.")
    return errors


def _clean(settings: QuizSettings) -> QuizSettings:
    question = (settings.prediction_question or "").strip() or None
    return replace(
        settings,
        title=settings.title.strip(),
        description=(settings.description or "").strip(),
        prediction_question=question,
    )


def settings_of(quiz: Quiz) -> QuizSettings:
    """The quiz's current settings (to fill a form or copy)."""
    return QuizSettings(**{name: getattr(quiz, name) for name in SETTING_FIELDS})


def create_quiz(
    version: BankVersion,
    audience: Unit,
    settings: QuizSettings,
    created_by: User | None,
    now: datetime,
) -> Quiz:
    """A new quiz; raises QuizSettingsError with every problem. The caller checks the audience scope."""
    errors = validate_settings(version, settings)
    if errors:
        raise QuizSettingsError(errors)
    values = asdict(_clean(settings))
    if values["attempts_allowed"] is None:
        # The column's default (1) would replace a plain None on INSERT; unlimited is NULL.
        values["attempts_allowed"] = null()
    quiz = Quiz(
        bank_version=version,
        audience_unit=audience,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        **values,
    )
    db.session.add(quiz)
    db.session.flush()
    return quiz


def has_attempts(quiz: Quiz) -> bool:
    """True once any member has started the quiz."""
    return db.session.scalar(select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz.id)) > 0


def update_quiz(
    quiz: Quiz,
    settings: QuizSettings,
    now: datetime,
    *,
    version: BankVersion | None = None,
    audience: Unit | None = None,
) -> Quiz:
    """Change a quiz. Attempts already taken keep their questions; scores and deadlines follow
    new pass marks, grading policies and windows."""
    version = version or quiz.bank_version
    errors = validate_settings(version, settings)
    started = has_attempts(quiz)
    if (
        started
        and version.id != quiz.bank_version_id
        and version.bank_id != quiz.bank_version.bank_id
    ):
        errors["bank_version"] = _(
            "Đã có người làm bài: chỉ được chuyển sang phiên bản khác của cùng ngân hàng."
        )
    if started and audience is not None and audience.id != quiz.audience_unit_id:
        errors["audience_unit"] = _("Đã có người làm bài: không được đổi đơn vị dự thi.")
    if errors:
        raise QuizSettingsError(errors)
    before = settings_of(quiz)
    for name, value in asdict(_clean(settings)).items():
        setattr(quiz, name, value)
    quiz.bank_version = version
    if audience is not None:
        quiz.audience_unit = audience
    db.session.flush()
    if started:
        if (before.opens_at, before.closes_at, before.time_limit_seconds) != (
            quiz.opens_at,
            quiz.closes_at,
            quiz.time_limit_seconds,
        ):
            lifecycle.refresh_deadlines(quiz, now)
        if (before.pass_mark, before.grading_policy) != (quiz.pass_mark, quiz.grading_policy):
            lifecycle.apply_pass_mark(quiz)
            participation.rebuild_quiz(quiz)
        elif (before.prediction_question, before.prediction_answer) != (
            quiz.prediction_question,
            quiz.prediction_answer,
        ):
            rank_keys.refresh_quiz(quiz)
    return quiz


def close_early(quiz: Quiz, now: datetime) -> None:
    """Close the quiz now: no new starts, attempts in progress end at this moment."""
    if quiz.closed_early_at is None and now < quiz.closes_at:
        quiz.closed_early_at = now
        db.session.flush()
        lifecycle.refresh_deadlines(quiz, now)


def duplicate_quiz(
    quiz: Quiz, created_by: User | None, now: datetime, title: str | None = None
) -> Quiz:
    """A copy of the quiz's settings (same bank version and audience), without attempts."""
    settings = replace(settings_of(quiz), title=title or _("%(title)s (bản sao)", title=quiz.title))
    if len(settings.title) > 255:
        settings.title = settings.title[:255]
    return create_quiz(quiz.bank_version, quiz.audience_unit, settings, created_by, now)


def find_bank_version(slug: str, number: int | None = None) -> BankVersion | None:
    """The bank version `number` of the bank `slug`, or its latest version."""
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None:
        return None
    if number is None:
        return bank.latest
    return next((v for v in bank.versions if v.number == number), None)


def in_progress_count(quiz: Quiz) -> int:
    """Attempts of the quiz still running."""
    return db.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.IN_PROGRESS
        )
    )
