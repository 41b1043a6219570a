"""`quizapp bank …`: check, import, export, list and compare question banks."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from quizapp import formatting
from quizapp.cli.unit import group
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Bank, BankVersion
from quizapp.services import banks
from quizapp.services.banks.csv_format import write_csv_template
from quizapp.services.banks.lint import add_lint_warnings
from quizapp.services.banks.problems import render
from quizapp.services.banks.xlsx_format import write_template

TYPE_LABELS = {
    "single": _l("một đáp án"),
    "multiple": _l("nhiều đáp án"),
    "true_false": _l("đúng sai"),
    "short": _l("trả lời ngắn"),
    "numeric": _l("số"),
}


def say(text) -> None:
    """Print a lazy translatable message (works without a request)."""
    click.echo(render(text))


def _types(counts: dict) -> str:
    # None: a question whose type could not be read (its error is listed above).
    return ", ".join(
        f"{render(TYPE_LABELS.get(t, t) if t else _l('chưa rõ loại'))}: {n}"
        for t, n in counts.items()
    )


def _read(path: str) -> banks.ParsedBank:
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(render(_l("Không tìm thấy tệp «%(path)s».", path=path)))
    return banks.load_bank_file(file.name, file.read_bytes())


def _report(parsed: banks.ParsedBank) -> None:
    summary = parsed.summary()
    if summary["questions"]:
        say(
            _l(
                "%(count)s câu hỏi trong %(topics)s chủ đề (%(types)s).",
                count=summary["questions"],
                topics=len(summary["topics"]),
                types=_types(summary["by_type"]),
            )
        )
        for topic in summary["topics"]:
            click.echo(f"  - {topic['title']}: {topic['questions']} ({_types(topic['by_type'])})")
    for problem in parsed.errors:
        click.echo(render(_l("LỖI")) + f" {problem}", err=True)
    for problem in parsed.warnings:
        click.echo(render(_l("Cảnh báo")) + f" {problem}", err=True)
    say(
        _l(
            "%(errors)s lỗi, %(warnings)s cảnh báo.",
            errors=len(parsed.errors),
            warnings=len(parsed.warnings),
        )
    )


def _version(slug: str, number: int | None) -> BankVersion:
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None or not bank.versions:
        raise click.ClickException(render(_l("Không có ngân hàng «%(slug)s».", slug=slug)))
    if number is None:
        return bank.latest
    for version in bank.versions:
        if version.number == number:
            return version
    raise click.ClickException(
        render(_l("Ngân hàng «%(slug)s» không có phiên bản %(number)s.", slug=slug, number=number))
    )


@group("bank")
def bank_group() -> None:
    """Question banks: check, import, export, list."""


@bank_group.command("check")
@click.argument("file")
def check(file: str) -> None:
    """Validate FILE and summarise it per topic and type; nothing is written."""
    parsed = add_lint_warnings(_read(file))  # item-writing advice: warnings, never errors
    _report(parsed)
    if parsed.errors:
        sys.exit(1)


@bank_group.command("import")
@click.argument("file")
@click.option("--slug", help="Mã ngân hàng (mặc định: trong tệp, hoặc theo tên tệp).")
def import_(file: str, slug: str | None) -> None:
    """Import FILE as a new version of its bank (all or nothing)."""
    parsed = _read(file)
    if parsed.errors:
        _report(parsed)
        raise click.ClickException(render(_l("Chưa nhập gì vì tệp còn lỗi.")))
    try:
        result = banks.import_bank(parsed, slug=slug, now=now_utc())
    except banks.BankImportError as err:
        raise click.ClickException(str(err)) from err
    for problem in parsed.warnings:
        click.echo(render(_l("Cảnh báo")) + f" {problem}", err=True)
    click.echo(result.message)


@bank_group.command("export")
@click.argument("slug")
@click.option("--version", "number", type=int, help="Số phiên bản (mặc định: mới nhất).")
@click.option("--format", "fmt", type=click.Choice(banks.FORMATS), required=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Tệp ghi ra (mặc định: màn hình).")
def export(slug: str, number: int | None, fmt: str, out: str | None) -> None:
    """Export a version of bank SLUG as yaml, gift, xlsx or csv."""
    version = _version(slug, number)
    data = banks.export_version(version, fmt)
    if out:
        Path(out).write_bytes(data)
        say(_l("Đã ghi %(path)s (phiên bản %(number)s).", path=out, number=version.number))
    elif fmt == "xlsx":
        raise click.ClickException(render(_l("Tệp Excel cần --out TỆP.")))
    else:
        click.echo(data.decode("utf-8"), nl=False)


@bank_group.command("list")
def list_() -> None:
    """List banks with their newest version."""
    rows = db.session.scalars(select(Bank).order_by(Bank.slug)).all()
    if not rows:
        say(_l("Chưa có ngân hàng câu hỏi nào."))
    for bank in rows:
        latest = bank.latest
        if latest is None:
            continue
        click.echo(
            render(
                _l(
                    "%(slug)s — %(title)s: phiên bản %(number)s, %(count)s câu, nhập lúc %(at)s",
                    slug=bank.slug,
                    title=bank.title,
                    number=latest.number,
                    count=latest.question_count,
                    at=formatting.time_text(latest.imported_at) if latest.imported_at else "?",
                )
            )
        )


@bank_group.command("diff")
@click.argument("slug")
@click.argument("old", type=int)
@click.argument("new", type=int)
def diff(slug: str, old: int, new: int) -> None:
    """Show questions added, changed and removed between versions OLD and NEW of SLUG."""
    result = banks.diff_versions(_version(slug, old), _version(slug, new))
    for q in result.added:
        click.echo(f"+ {q.uid}: {q.stem[:80]}")
    for change in result.changed:
        click.echo(f"~ {change.uid}: {', '.join(change.fields)}")
    for q in result.removed:
        click.echo(f"- {q.uid}: {q.stem[:80]}")
    say(
        _l(
            "%(added)s câu thêm, %(changed)s câu sửa, %(removed)s câu bỏ, %(same)s câu giữ nguyên.",
            added=len(result.added),
            changed=len(result.changed),
            removed=len(result.removed),
            same=result.unchanged,
        )
    )


@bank_group.command("template")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), required=True)
def template(fmt: str, out: str) -> None:
    """Write the empty spreadsheet template organisers fill in."""
    Path(out).write_bytes(write_template() if fmt == "xlsx" else write_csv_template())
    say(_l("Đã ghi %(path)s.", path=out))


COMMANDS = [bank_group]
