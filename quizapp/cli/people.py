"""Commands for administrators: first admin account, grants."""
from __future__ import annotations

import click
from sqlalchemy import select

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Role, Unit
from quizapp.services import accounts, grants


def register(app) -> None:
    """Add the people commands."""

    @app.cli.command("create-admin")
    @click.argument("login")
    @click.option("--name", default="Quản trị hệ thống", show_default=True)
    @click.password_option()
    def create_admin(login: str, name: str, password: str) -> None:
        """Create an administrator account."""
        try:
            user = accounts.create_staff_user(login, name, password, now_utc())
        except accounts.AccountError as err:
            raise click.ClickException(f"Không tạo được tài khoản: {err}") from err
        grants.grant_role(user, Role.ADMIN, None, None, now_utc())
        db.session.commit()
        click.echo(f"Đã tạo quản trị viên {login}.")

    @app.cli.command("grant")
    @click.argument("role", type=click.Choice([r.value for r in Role if r != Role.MEMBER]))
    @click.argument("login")
    @click.argument("unit_code", required=False)
    def grant(role: str, login: str, unit_code: str | None) -> None:
        """Grant ROLE to LOGIN on the unit UNIT_CODE (not needed for admin)."""
        user = accounts.find_user(login)
        if user is None:
            raise click.ClickException(f"Không có tài khoản '{login}'.")
        unit = None
        if role != Role.ADMIN:
            if not unit_code:
                raise click.ClickException("Cần mã đơn vị cho vai trò này.")
            unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                raise click.ClickException(f"Không có đơn vị mã '{unit_code}'.")
        try:
            made = grants.grant_role(user, role, unit, None, now_utc())
        except grants.GrantError as err:
            raise click.ClickException(f"Không cấp được quyền: {err}") from err
        if made is None:
            click.echo("Quyền này đã có.")
            return
        db.session.commit()
        click.echo(f"Đã cấp quyền {role} cho {login}" + (f" trên {unit.name}." if unit else "."))
