"""Members of a unit in the console: search, edit, move, deactivate — scoped and audited."""

from datetime import date

from quizapp.extensions import db
from quizapp.models import AuditEntry, Member, UnitRoster
from quizapp.services.reports.roster_counts import refresh_roster_counts
from tests.organiser_kit import audit_actions, errors_of, text_of


def _roster(unit) -> tuple[int, int]:
    """(members, cadres) of the unit's subtree in the report read model."""
    row = db.session.get(UnitRoster, unit.id)
    return (row.members, row.cadres) if row else (0, 0)


def _fresh(member):
    db.session.expire_all()
    return db.session.get(Member, member.id)


def test_members_of_a_unit_are_listed_with_child_units(roles, login, console):
    page = text_of(
        login(roles["users"]["organiser"]).get(
            f"/org/members?unit={roles['tree']['chieng_dong'].id}"
        )
    )
    assert "Lò Thị Mai" in page
    assert "Chi đoàn bản Co Muồng" in page


def test_search_ignores_diacritics_and_case(roles, make, login, console):
    make.member(roles["tree"]["co_muong"], "Đặng Văn Hùng", code="DV-HUNG")
    client = login(roles["users"]["organiser"])
    page = text_of(client.get("/org/members", query_string={"q": "dang van hung"}))
    assert "Đặng Văn Hùng" in page
    assert "Lò Thị Mai" not in page


def test_search_finds_by_phone_digits(roles, make, login, console):
    make.member(roles["tree"]["moc_ly"], "Hà Văn Tú", code="DV-TU", phone="0912 345 678")
    page = text_of(
        login(roles["users"]["organiser"]).get("/org/members", query_string={"q": "345678"})
    )
    assert "Hà Văn Tú" in page


def test_members_of_another_province_are_refused(roles, outside, login, console):
    reply = login(roles["users"]["organiser"]).get(f"/org/members?unit={outside['chapter'].id}")
    assert reply.status_code == 403
    assert "Giàng Thị Súa" not in text_of(reply)


def test_search_never_reaches_outside_the_subtree(roles, outside, login, console):
    page = text_of(
        login(roles["users"]["organiser"]).get("/org/members", query_string={"q": "giang thi sua"})
    )
    assert "Giàng Thị Súa" not in page


def test_member_page_of_another_province_is_refused(roles, outside, login, console):
    reply = login(roles["users"]["organiser"]).get(f"/org/members/{outside['member'].id}")
    assert reply.status_code == 403
    assert "0977000111" not in text_of(reply)


def test_district_secretary_sees_members_but_cannot_edit(roles, login, console):
    client = login(roles["users"]["district_secretary"])
    member = roles["member"]
    assert "Lò Thị Mai" in text_of(client.get(f"/org/members/{member.id}"))
    assert client.get(f"/org/members/{member.id}/edit").status_code == 403


def test_edit_saves_and_is_audited_with_before_and_after(roles, login, console):
    member = roles["member"]
    client = login(roles["users"]["organiser"])
    reply = client.post(
        f"/org/members/{member.id}/edit",
        data={
            "full_name": "Lò Thị Mai",
            "birth_date": "2001-05-02",
            "gender": "nu",
            "ethnicity": "Thái",
            "phone": "0912000333",
            "email": "",
            "is_cadre": "y",
        },
    )
    assert reply.status_code == 302
    member = _fresh(member)
    assert (member.phone, member.birth_date, member.is_cadre) == (
        "0912000333",
        date(2001, 5, 2),
        True,
    )
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry.action == "member.edit"
    assert entry.before["phone"] is None and entry.after["phone"] == "0912000333"


def test_edit_errors_are_vietnamese_next_to_the_field(roles, login, console):
    member = roles["member"]
    reply = login(roles["users"]["organiser"]).post(
        f"/org/members/{member.id}/edit",
        data={
            "full_name": "",
            "birth_date": "ngày mai",
            "gender": "nu",
            "phone": "abc",
            "email": "khong-phai-email",
        },
    )
    assert reply.status_code == 200
    errors = errors_of(reply)
    assert "Hãy nhập họ và tên." in errors
    assert any("ngày" in e for e in errors)
    assert any("Số điện thoại" in e for e in errors)
    assert any("Email không hợp lệ" in e for e in errors)
    assert _fresh(member).full_name == "Lò Thị Mai"


def test_becoming_a_cadre_updates_the_report_denominators(roles, login, console):
    refresh_roster_counts()
    db.session.commit()
    member = roles["member"]
    login(roles["users"]["organiser"]).post(
        f"/org/members/{member.id}/edit",
        data={"full_name": member.full_name, "gender": "nu", "is_cadre": "y"},
    )
    db.session.expire_all()
    assert _roster(roles["tree"]["na_san"]) == (1, 1)


def test_move_puts_the_member_in_another_chapter_and_counts_follow(roles, login, console):
    refresh_roster_counts()
    db.session.commit()
    member, tree = roles["member"], roles["tree"]
    client = login(roles["users"]["organiser"])
    assert "Chi đoàn bản Co Muồng" in text_of(client.get(f"/org/members/{member.id}/move"))
    client.post(f"/org/members/{member.id}/move", data={"chapter": tree["co_muong"].id})
    assert _fresh(member).chapter_id == tree["co_muong"].id
    assert _roster(tree["co_muong"]) == (1, 0)
    assert _roster(tree["na_san"]) == (0, 0)
    assert audit_actions() == ["member.move", "member.move"]  # one entry on each chapter's tree


def test_move_to_a_chapter_of_another_province_is_refused_next_to_the_field(
    roles, outside, login, console
):
    member = roles["member"]
    reply = login(roles["users"]["organiser"]).post(
        f"/org/members/{member.id}/move", data={"chapter": outside["chapter"].id}
    )
    assert "Hãy chọn một chi đoàn thuộc phạm vi của bạn." in errors_of(reply)
    assert _fresh(member).chapter_id == roles["tree"]["na_san"].id


def test_deactivate_asks_first_then_takes_the_member_out_of_the_counts(roles, login, console):
    refresh_roster_counts()
    db.session.commit()
    member = roles["member"]
    client = login(roles["users"]["organiser"])
    assert "Ngừng kích hoạt Lò Thị Mai?" in text_of(client.get(f"/org/members/{member.id}/active"))
    assert _fresh(member).active is True
    client.post(f"/org/members/{member.id}/active", data={"confirm": "1"})
    assert _fresh(member).active is False
    assert _roster(roles["tree"]["province"]) == (0, 0)
    assert audit_actions() == ["member.deactivate"]


def test_deactivating_a_member_of_another_province_is_refused(roles, outside, login, console):
    reply = login(roles["users"]["organiser"]).post(
        f"/org/members/{outside['member'].id}/active", data={"confirm": "1"}
    )
    assert reply.status_code == 403
    assert _fresh(outside["member"]).active is True
