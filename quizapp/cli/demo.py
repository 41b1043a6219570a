"""`quizapp demo`: load the demo province and print the demo logins."""

from __future__ import annotations

import logging

import click
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from quizapp.cli.unit import checkpoint, command
from quizapp.clock import now_utc
from quizapp.services.demo import province as demo
from quizapp.services.demo.contest import add_demo_contest
from quizapp.services.demo.quiz import add_demo_quiz


@command("demo", help="Nạp dữ liệu mẫu Tỉnh đoàn Sơn La và in các tài khoản dùng thử.")
@click.option("--if-empty", is_flag=True, help="Không làm gì nếu cơ sở dữ liệu đã có đơn vị.")
@click.option("--members", default=3000, show_default=True, help="Số đoàn viên mẫu.")
@click.option(
    "--seed",
    default=1,
    show_default=True,
    help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).",
)
@click.option(
    "--activity/--no-activity",
    default=True,
    show_default=True,
    help="Cho một phần đoàn viên làm bài trong những ngày đã qua, để báo cáo có số liệu.",
)
def demo_command(if_empty: bool, members: int, seed: int, activity: bool) -> None:
    """Load the demo province (Tỉnh đoàn Sơn La) with members and one account per role."""
    if not demo.database_is_empty():
        if if_empty:
            click.echo(_("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu."))
            echo_logins(None)
            return
        raise click.ClickException(
            _("Cơ sở dữ liệu đã có đơn vị; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
        )
    now = now_utc()
    result = demo.build_demo(now, members=members, seed=seed)
    checkpoint()  # the province stays even if the demo activity is interrupted
    click.echo(
        _(
            "Đã nạp dữ liệu mẫu: %(units)d đơn vị, %(members)d đoàn viên.",
            units=result["unit_count"],
            members=result["members"],
        )
    )
    if activity:
        click.echo(_("Đang cho đoàn viên mẫu làm bài trong những ngày đã qua…"))
    quiz, counts = add_demo_quiz(result, now, activity=activity, seed=seed)
    click.echo(
        _(
            "Đợt kiểm tra «%(title)s» đang mở; %(n)d đoàn viên mẫu đã nộp bài.",
            title=quiz.title,
            n=counts["finished"],
        )
    )
    contest = add_demo_contest(result, quiz.bank_version, now, activity=activity, seed=seed)
    click.echo(
        _(
            "Cuộc thi «%(title)s»: %(n)d vòng (vòng đầu đã đóng và công bố kết quả).",
            title=contest.title,
            n=len(contest.rounds),
        )
    )
    echo_logins(result)


def echo_logins(result: dict | None) -> None:
    """Print the demo accounts (from the build result, or the fixed ones when it already exists)."""
    credentials = result["credentials"] if result else demo.existing_credentials()
    click.echo(logins_text(credentials, result["activation"] if result else None))


def logins_text(
    credentials: list[tuple[str, str, str]], activation: tuple[str, str] | None = None
) -> str:
    """The demo accounts as a few lines of text, framed by blank lines."""
    width = max((len(login) for _label, login, _pw in credentials), default=0)
    lines = [
        "",
        _("Tài khoản dùng thử (mật khẩu chung: %(password)s):", password=demo.DEMO_PASSWORD),
    ]
    lines += [f"  {login.ljust(width)}  {label}" for label, login, _password in credentials]
    if activation:
        lines.append(
            _(
                "Thử kích hoạt tài khoản: đoàn viên %(login)s, mã kích hoạt %(code)s.",
                login=activation[0],
                code=activation[1],
            )
        )
    return "\n".join([*lines, ""])


class _LoginsUnderBanner(logging.Filter):
    """Adds the demo logins to the development server's "Press CTRL+C to quit" line, once."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.text and "CTRL+C" in str(record.msg):
            record.msg = f"{record.msg}\n{self.text}"
            self.text = ""
        return True


def show_logins_when_serving(app) -> None:
    """Under `quizapp run` on the demo, repeat its logins right under the server's banner, where
    they stay in the first lines of the server's output instead of scrolling away with traffic."""
    with app.app_context():
        try:
            credentials = demo.existing_credentials()
        except SQLAlchemyError:  # not migrated yet: the server's own error says what to do
            return
    if credentials:
        logging.getLogger("werkzeug").addFilter(_LoginsUnderBanner(logins_text(credentials)))


COMMANDS = [demo_command]
