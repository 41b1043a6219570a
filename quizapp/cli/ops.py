"""Commands for operators: backup and restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from quizapp.cli.unit import command
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.services import backup as backups


@command("backup")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp đích (mặc định: instance/backups/quizapp-<thời điểm>.sqlite|.dump).",
)
@click.option(
    "--print", "print_only", is_flag=True, help="Với PostgreSQL: chỉ in lệnh pg_dump, không chạy."
)
def backup_command(out: Path | None, print_only: bool) -> None:
    """Back up the database while the app keeps serving (SQLite online backup or pg_dump)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    out = out or backups.default_backup_path(
        url, Path(current_app.instance_path) / "backups", now_utc()
    )
    if print_only:
        if db.engine.dialect.name == "sqlite":
            raise click.ClickException(
                "--print chỉ dùng cho PostgreSQL; SQLite được sao lưu trực tiếp."
            )
        click.echo(backups.pg_dump_plan(url, out).shell())
        return
    try:
        backups.backup(url, out)
    except backups.BackupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Đã sao lưu vào {out} ({out.stat().st_size} byte).")


@command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Xác nhận: dữ liệu hiện tại bị thay bằng bản sao lưu.")
@click.option(
    "--print",
    "print_only",
    is_flag=True,
    help="Với PostgreSQL: chỉ in lệnh pg_restore, không chạy.",
)
def restore_command(source: Path, yes: bool, print_only: bool) -> None:
    """Replace the database's content with the backup SOURCE."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if print_only:
        if db.engine.dialect.name == "sqlite":
            raise click.ClickException("--print chỉ dùng cho PostgreSQL.")
        click.echo(backups.pg_restore_plan(url, source).shell())
        return
    if not yes:
        raise click.ClickException(
            "Khôi phục sẽ thay toàn bộ dữ liệu hiện tại bằng bản sao lưu. Thêm --yes để xác nhận."
        )
    # Our own pooled connections would hold locks that pg_restore --clean must take.
    db.session.remove()
    db.engine.dispose()
    try:
        backups.restore(url, source)
    except backups.BackupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Đã khôi phục từ {source}.")


COMMANDS = [backup_command, restore_command]
