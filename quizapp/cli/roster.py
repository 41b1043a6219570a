"""`quizapp import-roster`: the roster import of the web console, from a terminal."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask_babel import gettext as _
from sqlalchemy import select

from quizapp.cli.unit import checkpoint, command, discard
from quizapp.clock import now_utc, to_local
from quizapp.extensions import db
from quizapp.models import Unit
from quizapp.services.roster import (
    RosterOptions,
    RosterReport,
    apply_roster_plan,
    parse_roster,
    plan_roster_import,
)

SHOWN_EXAMPLES = 10


@command(
    "import-roster",
    help="Nhập danh sách đoàn viên từ tệp .xlsx hoặc .csv (UTF-8); có một dòng "
    "sai thì không ghi gì. Xem docs/roster-format.md.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và báo cáo, không ghi gì.")
@click.option("--create-units", is_flag=True, help="Tạo chi đoàn (và đơn vị cấp trên) chưa có.")
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="Khóa đoàn viên đang hoạt động trong phạm vi nhưng không có trong tệp.",
)
@click.option(
    "--unit",
    "unit_code",
    metavar="MÃ_ĐƠN_VỊ",
    help="Giới hạn việc nhập trong đơn vị này (mặc định: toàn bộ hệ thống).",
)
@click.option("--timings", is_flag=True, help="In thời gian của từng bước.")
@click.option(
    "--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho kịch bản tự động)."
)
def import_roster(
    file: Path,
    dry_run: bool,
    create_units: bool,
    deactivate_missing: bool,
    unit_code: str | None,
    timings: bool,
    as_json: bool,
) -> None:
    """Import a roster FILE (.csv UTF-8 or .xlsx); nothing is written if any row is wrong."""
    scope = None
    if unit_code:
        scope = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if scope is None:
            raise click.ClickException(_("Không có đơn vị mã '%(code)s'.", code=unit_code))
    now = now_utc()
    clock = _Stopwatch(timings and not as_json)
    parsed = parse_roster(file.name, file.read_bytes())
    clock.lap("parse", _("đọc tệp"))
    plan = plan_roster_import(
        parsed, RosterOptions(create_units, deactivate_missing, scope), today=to_local(now).date()
    )
    del parsed  # the plan keeps what it needs; free the raw rows before writing
    clock.lap("plan", _("kiểm tra và so sánh"))
    if plan.ok and not dry_run:
        apply_roster_plan(plan, None, now)
        clock.lap("apply", _("ghi"))
        checkpoint()  # timed on its own: the commit is a large part of a big import
        clock.lap("commit", _("lưu (commit)"))
    else:
        discard()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "summary": plan.report.summary(),
                    "applied": plan.report.applied,
                    "timings": clock.laps,
                    "errors": [str(e) for e in plan.report.errors],
                },
                ensure_ascii=False,
            )
        )
    else:
        echo_report(plan.report, file.name, dry_run, deactivate_missing)
    if not plan.ok:
        raise SystemExit(1)


class _Stopwatch:
    """Prints how long each step took, when asked to."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, key: str, label: str) -> None:
        now = time.perf_counter()
        self.laps[key] = round(now - self.last, 3)
        if self.enabled:
            click.echo(_("[thời gian] %(step)s: %(s).2f giây", step=label, s=now - self.last))
        self.last = now


def echo_report(
    report: RosterReport, filename: str, dry_run: bool, deactivate_missing: bool
) -> None:
    """Print an import report in Vietnamese."""
    click.echo(_("Tệp %(name)s: %(n)d dòng đoàn viên.", name=filename, n=report.rows))
    click.echo(
        _(
            "Thêm mới: %(added)d · Cập nhật: %(updated)d · Chuyển chi đoàn: %(moved)d · "
            "Kích hoạt lại: %(reactivated)d · Không đổi: %(unchanged)d",
            added=report.added,
            updated=report.updated,
            moved=report.moved,
            reactivated=report.reactivated,
            unchanged=report.unchanged,
        )
    )
    if deactivate_missing:
        click.echo(
            _("Không có trong tệp: %(n)d (khóa %(d)d).", n=report.absent, d=report.deactivated)
        )
    else:
        click.echo(
            _(
                "Không có trong tệp: %(n)d (giữ nguyên; dùng --deactivate-missing để khóa).",
                n=report.absent,
            )
        )
    for kind, title in (("moved", _("Chuyển chi đoàn")), ("absent", _("Không có trong tệp"))):
        examples = report.samples[kind][:SHOWN_EXAMPLES] if report.ok else []
        if examples:
            click.echo(f"{title}:")
            for change in examples:
                click.echo(f"  {change.code}  {change.full_name}  {change.detail}")
    if report.units_created and report.ok:
        click.echo(_("Đơn vị tạo mới: %(n)d", n=len(report.units_created)))
        for code, name, parent in report.units_created[: SHOWN_EXAMPLES * 3]:
            click.echo(f"  {code}  {name}" + (f"  ({parent})" if parent else ""))
    for issue in report.warnings:
        click.echo(_("Lưu ý: %(issue)s", issue=str(issue)))
    if report.error_count:
        click.echo(_("Có %(n)d lỗi:", n=report.error_count))
        for issue in report.errors:
            click.echo(f"  {issue}")
        if report.error_count > len(report.errors):
            click.echo(_("  … và %(n)d lỗi khác.", n=report.error_count - len(report.errors)))
        click.echo(_("Không ghi gì vào cơ sở dữ liệu. Hãy sửa các dòng trên rồi nhập lại."))
    elif dry_run:
        click.echo(_("Chạy thử: chưa ghi gì vào cơ sở dữ liệu."))
    else:
        click.echo(_("Đã ghi danh sách vào cơ sở dữ liệu."))


COMMANDS = [import_roster]
