"""Commands for people: the first admin account, grants, activation codes for a unit."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from quizapp import formatting, policy
from quizapp.cli.unit import command
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Member, Role
from quizapp.services import accounts, grants, org
from quizapp.services.exports import to_csv
from quizapp.web import links
from quizapp.web.auth.forms import PASSWORD_MESSAGES, password_message


def account_error(key: str) -> str:
    """An AccountError key as a Vietnamese sentence."""
    return {
        "login_taken": _("Tên đăng nhập này đã có người dùng."),
        "too_short": _("Mật khẩu cần ít nhất %(n)d ký tự.", n=accounts.MIN_PASSWORD_LENGTH),
        "protected": _(
            "Tài khoản này giữ vai trò rộng hơn quyền của người thực hiện. Chỉ người có quyền "
            "trên mọi vai trò đó, hoặc quản trị viên hệ thống, mới cấp được mã."
        ),
    }.get(key) or (password_message(key) if key in PASSWORD_MESSAGES else key)


def grant_error(key: str) -> str:
    """A GrantError key as a Vietnamese sentence."""
    return {
        "unknown_role": _("Vai trò không hợp lệ."),
        "unit_required": _("Vai trò này cần một đơn vị."),
    }.get(key, key)


def _actor(login: str | None, unit):
    """The account the command acts for (None: the server's operator, who may do anything)."""
    if login is None:
        return None
    actor = accounts.find_user(login)
    if actor is None:
        raise click.ClickException(_("Không có tài khoản '%(login)s'.", login=login))
    if not policy.can(actor, policy.Action.MANAGE_ACCOUNTS, unit):
        raise click.ClickException(
            _(
                "Tài khoản %(login)s không có quyền cấp mã trên %(unit)s.",
                login=actor.login,
                unit=unit.name,
            )
        )
    return actor


def personal_link(slip: accounts.Slip) -> str:
    """The member's own activation link (QUIZAPP_SITE_URL, else this machine's address)."""
    return links.activation_link(slip.login, slip.code)


@command("create-admin", help="Tạo tài khoản quản trị hệ thống LOGIN (mặc định: admin).")
@click.argument("login", default="admin")
@click.option("--name", default="Quản trị hệ thống", show_default=True, help="Tên hiển thị.")
@click.password_option(
    envvar="QUIZAPP_ADMIN_PASSWORD", help="Mật khẩu (hoặc biến QUIZAPP_ADMIN_PASSWORD)."
)
def create_admin(login: str, name: str, password: str) -> None:
    """Create an administrator account LOGIN (default: admin)."""
    now = now_utc()
    try:
        user = accounts.create_staff_user(login, name, password, now)
    except accounts.AccountError as err:
        raise click.ClickException(
            _("Không tạo được tài khoản: %(why)s", why=account_error(str(err)))
        ) from err
    db.session.flush()
    grants.grant_role(user, Role.ADMIN, None, None, now)
    click.echo(_("Đã tạo quản trị viên %(login)s.", login=user.login))


@command(
    "grant",
    help="Cấp vai trò ROLE cho tài khoản LOGIN trên đơn vị UNIT_CODE (admin không cần đơn vị).",
)
@click.argument("role", type=click.Choice([r.value for r in Role if r != Role.MEMBER]))
@click.argument("login")
@click.argument("unit_code", required=False)
def grant(role: str, login: str, unit_code: str | None) -> None:
    """Grant ROLE to the account LOGIN on the unit UNIT_CODE (not needed for admin)."""
    user = accounts.find_user(login)
    if user is None:
        raise click.ClickException(_("Không có tài khoản '%(login)s'.", login=login))
    unit = None
    if role != Role.ADMIN:
        if not unit_code:
            raise click.ClickException(_("Vai trò này cần mã đơn vị."))
        unit = org.find_unit(unit_code)
        if unit is None:
            raise click.ClickException(_("Không có đơn vị mã '%(code)s'.", code=unit_code))
    try:
        made = grants.grant_role(user, role, unit, None, now_utc())
    except grants.GrantError as err:
        raise click.ClickException(
            _("Không cấp được quyền: %(why)s", why=grant_error(str(err)))
        ) from err
    if made is None:
        click.echo(_("Tài khoản này đã có quyền đó."))
        return
    if unit is None:
        click.echo(_("Đã cấp quyền %(role)s cho %(login)s.", role=role, login=user.login))
    else:
        click.echo(
            _(
                "Đã cấp quyền %(role)s cho %(login)s trên %(unit)s.",
                role=role,
                login=user.login,
                unit=unit.name,
            )
        )


@command("reset-code", help="Đặt lại mật khẩu của đoàn viên MEMBER_CODE và in mã kích hoạt mới.")
@click.argument("member_code")
@click.option(
    "--as",
    "acting_as",
    metavar="LOGIN",
    help="Làm thay cho tài khoản LOGIN: áp dụng đúng quyền của người đó (như trên trang web).",
)
def reset_code(member_code: str, acting_as: str | None) -> None:
    """Reset MEMBER_CODE's password and print a new activation code (the rule of the web console)."""
    member = db.session.scalar(select(Member).where(Member.code == member_code))
    if member is None:
        raise click.ClickException(_("Không có đoàn viên mã '%(code)s'.", code=member_code))
    actor = _actor(acting_as, member.chapter)
    try:
        slip = accounts.reset_member_password(member, actor, now_utc())
    except accounts.AccountError as err:
        raise click.ClickException(account_error(str(err))) from err
    click.echo(
        _(
            "Mã kích hoạt mới của %(login)s: %(code)s (dùng trước %(until)s)",
            login=slip.login,
            code=slip.code,
            until=formatting.date_text(slip.expires_at),
        )
    )


@command(
    "activation-codes",
    help="Tạo mã kích hoạt cho mọi đoàn viên chưa có mật khẩu trong đơn vị "
    "UNIT_CODE; in ra CSV hoặc ghi vào tệp --out.",
)
@click.argument("unit_code")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi ra tệp CSV (mặc định: in ra màn hình).",
)
@click.option(
    "--as",
    "acting_as",
    metavar="LOGIN",
    help="Làm thay cho tài khoản LOGIN: áp dụng đúng quyền của người đó (như trên trang web).",
)
def activation_codes(unit_code: str, out: Path | None, acting_as: str | None) -> None:
    """Activation codes for every member of UNIT_CODE's subtree who has no password yet."""
    unit = org.find_unit(unit_code)
    if unit is None:
        raise click.ClickException(_("Không có đơn vị mã '%(code)s'.", code=unit_code))
    actor = _actor(acting_as, unit)
    batch = accounts.issue_codes_for_unit(unit, actor, now_utc())
    if not current_app.config.get("SITE_URL"):
        click.echo(
            _(
                "Chưa đặt QUIZAPP_SITE_URL: đường dẫn trong tệp trỏ tới %(site)s. Hãy đặt địa chỉ mà "
                "đoàn viên mở được rồi tạo lại.",
                site=links.site_url(),
            ),
            err=True,
        )
    data = to_csv(*accounts.slip_table(batch.slips, personal_link))
    if out is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
    else:
        out.write_bytes(data)
    click.echo(
        _(
            "Đã tạo %(n)d mã kích hoạt cho %(unit)s; các mã cũ chưa dùng không còn hiệu lực.",
            n=len(batch.slips),
            unit=unit.name,
        ),
        err=True,
    )
    if batch.protected:
        click.echo(
            _(
                "Bỏ qua %(n)d tài khoản giữ vai trò rộng hơn quyền của %(actor)s: %(logins)s",
                n=len(batch.protected),
                actor=acting_as,
                logins=", ".join(batch.protected[:20]),
            ),
            err=True,
        )
    if batch.conflicts:
        click.echo(
            _(
                "Bỏ qua %(n)d đoàn viên vì mã đoàn viên trùng tên đăng nhập của tài khoản khác: %(codes)s",
                n=len(batch.conflicts),
                codes=", ".join(batch.conflicts[:20]),
            ),
            err=True,
        )


COMMANDS = [create_admin, grant, reset_code, activation_codes]
