"""The demo province: Sơn La from the source article, realistic members, one account per role."""

import unicodedata
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Member, Unit, UnitKind
from quizapp.services import accounts
from quizapp.services.demo import province as demo
from tests.conftest import make_app, sign_in

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def built(app):
    result = demo.build_demo(NOW, members=400)
    db.session.commit()
    return result


def test_demo_builds_son_la_with_its_districts_communes_and_chapters(built):
    names = set(db.session.scalars(select(Unit.name)))
    assert {
        "Tỉnh đoàn Sơn La",
        "Huyện đoàn Mai Sơn",
        "Đoàn xã Chiềng Dong",
        "Huyện đoàn Mộc Châu",
        "Huyện đoàn Thuận Châu",
        "Huyện đoàn Sông Mã",
        "Huyện đoàn Quỳnh Nhai",
        "Huyện đoàn Mường La",
        "Huyện đoàn Yên Châu",
        "Huyện đoàn Sốp Cộp",
        "Huyện đoàn Vân Hồ",
        "Huyện đoàn Bắc Yên",
        "Huyện đoàn Phù Yên",
        "Thành đoàn Sơn La",
    } <= names
    province = built["units"]["province"]
    assert (
        db.session.scalar(
            select(func.count()).where(Unit.parent_id == province.id, Unit.kind == "district")
        )
        >= 12
    )


def test_demo_has_a_chapter_directly_under_a_district(built):
    direct = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.CHAPTER)).all()
    assert any(u.parent.kind == UnitKind.DISTRICT for u in direct)


def test_demo_members_have_several_ethnicities_cadres_and_proper_names(built):
    assert db.session.scalar(select(func.count(Member.id))) == 400
    ethnicities = set(db.session.scalars(select(Member.ethnicity).distinct()))
    assert {"Thái", "Kinh", "Mông", "Mường"} <= ethnicities and len(ethnicities) >= 6
    assert db.session.scalar(select(func.count(Member.id)).where(Member.is_cadre.is_(True))) > 0
    names = db.session.scalars(select(Member.full_name)).all()
    assert all(unicodedata.is_normalized("NFC", n) and len(n.split()) >= 3 for n in names)
    assert any("ư" in n or "ơ" in n or "Đ" in n for n in names)


def test_every_demo_login_signs_in_with_the_printed_password(built):
    assert len(built["credentials"]) == 6
    for _label, login, password in built["credentials"]:
        assert accounts.authenticate(login, password, NOW) is not None, login


def test_the_printed_activation_code_works(built):
    login, code = built["activation"]
    accounts.redeem_activation_code(login, code, "mat-khau-moi", NOW)


def test_the_demo_is_the_same_for_the_same_seed(built, database_url, tmp_path):
    first = db.session.scalars(select(Member.full_name).order_by(Member.code)).all()
    db.session.remove()
    (tmp_path / "again").mkdir()
    other = make_app(database_url, tmp_path / "again") if database_url is None else None
    if other is None:  # PostgreSQL: one database per session, so empty it and build again
        from sqlalchemy import text

        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()
        demo.build_demo(NOW, members=400)
        second = db.session.scalars(select(Member.full_name).order_by(Member.code)).all()
    else:
        with other.app_context():
            demo.build_demo(NOW, members=400)
            second = db.session.scalars(select(Member.full_name).order_by(Member.code)).all()
            db.session.remove()
    assert first == second


def test_demo_district_secretary_sees_the_home_page_with_their_units(built, client):
    from quizapp.services.reports.roster_counts import refresh_roster_counts

    refresh_roster_counts()
    db.session.commit()
    sign_in(client, built["users"]["district_secretary"])
    page = client.get("/").get_data(as_text=True)
    assert 'lang="vi"' in page and "Đơn vị của bạn" in page
    assert "Đoàn xã Chiềng Dong" in page and "Huyện đoàn Mộc Châu" not in page


def test_demo_command_loads_once_and_prints_the_logins(runner, app):
    first = runner.invoke(args=["demo", "--if-empty", "--members", "300"])
    assert first.exit_code == 0, first.output
    assert "bithu.maison" in first.output and demo.DEMO_PASSWORD in first.output
    assert "Cuộc thi «Cuộc thi trực tuyến tìm hiểu Nghị quyết" in first.output
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "không nạp dữ liệu mẫu" in again.output and "bithu.maison" in again.output
    assert runner.invoke(args=["demo"]).exit_code != 0


