"""The audit log reads as labelled fields, before → after, in Vietnam time; the export keeps JSON."""

import csv
import io
import json
import re
from datetime import UTC, datetime

from quizapp.extensions import db
from quizapp.services import audit
from tests.organiser_kit import NOW, text_of


def _quiz_update(roles):
    opens = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
    audit.record(
        roles["users"]["organiser"],
        "quiz.update",
        roles["tree"]["province"],
        NOW,
        target="quiz 1",
        before={"title": "Đợt 1", "opens_at": opens, "time_limit_seconds": 1200, "pass_mark": 50.0},
        after={
            "title": "Đợt 1",
            "opens_at": opens.replace(hour=2),
            "time_limit_seconds": 1800,
            "pass_mark": 50.0,
        },
    )
    db.session.commit()


def test_a_change_is_shown_as_labelled_fields_in_local_time(roles, login, console):
    _quiz_update(roles)
    page = text_of(login(roles["users"]["organiser"]).get("/org/audit"))
    cell = re.search(r'class="audit-change">(.*?)</td>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", cell)
    text = re.sub(r"\s+", " ", text)
    assert "Mở lúc 01/03/2024 08:00 → 01/03/2024 09:00" in text
    assert "Thời gian làm bài 20 phút → 30 phút" in text
    assert "Tên đợt" not in text and "Điểm đạt" not in text  # unchanged fields are left out
    assert "opens_at" not in text and "{" not in text


def test_the_english_page_labels_fields_in_english(roles, login, console):
    _quiz_update(roles)
    client = login(roles["users"]["organiser"])
    page = text_of(client.get("/org/audit?lang=en"))
    assert "Opens at" in page and "20 min" in page


def test_the_export_keeps_the_raw_json(roles, login, console):
    _quiz_update(roles)
    reply = login(roles["users"]["organiser"]).get("/org/audit/export.csv")
    rows = list(csv.reader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    assert json.loads(rows[1][7])["time_limit_seconds"] == 1800
