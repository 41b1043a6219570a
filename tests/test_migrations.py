"""`quizapp db upgrade` builds, from an empty database, exactly the schema the models describe."""

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.extensions import db
from tests.contestkit import sit
from tests.timeline import DURING


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A database with no tables: a new SQLite file, or a new PostgreSQL database."""
    if database_url is None:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_mig"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _differences(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@pytest.fixture
def migrated_app(empty_database):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "x", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_of_an_empty_database_matches_the_models(migrated_app):
    assert _differences(migrated_app) == []


def test_downgrade_to_nothing_and_up_again_matches_the_models(migrated_app):
    downgrade(revision="base")
    with db.engine.connect() as conn:
        tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    assert _differences(migrated_app) == []


def test_the_ranking_key_migration_backfills_the_keys_from_attempts(migrated_app):
    from tests.conftest import Factory

    make = Factory()
    chapter = make.province()["na_san"]
    quiz = make.quiz(
        chapter, attempts_allowed=None, prediction_question="Bao nhiêu?", prediction_answer=10
    )
    a, b, gone = (
        make.member(chapter, "An"),
        make.member(chapter, "Bình"),
        make.member(chapter, "Chi", active=False),
    )
    sit(quiz, a, 80.0, guess=12, seconds=61.5)
    sit(
        quiz, a, 80.0, guess=9, seconds=900, number=2, at=DURING + timedelta(hours=1)
    )  # closer: counted
    sit(quiz, b, 90.0, guess=None, seconds=60)
    sit(quiz, gone, 100.0, guess=10)
    db.session.commit()
    kept = _rank_keys(quiz.id)
    assert kept[a.id] == (80.0, 9, 1, 900000) and kept[gone.id][0] is None
    db.session.close()  # the migration runs on its own connection
    downgrade(revision="7a2e4c9d1b35")
    upgrade()
    assert _rank_keys(quiz.id) == kept


def _rank_keys(quiz_id: int) -> dict:
    return {
        m: tuple(rest)
        for m, *rest in db.session.execute(
            text(
                "SELECT member_id, rank_percent, rank_guess, rank_distance, rank_ms FROM participation "
                "WHERE quiz_id = :q"
            ),
            {"q": quiz_id},
        )
    }