@pytest.fixture
def with_activity(built):
    from quizapp.services.demo.quiz import add_demo_quiz

    quiz, counts = add_demo_quiz(built, NOW)
    db.session.commit()
    return quiz, counts


def test_demo_activity_scores_are_what_grading_the_stored_answers_gives(with_activity):
    from quizapp.models import Attempt
    from quizapp.services.attempts import lifecycle as attempts

    quiz, counts = with_activity
    stored = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id)).all()
    assert len(stored) == counts["finished"] > 50
    for attempt in stored:
        grade = attempts.grade_attempt(attempt)
        assert (attempt.score, attempt.percent) == (grade.score, grade.percent)
        assert attempt.passed == (grade.percent >= quiz.pass_mark)
        assert bool(attempt.certificate_code) == attempt.passed
        assert attempt.started_at >= quiz.opens_at and attempt.finished_at <= NOW


def test_demo_reports_match_a_brute_force_count_of_the_attempts(with_activity):
    from quizapp.models import Attempt
    from quizapp.services.reports import units

    quiz, _counts = with_activity
    province = db.session.scalar(select(Unit).where(Unit.code == "SL"))
    totals = units.unit_totals(quiz, province)
    finished = db.session.scalar(
        select(func.count(func.distinct(Attempt.member_id))).where(
            Attempt.quiz_id == quiz.id, Attempt.finished_at.is_not(None)
        )
    )
    assert totals.took_part == finished
    assert totals.members == 400


def test_every_demo_member_who_took_part_can_sign_in(with_activity):
    from quizapp.models import Attempt, User

    quiz, _counts = with_activity
    took_part = set(db.session.scalars(select(Attempt.member_id).where(Attempt.quiz_id == quiz.id)))
    without_password = set(
        db.session.scalars(
            select(Member.id)
            .outerjoin(User, User.member_id == Member.id)
            .where(Member.id.in_(took_part), User.password_hash.is_(None) | User.id.is_(None))
        )
    )
    assert took_part and not without_password
    code = db.session.scalar(select(Member.code).where(Member.id == min(took_part)))
    assert accounts.authenticate(code, demo.DEMO_PASSWORD, NOW) is not None


def test_demo_logins_are_repeated_once_under_the_server_banner(built, app):
    import logging

    from quizapp.cli.demo import show_logins_when_serving

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    server_log = logging.getLogger("werkzeug")
    keep, before = Keep(), list(server_log.filters)
    server_log.addHandler(keep)
    server_log.setLevel(logging.INFO)
    try:
        show_logins_when_serving(app)
        server_log.info(" * Running on http://127.0.0.1:5000")
        server_log.info("Press CTRL+C to quit")
        server_log.info("Press CTRL+C to quit")
    finally:
        server_log.removeHandler(keep)
        server_log.filters[:] = before
    assert "bithu.maison" not in seen[0]
    assert "Demo@2024" in seen[1] and "bithu.maison" in seen[1] and "SL000002" in seen[1]
    assert seen[2] == "Press CTRL+C to quit"


def test_the_demo_contest_has_a_published_round_and_an_open_one(built, with_activity, client):
    from quizapp.models import QuizStatus
    from quizapp.services.contests import ranking
    from quizapp.services.demo.contest import add_demo_contest

    quiz, _counts = with_activity
    contest = add_demo_contest(built, quiz.bank_version, NOW)
    db.session.commit()
    closed, running = contest.rounds
    assert (
        closed.quiz.status(NOW) == QuizStatus.CLOSED and running.quiz.status(NOW) == QuizStatus.OPEN
    )
    ranked = ranking.ranking(closed.quiz, contest)
    assert closed.quiz.prediction_answer == ranked.total > 50 and not ranked.provisional
    assert closed.results_published_at == NOW and running.results_published_at is None
    assert any(row.guess is not None for row in ranked.rows)
    page = client.get(f"/contests/{contest.id}/rounds/1")
    assert page.status_code == 200 and ranked.rows[0].name in page.get_data(as_text=True)
    assert client.get(f"/contests/{contest.id}/rounds/2").status_code == 404
    assert f"/contests/{contest.id}/rounds/1" in client.get("/").get_data(as_text=True)
