"""Question banks: list, versions, browse and search, one question, compare, export, template."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import func, select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Bank, BankVersion, Question, Quiz, Unit
from quizapp.policy import Action, Area
from quizapp.services import banks as bank_service
from quizapp.services.banks.export import MIMETYPES
from quizapp.services.banks.xlsx_format import write_template
from quizapp.web.keys import require_key_visible
from quizapp.web.organiser.bank_forms import SearchForm
from quizapp.web.organiser.common import user
from quizapp.web.organiser.views import bp

PAGE_SIZE = 50


def require_bank_reader() -> None:
    """Bank pages are for organisers (of banks or of quizzes)."""
    if not policy.may_open(user(), Area.BANKS):
        abort(403)


def bank_or_404(bank_id: int) -> Bank:
    """A bank the user may see, else 404/403."""
    require_bank_reader()
    bank = db.session.get(Bank, bank_id) or abort(404)
    if not policy.can_see_bank(user(), bank):
        abort(403)
    return bank


def version_or_404(version_id: int) -> BankVersion:
    """A bank version the user may see, else 404/403."""
    version = db.session.get(BankVersion, version_id) or abort(404)
    bank_or_404(version.bank_id)
    require_key_visible(version.id)  # every version page shows or exports the key
    return version


@bp.get("/banks")
def banks():
    """Every bank the user may see, with its latest version."""
    require_bank_reader()
    found = list(
        db.session.scalars(select(Bank).where(policy.bank_filter(user())).order_by(Bank.title))
    )
    owners = {
        u.id: u
        for u in db.session.scalars(
            select(Unit).where(Unit.id.in_({b.owner_unit_id for b in found if b.owner_unit_id}))
        )
    }
    return render_template(
        "organiser/banks.html",
        banks=found,
        owners=owners,
        can_manage_bank=lambda bank: policy.can_manage_bank(user(), bank),
    )


@bp.get("/banks/<int:bank_id>")
def bank_detail(bank_id: int):
    """A bank's versions, with browse, export and compare."""
    bank = bank_or_404(bank_id)
    usage = dict(
        db.session.execute(
            select(Quiz.bank_version_id, func.count(Quiz.id))
            .join(BankVersion, Quiz.bank_version_id == BankVersion.id)
            .where(BankVersion.bank_id == bank.id)
            .group_by(Quiz.bank_version_id)
        ).all()
    )
    owner = db.session.get(Unit, bank.owner_unit_id) if bank.owner_unit_id else None
    return render_template(
        "organiser/bank.html",
        bank=bank,
        owner=owner,
        usage=usage,
        versions=list(reversed(bank.versions)),
        may_manage=policy.can_manage_bank(user(), bank),
    )


def _topic_choices(version: BankVersion) -> list[tuple[str, str]]:
    return [("", _("Tất cả chủ đề"))] + [(str(t.id), t.title) for t in version.topics]


@bp.get("/banks/versions/<int:version_id>")
def bank_version(version_id: int):
    """Questions of a version, filtered by topic and searched ignoring diacritics."""
    version = version_or_404(version_id)
    form = SearchForm(request.args)
    form.topic.choices = _topic_choices(version)
    form.validate()
    text = (form.q.data or "").strip()
    if text:
        questions = list(bank_service.search_questions(version, text))
    else:
        questions = list(version.questions)
    topic_id = form.topic.data if form.topic.data and not form.topic.errors else ""
    if topic_id:
        questions = [q for q in questions if str(q.topic_id) == topic_id]
    page = max(1, request.args.get("page", 1, type=int))
    shown = questions[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    args = {k: v for k, v in {"q": text, "topic": topic_id}.items() if v}
    return render_template(
        "organiser/bank_version.html",
        version=version,
        bank=version.bank,
        form=form,
        questions=shown,
        total=len(questions),
        page=page,
        has_next=len(questions) > page * PAGE_SIZE,
        pager_args={"version_id": version.id, **args},
    )


@bp.get("/questions/<int:question_id>")
def question_detail(question_id: int):
    """One question as members see it, with its key, explanation, source and other versions."""
    question = db.session.get(Question, question_id) or abort(404)
    version = version_or_404(question.version_id)
    others = list(
        db.session.execute(
            select(Question.id, BankVersion.number)
            .join(BankVersion, Question.version_id == BankVersion.id)
            .where(
                BankVersion.bank_id == version.bank_id,
                Question.uid == question.uid,
                Question.id != question.id,
            )
            .order_by(BankVersion.number)
        )
    )
    quizzes = list(
        db.session.scalars(
            select(Quiz).where(Quiz.bank_version_id == version.id).order_by(Quiz.opens_at.desc())
        )
    )
    quizzes = [q for q in quizzes if policy.can(user(), Action.MANAGE_QUIZZES, q.audience_unit)]
    return render_template(
        "organiser/question.html",
        q=question,
        version=version,
        bank=version.bank,
        others=others,
        quizzes=quizzes,
    )


@bp.get("/banks/<int:bank_id>/compare")
def bank_compare(bank_id: int):
    """Questions added, changed and removed between two versions of a bank."""
    bank = bank_or_404(bank_id)
    numbers = {v.number: v for v in bank.versions}
    if len(numbers) < 2:
        return render_template(
            "organiser/bank_compare.html", bank=bank, diff=None, old=None, new=None
        )
    new = numbers.get(request.args.get("new", type=int)) or bank.versions[-1]
    old = numbers.get(request.args.get("old", type=int)) or bank.versions[-2]
    require_key_visible(old.id)
    require_key_visible(new.id)
    diff = bank_service.diff_versions(old, new)
    return render_template("organiser/bank_compare.html", bank=bank, diff=diff, old=old, new=new)


@bp.get("/banks/versions/<int:version_id>/export/<fmt>")
def bank_export(version_id: int, fmt: str):
    """Download a version as YAML, GIFT, Excel or CSV."""
    if fmt not in bank_service.FORMATS:
        abort(404)
    version = version_or_404(version_id)
    data = bank_service.export_version(version, fmt)
    return send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        max_age=0,
        download_name=bank_service.export_filename(version, fmt),
    )


@bp.get("/banks/template.xlsx")
def bank_template():
    """Download the empty Excel template for writing questions (as `quizapp bank template`
    writes it: generated, so an installed package needs no file from the clone)."""
    require_bank_reader()
    return send_file(
        io.BytesIO(write_template()),
        mimetype=MIMETYPES["xlsx"],
        as_attachment=True,
        download_name="mau-ngan-hang-cau-hoi.xlsx",
        max_age=0,
    )
