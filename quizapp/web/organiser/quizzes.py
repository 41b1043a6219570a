"""Quizzes: list, create, edit, duplicate, preview as a member, close early."""

from __future__ import annotations

import json
import random

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Bank, BankVersion, Quiz, QuizStatus, Unit
from quizapp.policy import Action, Area
from quizapp.services.attempts import lifecycle as attempt_service
from quizapp.services.quizzes import settings as quiz_service
from quizapp.web.keys import require_key_visible
from quizapp.web.organiser.common import now, record, unit_choices, user
from quizapp.web.organiser.forms import ConfirmForm
from quizapp.web.organiser.quiz_forms import (
    FIELD_OF,
    GRADING_LABELS,
    REVIEW_LABELS,
    DuplicateForm,
    MemberLookupForm,
    QuizForm,
)
from quizapp.web.organiser.views import bp

PAGE_SIZE = 50
PREVIEW_SEED = 12345  # a fixed draw, so the preview does not change on every reload


def quiz_or_404(quiz_id: int) -> Quiz:
    """A quiz whose audience is in the user's scope, else 404/403."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    policy.require(user(), Action.MANAGE_QUIZZES, quiz.audience_unit)
    return quiz


def _version_choices(current: BankVersion | None = None, same_bank: bool = False):
    """(id, label, data-topics) for every version of every bank the user may use."""
    stmt = (
        select(BankVersion)
        .join(Bank, BankVersion.bank_id == Bank.id)
        .where(policy.bank_filter(user()))
        .order_by(Bank.title, BankVersion.number.desc())
    )
    if same_bank and current is not None:
        stmt = stmt.where(BankVersion.bank_id == current.bank_id)
    choices = []
    for version in db.session.scalars(stmt):
        counts = quiz_service.topic_counts(version)
        label = _(
            "%(bank)s — phiên bản %(n)d (%(q)d câu)",
            bank=version.bank.title,
            n=version.number,
            q=version.question_count,
        )
        choices.append((version.id, label, {"data-topics": json.dumps(counts, ensure_ascii=False)}))
    return choices


def _prepare(form: QuizForm, quiz: Quiz | None = None) -> None:
    started = quiz is not None and quiz_service.has_attempts(quiz)
    form.bank_version.choices = _version_choices(
        quiz.bank_version if quiz else None, same_bank=started
    )
    form.audience.choices = unit_choices(Action.MANAGE_QUIZZES)
    if started:
        # The service refuses these changes once members have started; say so at the field.
        form.audience.choices = [(quiz.audience_unit_id, quiz.audience_unit.name)]
        form.audience.invalid_message = _("Đã có người làm bài: không được đổi đơn vị dự thi.")
        form.bank_version.invalid_message = _(
            "Đã có người làm bài: chỉ được chuyển sang phiên bản khác của cùng ngân hàng."
        )
    if quiz is not None and quiz.bank_version_id not in form.bank_version.values:
        # The quiz may use a bank the editor can no longer list; keep it selectable.
        form.bank_version.choices = [
            (quiz.bank_version_id, quiz.bank_version.bank.title),
            *form.bank_version.choices,
        ]


def _checked(form: QuizForm):
    """Validate the form and the settings together; returns (version, audience, settings) or None."""
    ok = form.validate_on_submit()
    if request.method != "POST":
        return None
    try:
        settings = form.settings()
    except ValueError as err:
        form.draw_field().errors.append(str(err))
        return None
    version = (
        db.session.get(BankVersion, form.bank_version.data) if form.bank_version.data else None
    )
    errors = quiz_service.validate_settings(version, settings)
    form.show_errors({k: v for k, v in errors.items() if not _has_errors(form, k)})
    audience = db.session.get(Unit, form.audience.data) if form.audience.data else None
    if audience is not None and not policy.can(user(), Action.MANAGE_QUIZZES, audience):
        form.audience.errors.append(_("Chỉ chọn được đơn vị thuộc phạm vi của bạn."))
        ok = False
    if not ok or errors or version is None or audience is None:
        return None
    return version, audience, settings


def _has_errors(form: QuizForm, key: str) -> bool:
    field = (
        form.draw_field() if key == "draw_rules" else getattr(form, FIELD_OF.get(key, key), None)
    )
    return bool(field is not None and field.errors)


@bp.get("/quizzes")
def quizzes():
    """Quizzes for units in scope, newest first."""
    if not policy.may_open(user(), Area.QUIZZES):
        abort(403)
    page = max(1, request.args.get("page", 1, type=int))
    found = list(
        db.session.scalars(
            select(Quiz)
            .join(Unit, Quiz.audience_unit_id == Unit.id)
            .where(policy.unit_scope_filter(user(), Action.MANAGE_QUIZZES))
            .order_by(Quiz.opens_at.desc(), Quiz.id.desc())
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return render_template(
        "organiser/quizzes.html",
        quizzes=found[:PAGE_SIZE],
        page=page,
        has_next=len(found) > PAGE_SIZE,
        now=now(),
    )


@bp.route("/quizzes/new", methods=["GET", "POST"])
def quiz_new():
    """Create a quiz: every setting checked, errors next to their field."""
    if not policy.may_open(user(), Area.QUIZZES):
        abort(403)
    form = QuizForm()
    _prepare(form)
    if request.method == "GET":
        wanted = request.args.get("version", type=int)
        if wanted in form.bank_version.values:
            form.bank_version.data = wanted
    checked = _checked(form)
    if checked:
        version, audience, settings = checked
        quiz = quiz_service.create_quiz(version, audience, settings, user(), now())
        record(
            "quiz.create", audience, target=f"quiz {quiz.id}: {quiz.title}", after=_summary(quiz)
        )
        flash(_("Đã tạo đợt kiểm tra «%(title)s».", title=quiz.title), "success")
        return redirect(url_for(".quiz_detail", quiz_id=quiz.id))
    return render_template(
        "organiser/quiz_form.html", form=form, quiz=None
    ), 400 if form.errors else 200


@bp.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
def quiz_edit(quiz_id: int):
    """Change a quiz's settings (after the first attempt: same bank and audience only)."""
    quiz = quiz_or_404(quiz_id)
    form = QuizForm()
    _prepare(form, quiz)
    if request.method == "GET":
        form.fill_from(quiz_service.settings_of(quiz))
        form.bank_version.data, form.audience.data = quiz.bank_version_id, quiz.audience_unit_id
    checked = _checked(form)
    if checked:
        version, audience, settings = checked
        before = _summary(quiz)
        try:
            quiz_service.update_quiz(quiz, settings, now(), version=version, audience=audience)
        except quiz_service.QuizSettingsError as err:
            form.show_errors(err.errors)
        else:
            record(
                "quiz.update",
                quiz.audience_unit,
                target=f"quiz {quiz.id}: {quiz.title}",
                before=before,
                after=_summary(quiz),
            )
            flash(_("Đã lưu đợt kiểm tra."), "success")
            return redirect(url_for(".quiz_detail", quiz_id=quiz.id))
    return render_template(
        "organiser/quiz_form.html", form=form, quiz=quiz, started=quiz_service.has_attempts(quiz)
    ), 400 if form.errors else 200


