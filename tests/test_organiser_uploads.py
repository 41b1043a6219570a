"""Pending uploads: only the uploader, only before expiry, only with the bytes that were previewed."""
from datetime import timedelta
from pathlib import Path

from quizapp.web.organiser import uploads
from tests.organiser_kit import NOW, console  # noqa: F401


def test_the_uploader_gets_the_same_bytes_back(app, console):
    token = uploads.save("bank", "a.yaml", b"noi dung", 7, NOW, extra={"target": "new"})
    stored = uploads.load(token, "bank", 7, NOW)
    assert (stored.data, stored.filename, stored.extra) == (b"noi dung", "a.yaml", {"target": "new"})


def test_someone_else_or_another_kind_gets_nothing(app, console):
    token = uploads.save("bank", "a.yaml", b"x", 7, NOW)
    assert uploads.load(token, "bank", 8, NOW) is None
    assert uploads.load(token, "roster", 7, NOW) is None


def test_an_altered_file_is_refused(app, console):
    token = uploads.save("bank", "a.yaml", b"x", 7, NOW)
    (Path(app.config["ORGANISER_UPLOAD_DIR"]) / f"{token}.bin").write_bytes(b"y")
    assert uploads.load(token, "bank", 7, NOW) is None


def test_expired_uploads_are_refused_and_purged(app, console):
    token = uploads.save("bank", "a.yaml", b"x", 7, NOW)
    later = NOW + uploads.TTL + timedelta(seconds=1)
    assert uploads.load(token, "bank", 7, later) is None
    uploads.save("bank", "b.yaml", b"z", 7, later)
    assert not (Path(app.config["ORGANISER_UPLOAD_DIR"]) / f"{token}.bin").exists()


def test_a_token_that_is_a_path_is_refused(app, console):
    assert uploads.load("../../secret_key", "bank", 7, NOW) is None
    assert uploads.load("", "bank", 7, NOW) is None
