"""Pending uploads: only the uploader, only before expiry, only with the bytes that were previewed."""

from datetime import timedelta

from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.models import PendingUpload
from quizapp.services import uploads
from tests.organiser_kit import NOW


def test_the_uploader_gets_the_same_bytes_back(app, make):
    owner = make.user("uploader")
    token = uploads.save("bank", "a.yaml", b"noi dung", owner.id, NOW, extra={"target": "new"})
    db.session.commit()
    db.session.expire_all()
    stored = uploads.load(token, "bank", owner.id, NOW)
    assert (stored.data, stored.filename, stored.extra) == (
        b"noi dung",
        "a.yaml",
        {"target": "new"},
    )


def test_someone_else_or_another_kind_gets_nothing(app, make):
    owner, other = make.user("uploader"), make.user("someone-else")
    token = uploads.save("bank", "a.yaml", b"x", owner.id, NOW)
    assert uploads.load(token, "bank", other.id, NOW) is None
    assert uploads.load(token, "roster", owner.id, NOW) is None


def test_an_altered_file_is_refused(app, make):
    owner = make.user("uploader")
    token = uploads.save("bank", "a.yaml", b"x", owner.id, NOW)
    db.session.execute(update(PendingUpload).where(PendingUpload.token == token).values(data=b"y"))
    db.session.expire_all()
    assert uploads.load(token, "bank", owner.id, NOW) is None


def test_expired_uploads_are_refused_and_purged_on_the_next_save(app, make):
    owner = make.user("uploader")
    token = uploads.save("bank", "a.yaml", b"x", owner.id, NOW)
    later = NOW + uploads.TTL + timedelta(seconds=1)
    assert uploads.load(token, "bank", owner.id, later) is None
    uploads.save("bank", "b.yaml", b"z", owner.id, later)
    assert db.session.scalars(select(PendingUpload.filename)).all() == ["b.yaml"]


def test_a_discarded_upload_is_gone(app, make):
    owner = make.user("uploader")
    token = uploads.save("roster", "ds.csv", b"x", owner.id, NOW)
    uploads.discard(token)
    assert uploads.load(token, "roster", owner.id, NOW) is None


def test_a_token_that_is_a_path_is_refused(app):
    assert uploads.load("../../secret_key", "bank", 7, NOW) is None
    assert uploads.load("", "bank", 7, NOW) is None


def test_sweep_purges_expired_uploads(app, make, runner, monkeypatch):
    owner = make.user("uploader")
    uploads.save("bank", "old.yaml", b"x", owner.id, NOW - uploads.TTL - timedelta(minutes=1))
    db.session.commit()
    from quizapp.cli import quizzes as quiz_cli

    monkeypatch.setattr(quiz_cli, "now_utc", lambda: NOW)
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(PendingUpload)).all() == []