def _summary(quiz: Quiz) -> dict:
    """What the audit log keeps of a quiz's settings."""
    settings = quiz_service.settings_of(quiz)
    return {
        "title": quiz.title,
        "bank_version": quiz.bank_version_id,
        "audience": quiz.audience_unit.code,
        "opens_at": settings.opens_at,
        "closes_at": settings.closes_at,
        "time_limit_seconds": settings.time_limit_seconds,
        "draw_rules": settings.draw_rules,
        "attempts_allowed": settings.attempts_allowed,
        "pass_mark": settings.pass_mark,
        "grading_policy": settings.grading_policy,
        "review_policy": settings.review_policy,
        "target_rate": settings.target_rate,
        "target_date": settings.target_date,
        "closed_early_at": quiz.closed_early_at,
    }


@bp.get("/quizzes/<int:quiz_id>")
def quiz_detail(quiz_id: int):
    """A quiz's settings, state and the actions on it."""
    quiz = quiz_or_404(quiz_id)
    at = now()
    counts = dict(
        db.session.execute(
            select(Attempt.state, func.count())
            .where(Attempt.quiz_id == quiz.id)
            .group_by(Attempt.state)
        ).all()
    )
    return render_template(
        "organiser/quiz.html",
        quiz=quiz,
        status=quiz.status(at),
        counts=counts,
        per_attempt=quiz_service.questions_per_attempt(quiz.bank_version, quiz.draw_rules),
        grading_labels=GRADING_LABELS,
        review_labels=REVIEW_LABELS,
        lookup=MemberLookupForm(formdata=None),
        AttemptState=AttemptState,
    )


