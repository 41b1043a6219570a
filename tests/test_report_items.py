"""Item analysis: facility and discrimination on first attempts, per question and per topic."""

from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Bank,
    BankVersion,
    Question,
    Quiz,
    Role,
    Topic,
)
from quizapp.services.reports.items import item_analysis
from tests.reportkit import CLOSES, NOW, OPENS


@pytest.fixture
def analysed(make):
    """Four members' first attempts on two topics; Q2's key looks wrong (only the weakest get it)."""
    tree = make.province()
    version = BankVersion(
        bank=Bank(slug="nq", title="Nghị quyết"), number=1, checksum="x", source_format="yaml"
    )
    t1 = Topic(version=version, position=1, title="Mục tiêu tổng quát")
    t2 = Topic(version=version, position=2, title="Nhiệm vụ trọng tâm")
    q1 = Question(
        version=version,
        topic=t1,
        position=1,
        uid="q1",
        qtype="single",
        stem="Câu **một**",
        points=1,
    )
    q2 = Question(
        version=version, topic=t1, position=2, uid="q2", qtype="single", stem="Câu hai", points=1
    )
    q3 = Question(
        version=version, topic=t2, position=3, uid="q3", qtype="multiple", stem="Câu ba", points=2
    )
    quiz = Quiz(
        title="Q",
        bank_version=version,
        audience_unit=tree["province"],
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    db.session.add_all([version, t1, t2, q1, q2, q3, quiz])
    db.session.flush()
    # (percent, q1 score, q2 score, q3 score) for each member's first attempt, strongest first
    sheet = [(100.0, 1, 0, 2), (75.0, 1, 0, 1), (50.0, 1, 0, 1), (10.0, 0, 1, 0)]
    chapters = [tree["na_san"], tree["na_san"], tree["co_muong"], tree["moc_ly"]]
    for i, ((percent, *scores), chapter) in enumerate(zip(sheet, chapters)):
        member = make.member(chapter, f"Đoàn viên {i}")
        _attempt(quiz, member, 1, percent, zip((q1, q2, q3), scores))
        # a later attempt, all correct, must not count
        _attempt(quiz, member, 2, 100.0, zip((q1, q2, q3), (1, 1, 2)))
    unfinished = make.member(tree["na_san"], "Đang làm dở")
    _attempt(
        quiz, unfinished, 1, None, zip((q1, q2, q3), (1, 1, 2)), state=AttemptState.IN_PROGRESS
    )
    return {"tree": tree, "quiz": quiz, "q": (q1, q2, q3)}


def _attempt(quiz, member, number, percent, scores, state=AttemptState.FINISHED):
    at = OPENS + timedelta(days=number)
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=number,
        started_at=at,
        deadline=at + timedelta(minutes=30),
        finished_at=at + timedelta(minutes=10) if state != AttemptState.IN_PROGRESS else None,
        state=state,
        percent=percent,
    )
    for position, (question, score) in enumerate(scores):
        attempt.items.append(AttemptItem(position=position, question_id=question.id, score=score))
    db.session.add(attempt)
    db.session.flush()


def test_facility_is_the_share_of_points_obtained_on_first_attempts(analysed):
    a = item_analysis(analysed["quiz"], analysed["tree"]["province"])
    facility = {row.question_id: row.facility for row in a.items}
    q1, q2, q3 = analysed["q"]
    assert a.attempts == 4
    assert facility == {q1.id: 75.0, q2.id: 25.0, q3.id: 50.0}


def test_discrimination_compares_the_top_and_bottom_27_percent(analysed):
    a = item_analysis(analysed["quiz"], analysed["tree"]["province"])
    rows = {row.question_id: row for row in a.items}
    q1, q2, q3 = analysed["q"]
    assert a.group_size == 1
    assert rows[q1.id].discrimination == 1.0
    assert rows[q2.id].discrimination == -1.0
    assert rows[q3.id].discrimination == 1.0


def test_a_likely_wrong_key_is_flagged_and_links_to_the_question(analysed):
    a = item_analysis(analysed["quiz"], analysed["tree"]["province"])
    flagged = [row for row in a.items if row.flagged]
    assert [row.question_id for row in flagged] == [analysed["q"][1].id]
    assert flagged[0].href == f"/org/questions/{analysed['q'][1].id}"


def test_topics_pool_their_questions(analysed):
    a = item_analysis(analysed["quiz"], analysed["tree"]["province"])
    assert [(t.title, t.questions, t.responses, t.facility, t.flagged) for t in a.topics] == [
        ("Mục tiêu tổng quát", 2, 8, 50.0, 1),
        ("Nhiệm vụ trọng tâm", 1, 4, 50.0, 0),
    ]


def test_analysis_of_a_unit_counts_only_its_subtree(analysed):
    a = item_analysis(analysed["quiz"], analysed["tree"]["mai_son"])
    assert a.attempts == 3


def test_question_text_is_plain_text_without_markdown(analysed):
    a = item_analysis(analysed["quiz"], analysed["tree"]["province"])
    assert a.items[0].text == "Câu một"


def test_organiser_page_flags_the_question_and_exports(analysed, make, login, monkeypatch):
    from quizapp.web.reports import views

    monkeypatch.setattr(views, "now_utc", lambda: NOW)
    organiser = make.user("bantuyengiao", grants=[(Role.ORGANISER, analysed["tree"]["province"])])
    client = login(organiser)
    base = f"/reports/quizzes/{analysed['quiz'].id}/units/{analysed['tree']['province'].id}/items"
    html = client.get(base).get_data(as_text=True)
    assert "Có thể sai đáp án hoặc câu hỏi chưa rõ" in html
    assert f'href="/org/questions/{analysed["q"][1].id}"' in html
    csv_text = client.get(base + ".csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Chủ đề,Mã câu hỏi,Câu hỏi")
    assert client.get(base + ".xlsx").status_code == 200
