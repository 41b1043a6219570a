"""Paper slips from a chapter secretary: their address is one the member can reach, each carries
a QR code of a link that opens the activation form filled in, and the code is never logged."""

import logging
import re

import pytest
from sqlalchemy import select

from quizapp import create_app
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.logging import JsonLineFormatter
from quizapp.models import User
from quizapp.services import accounts
from quizapp.web import links

PASSWORD = "mat-khau-rieng-2025"


@pytest.fixture
def pending(roles, make):
    """Two members of chi đoàn Nà Sản without accounts yet."""
    make.member(roles["tree"]["na_san"], "Quàng Văn Sơn", code="DV100")
    make.member(roles["tree"]["na_san"], "Cầm Thị Hoa", code="DV101")
    db.session.commit()
    return roles


def _print_slips(client, login, roles, **request):
    login(roles["users"]["district_secretary"])
    unit = roles["tree"]["na_san"]
    return client.post(f"/accounts/unit/{unit.id}/codes", data={"slips": "1"}, **request).get_data(
        as_text=True
    )


def _slips_served_at(app, roles, base_url, headers=None, **config) -> str:
    """The slips page as a secretary reaching the site at `base_url` sees it, served by an app on
    the same database that, like production, answers on any host name."""
    unit_id = roles["tree"]["na_san"].id
    db.session.commit()  # and touch nothing of this session until the other app is done (SQLite's lock)
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            **config,
        }
    )
    with other.app_context():
        client = other.test_client()
        with client.session_transaction(base_url=base_url) as session:
            session["_user_id"] = db.session.scalar(
                select(User).where(User.login == "bithu.maison")
            ).get_id()
            session["_fresh"] = True
        page = client.post(
            f"/accounts/unit/{unit_id}/codes",
            data={"slips": "1"},
            base_url=base_url,
            headers=headers or {},
        ).get_data(as_text=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return page


def test_without_a_configured_address_slips_use_the_one_the_secretary_came_in_on(pending, app):
    page = _slips_served_at(app, pending, "http://thi.doansonla.vn")
    assert "http://thi.doansonla.vn/auth/activate" in page
    assert "127.0.0.1" not in page


def test_each_slip_has_a_qr_code_of_its_own_filled_in_link(pending, client, login, app):
    app.config["SITE_URL"] = "https://thi.doan.vn"
    page = _print_slips(client, login, pending)
    slips = re.findall(
        r'<dd class="mono">(DV\d+)</dd>.*?<dd class="mono slip-code">(\w{4}) (\w+)</dd>', page, re.S
    )
    assert sorted(login for login, _a, _b in slips) == ["DV100", "DV101"]
    with app.test_request_context("/", base_url="https://thi.doan.vn"):
        for login_, first, rest in slips:
            link = f"https://thi.doan.vn/auth/activate?login={login_}&code={first}{rest}"
            assert links.activation_link(login_, first + rest) == link
            drawn = str(links.qr_svg(link, "x"))
            path = re.search(r' d="([^"]+)"', drawn).group(1)
            assert path in page, f"the QR of {login_}'s slip does not encode {link}"
    assert (
        page.count("<svg") == 2 and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    )


def test_the_qr_link_opens_the_activation_form_filled_in_and_activates(pending, client, app):
    slip = accounts.issue_codes_for_unit(pending["tree"]["na_san"], None, now_utc()).slips[0]
    db.session.commit()
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(JsonLineFormatter().format(record))

    keep, logger = Keep(), logging.getLogger("quizapp")
    level = logger.level
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)  # whatever an earlier test left: the request line must be seen
    try:
        form = client.get(f"/auth/activate?login={slip.login}&code={slip.code}").get_data(
            as_text=True
        )
    finally:
        logger.removeHandler(keep)
        logger.setLevel(level)
    assert f'value="{slip.login}"' in form and f'value="{slip.code}"' in form
    assert lines and not any(slip.code in line for line in lines)
    reply = client.post(
        "/auth/activate",
        data={"login": slip.login, "code": slip.code, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert reply.status_code == 302
    assert accounts.authenticate(slip.login, PASSWORD, now_utc()) is not None


def test_the_activation_link_typed_by_hand_still_works(client):
    page = client.get("/auth/activate").get_data(as_text=True)
    assert 'name="login"' in page and 'name="code"' in page


@pytest.mark.parametrize(
    "trusted, expected", [(0, "http://app.internal"), (1, "https://thi.doan.vn")]
)
def test_behind_a_proxy_the_forwarded_address_counts_only_when_trusted(
    pending, app, trusted, expected
):
    page = _slips_served_at(
        app,
        pending,
        "http://app.internal",
        {
            "X-Forwarded-Host": "thi.doan.vn",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9",
        },
        PROXY_HOPS=trusted,
    )
    assert f"{expected}/auth/activate" in page


def test_production_without_an_address_warns_on_the_console_until_it_is_set(
    roles, client, login, app
):
    app.config["PRODUCTION"] = True
    login(roles["users"]["organiser"])
    assert "QUIZAPP_SITE_URL" in client.get("/org/").get_data(as_text=True)
    app.config["SITE_URL"] = "https://thi.doan.vn"
    assert "QUIZAPP_SITE_URL" not in client.get("/org/").get_data(as_text=True)


def test_codes_from_the_command_line_warn_when_no_address_is_set(pending, runner, app):
    result = runner.invoke(args=["activation-codes", pending["tree"]["na_san"].code])
    assert result.exit_code == 0, result.output
    assert "QUIZAPP_SITE_URL" in result.output
    app.config["SITE_URL"] = "https://thi.doan.vn"
    result = runner.invoke(args=["activation-codes", pending["tree"]["na_san"].code])
    assert "QUIZAPP_SITE_URL" not in result.output
    assert "https://thi.doan.vn/auth/activate?login=DV100&code=" in result.output