@bp.route("/quizzes/<int:quiz_id>/duplicate", methods=["GET", "POST"])
def quiz_duplicate(quiz_id: int):
    """Copy a quiz's settings into a new quiz, then open it for editing."""
    quiz = quiz_or_404(quiz_id)
    form = DuplicateForm()
    if request.method == "GET":
        form.title.data = _("%(title)s (bản sao)", title=quiz.title)[:255]
    if form.validate_on_submit():
        copy = quiz_service.duplicate_quiz(quiz, user(), now(), title=form.title.data.strip())
        record(
            "quiz.duplicate",
            copy.audience_unit,
            target=f"quiz {copy.id}: {copy.title}",
            before={"from_quiz": quiz.id},
            after=_summary(copy),
        )
        flash(_("Đã tạo bản sao. Hãy kiểm tra lại thời gian mở và đóng."), "success")
        return redirect(url_for(".quiz_edit", quiz_id=copy.id))
    return render_template("organiser/quiz_duplicate.html", quiz=quiz, form=form)


@bp.route("/quizzes/<int:quiz_id>/close", methods=["GET", "POST"])
def quiz_close(quiz_id: int):
    """Ask, then close the quiz now (attempts in progress end at this moment)."""
    quiz = quiz_or_404(quiz_id)
    at = now()
    form = ConfirmForm()
    if quiz.status(at) not in (QuizStatus.OPEN, QuizStatus.SCHEDULED):
        flash(_("Đợt kiểm tra này đã đóng."), "info")
        return redirect(url_for(".quiz_detail", quiz_id=quiz.id))
    if form.validate_on_submit():
        before = {"closes_at": quiz.closes_at, "closed_early_at": quiz.closed_early_at}
        quiz_service.close_early(quiz, at)
        record(
            "quiz.close_early",
            quiz.audience_unit,
            target=f"quiz {quiz.id}: {quiz.title}",
            before=before,
            after={"closed_early_at": quiz.closed_early_at},
        )
        flash(_("Đã đóng đợt kiểm tra."), "success")
        return redirect(url_for(".quiz_detail", quiz_id=quiz.id))
    return render_template(
        "organiser/quiz_close.html",
        quiz=quiz,
        form=form,
        running=quiz_service.in_progress_count(quiz),
    )


@bp.get("/quizzes/<int:quiz_id>/preview")
def quiz_preview(quiz_id: int):
    """The questions one attempt could draw, shown as a member sees them (nothing is saved)."""
    quiz = quiz_or_404(quiz_id)
    if request.args.get("key") == "1":
        require_key_visible(quiz.bank_version_id)
    seed = request.args.get("seed", PREVIEW_SEED, type=int)
    questions = attempt_service.draw_questions(quiz, random.Random(seed))
    return render_template(
        "organiser/quiz_preview.html",
        quiz=quiz,
        questions=questions,
        seed=seed,
        show_key=request.args.get("key") == "1",
    )
