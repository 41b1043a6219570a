"""Bank upload: file → preview (counts, every error with its place, first questions) → confirm → import."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Bank, Unit
from quizapp.policy import Action, Area
from quizapp.services import banks as bank_service
from quizapp.services import uploads
from quizapp.services.banks.importer import choose_slug
from quizapp.services.banks.lint import add_lint_warnings
from quizapp.web.organiser.bank_forms import NEW_BANK, BankUploadForm
from quizapp.web.organiser.common import now, record, unit_choices, user
from quizapp.web.organiser.forms import ConfirmForm
from quizapp.web.organiser.views import bp

KIND = "bank"
PREVIEW_QUESTIONS = 5


def _require_bank_manager() -> None:
    if not policy.may_open(user(), Area.BANK_UPLOAD):
        abort(403)


def _form() -> BankUploadForm:
    form = BankUploadForm()
    visible = db.session.scalars(
        select(Bank).where(policy.bank_filter(user())).order_by(Bank.title)
    )
    manageable = [b for b in visible if policy.can_manage_bank(user(), b)]
    form.target.choices = [(NEW_BANK, _("Ngân hàng mới"))] + [
        (str(b.id), _("Phiên bản mới của «%(title)s» (%(slug)s)", title=b.title, slug=b.slug))
        for b in manageable
    ]
    form.owner.choices = unit_choices(Action.MANAGE_BANKS)
    if request.method == "GET":
        wanted = request.args.get("bank", "")
        form.target.data = wanted if wanted in form.target.values else NEW_BANK
        form.owner.data = form.owner.values[0] if form.owner.values else None
    return form


@bp.route("/banks/upload", methods=["GET", "POST"])
def bank_upload():
    """Choose a file and where it goes; the next page shows what would be imported."""
    _require_bank_manager()
    form = _form()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        token = uploads.save(
            KIND,
            upload.filename or "",
            data,
            user().id,
            now(),
            extra={
                "target": form.target.data,
                "slug": (form.slug.data or "").strip() or None,
                "owner": form.owner.data,
            },
        )
        return redirect(url_for(".bank_preview", token=token))
    return render_template("organiser/bank_upload.html", form=form), 400 if form.errors else 200


def _pending(token: str):
    """The stored upload, its parsed bank and the import plan (slug, existing bank, owner, blocking problem)."""
    _require_bank_manager()
    stored = uploads.load(token, KIND, user().id, now())
    if stored is None:
        return None
    parsed = bank_service.load_bank_file(stored.filename, stored.data)
    target, slug = stored.extra.get("target"), stored.extra.get("slug")
    owner = db.session.get(Unit, stored.extra.get("owner") or 0)
    problem, bank = None, None
    if target != NEW_BANK:
        bank = db.session.get(Bank, int(target)) if str(target).isdigit() else None
        if bank is None or not policy.can_manage_bank(user(), bank):
            abort(403)
        slug = bank.slug
    else:
        if owner is None or not policy.can(user(), Action.MANAGE_BANKS, owner):
            abort(403)
        try:
            slug = choose_slug(parsed, slug)
        except bank_service.BankImportError as err:
            problem = str(err)
        else:
            if db.session.scalar(select(Bank.id).where(Bank.slug == slug)) is not None:
                problem = _(
                    "Đã có ngân hàng mã «%(slug)s». Để cập nhật ngân hàng đó, hãy chọn nó ở ô «Nhập vào»; "
                    "nếu là ngân hàng khác, hãy đặt mã khác.",
                    slug=slug,
                )
    return stored, parsed, {"slug": slug, "bank": bank, "owner": owner, "problem": problem}


@bp.get("/banks/upload/<token>")
def bank_preview(token: str):
    """What the file contains and every problem in it, before anything is written."""
    pending = _pending(token)
    if pending is None:
        flash(_("Tệp tải lên không còn (đã quá hạn hoặc đã nhập). Hãy tải lên lại."), "error")
        return redirect(url_for(".bank_upload"))
    stored, parsed, plan = pending
    add_lint_warnings(parsed)  # the same item-writing warnings as `quizapp bank check`
    return render_template(
        "organiser/bank_preview.html",
        stored=stored,
        parsed=parsed,
        plan=plan,
        summary=parsed.summary(),
        first=parsed.questions[:PREVIEW_QUESTIONS],
        form=ConfirmForm(),
    )


@bp.post("/banks/upload/<token>")
def bank_confirm(token: str):
    """Import the previewed file as a new version (all or nothing)."""
    pending = _pending(token)
    form = ConfirmForm()
    if pending is None or not form.validate_on_submit():
        flash(_("Tệp tải lên không còn (đã quá hạn hoặc đã nhập). Hãy tải lên lại."), "error")
        return redirect(url_for(".bank_upload"))
    stored, parsed, plan = pending
    if parsed.errors or plan["problem"]:
        return redirect(url_for(".bank_preview", token=token))
    result = bank_service.import_bank(
        parsed, slug=plan["slug"], imported_by=user(), now=now(), owner_unit=plan["owner"]
    )
    bank = result.version.bank
    if result.created:
        owner = db.session.get(Unit, bank.owner_unit_id) if bank.owner_unit_id else None
        record(
            "bank.import",
            owner,
            target=f"{bank.slug} v{result.version.number}",
            after={
                "bank": bank.slug,
                "version": result.version.number,
                "questions": result.version.question_count,
                "file": stored.filename,
                "sha256": stored.sha256,
            },
        )
    uploads.discard(token)
    flash(result.message, "success" if result.created else "info")
    return redirect(url_for(".bank_detail", bank_id=bank.id))
