"""The reminder pages as a secretary and an organiser use them: messages, links, codes, marks,
counters on the unit pages above, the A4 sheet and the organiser's template."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Reminder, Role
from quizapp.services import accounts
from tests.reportkit import OPENS, make_quiz, refresh, take


def _setup(make):
    tree = make.province()
    with_password = make.member(tree["na_san"], "Lò Văn Bình", phone="0912000001")
    make.user(member=with_password)
    without = make.member(tree["na_san"], "Quàng Thị Én", phone="0912000002")
    done = make.member(tree["na_san"], "Cà Văn Đức")
    other = make.member(tree["co_muong"], "Tòng Thị Ánh")
    secretary = make.user("bithu.chiengdong", grants=[(Role.SECRETARY, tree["chieng_dong"])])
    organiser = make.user("bantuyengiao", grants=[(Role.ORGANISER, tree["province"])])
    refresh()
    quiz = make_quiz(tree["province"], title="Học tập Nghị quyết XII")
    take(quiz, done, OPENS + timedelta(days=1))
    db.session.commit()
    return (
        tree,
        quiz,
        secretary,
        organiser,
        {"pw": with_password, "new": without, "done": done, "other": other},
    )


def _messages(html: str) -> dict[str, str]:
    return {
        m: unescape(t)
        for m, t in re.findall(r'<textarea id="msg-(\d+)"[^>]*>(.*?)</textarea>', html, re.S)
    }


def test_chapter_list_gives_each_member_a_ready_message_with_their_link(make, login, frozen_clock):
    tree, quiz, secretary, _, m = _setup(make)
    client = login(secretary)
    html = client.get(f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders").get_data(
        as_text=True
    )
    messages = _messages(html)
    # only those who have not taken part, from this chapter
    assert set(messages) == {str(m["pw"].id), str(m["new"].id)}
    pw, new = messages[str(m["pw"].id)], messages[str(m["new"].id)]
    assert pw.startswith("Chào Lò Văn Bình, bạn chưa tham gia «Học tập Nghị quyết XII»")
    assert "/auth/login?next=" in pw  # has a password: the sign-in link
    assert f"/auth/activate?login={m['new'].code}" in new and "code=" not in new
    assert "Cấp mã kích hoạt" in html and "Chép tất cả" in html and "Chia sẻ" in html


def test_a_grassroots_union_lists_its_chapters_members_and_copy_all_has_one_message_each(
    make, login, frozen_clock
):
    tree, quiz, secretary, _, m = _setup(make)
    html = (
        login(secretary)
        .get(f"/reports/quizzes/{quiz.id}/units/{tree['chieng_dong'].id}/reminders")
        .get_data(as_text=True)
    )
    assert set(_messages(html)) == {str(m[k].id) for k in ("pw", "new", "other")}
    everything = unescape(
        re.search(r'<textarea id="remind-all"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    )
    # chapter by chapter (Co Muồng before Nà Sản), then by given name
    assert [line.split(",")[0] for line in everything.split("\n") if line.startswith("Chào")] == [
        "Chào Tòng Thị Ánh",
        "Chào Lò Văn Bình",
        "Chào Quàng Thị Én",
    ]


def test_issuing_a_members_code_fills_the_activation_link_once_and_is_audited(
    make, login, frozen_clock
):
    tree, quiz, secretary, _, m = _setup(make)
    client = login(secretary)
    base = f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders"
    html = client.post(f"{base}/{m['new'].id}/code").get_data(as_text=True)
    new = _messages(html)[str(m["new"].id)]
    code = re.search(r"code=([A-Z0-9]+)", new).group(1)
    # the code in the link is the one that activates the account
    user = accounts.redeem_activation_code(
        m["new"].code, code, "Mật khẩu rất riêng 2024", frozen_clock.now
    )
    assert user.member_id == m["new"].id
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "activation_code", AuditEntry.target == m["new"].code
        )
    )
    # shown once: the next visit no longer holds it
    assert "code=" not in _messages(client.get(base).get_data(as_text=True))[str(m["new"].id)]


def test_a_member_with_a_password_gets_no_code(make, login, frozen_clock):
    tree, quiz, secretary, _, m = _setup(make)
    reply = login(secretary).post(
        f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders/{m['pw'].id}/code"
    )
    assert "đã có mật khẩu" in reply.get_data(as_text=True)
    assert m["pw"].user.password_hash is not None


def test_marking_reminded_counts_on_the_chapter_and_every_unit_above(make, login, frozen_clock):
    tree, quiz, secretary, organiser, m = _setup(make)
    client = login(secretary)
    base = f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders"
    reply = client.post(f"{base}/{m['new'].id}/done", headers={"X-Requested-With": "fetch"})
    assert reply.get_json()["count"] == 1
    frozen_clock.advance(hours=2)
    reply = client.post(f"{base}/{m['new'].id}/done", follow_redirects=True)
    assert "Đã nhắc 2 lần" in reply.get_data(as_text=True)
    assert "bithu.chiengdong" in reply.get_data(as_text=True)
    rows = db.session.scalars(select(Reminder).where(Reminder.member_id == m["new"].id)).all()
    assert [r.reminded_by_id for r in rows] == [secretary.id, secretary.id]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reminder")) is not None
    # the member then takes part: every unit on the path shows 1 reminded, 1 then took part
    take(quiz, m["new"], frozen_clock.now + timedelta(hours=1))
    db.session.commit()
    organiser_view = login(organiser)  # the province's reports
    for unit in ("na_san", "chieng_dong", "mai_son", "province"):
        html = organiser_view.get(f"/reports/quizzes/{quiz.id}/units/{tree[unit].id}").get_data(
            as_text=True
        )
        stats = re.findall(
            r'<div class="value">([^<]*)</div><div class="label">([^<]*)</div>', html
        )
        assert ("1", "Đã được nhắc") in stats, unit
        assert ("1", "Được nhắc rồi đã tham gia") in stats, unit
    html = client.get(f"/reports/quizzes/{quiz.id}/units/{tree['moc_chau'].id}").get_data(
        as_text=True
    )
    assert ("0", "Đã được nhắc") in re.findall(
        r'<div class="value">([^<]*)</div><div class="label">([^<]*)</div>', html
    )


def test_a_member_outside_the_unit_cannot_be_marked(make, login, frozen_clock):
    tree, quiz, secretary, _, m = _setup(make)
    reply = login(secretary).post(
        f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders/{m['other'].id}/done"
    )
    assert reply.status_code == 404
    assert db.session.scalar(select(Reminder)) is None


def test_the_a4_sheet_lists_members_in_vietnamese_order_with_a_qr_code_each(
    make, login, frozen_clock
):
    tree, quiz, secretary, _, m = _setup(make)
    make.member(tree["na_san"], "Vì Văn Ân")  # given name Ân sorts before Bình, Én
    refresh()
    client = login(secretary)
    url = f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders/sheet"
    html = client.get(url).get_data(as_text=True)
    names = re.findall(r'<th scope="row">([^<]+)<br>', html)
    assert names == ["Vì Văn Ân", "Lò Văn Bình", "Quàng Thị Én"]
    assert html.count("<svg") == 3
    assert "size: A4" in open("quizapp/static/css/app.css", encoding="utf-8").read()
    # sent by POST, the sheet carries fresh codes for members without a password
    html = client.post(url).get_data(as_text=True)
    assert len(re.findall(r"code=[A-Z0-9]+", html)) == 2


def test_the_organiser_edits_the_template_and_bad_placeholders_are_refused(
    make, login, frozen_clock
):
    tree, quiz, secretary, organiser, m = _setup(make)
    client = login(organiser)
    url = f"/org/quizzes/{quiz.id}/reminder"
    reply = client.post(url, data={"template": "Bạn {ten} ơi, làm bài {dot} nhé: {lienket}"})
    assert reply.status_code == 400
    assert "Không có chỗ điền «{lienket}»" in reply.get_data(as_text=True)
    assert "Bạn {ten} ơi" in reply.get_data(as_text=True)  # what was typed is kept
    reply = client.post(
        url, data={"template": "Bạn {ten} ơi, làm bài {dot} trước {han}: {lien_ket}"}
    )
    assert reply.status_code == 302
    html = (
        login(secretary)
        .get(f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders")
        .get_data(as_text=True)
    )
    assert _messages(html)[str(m["pw"].id)].startswith(
        "Bạn Lò Văn Bình ơi, làm bài Học tập Nghị quyết XII trước "
    )
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reminder_template"))


def test_pages_in_english(make, login, frozen_clock, client):
    tree, quiz, secretary, _, m = _setup(make)
    login(secretary)
    client.post("/lang/en")
    html = client.get(f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/reminders").get_data(
        as_text=True
    )
    assert "Copy all" in html and "Share" in html and "Reminded" in html
