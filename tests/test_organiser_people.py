"""Granting and revoking roles from the console, within the organiser's subtree."""

from quizapp.extensions import db
from quizapp.models import Grant, Role
from tests.organiser_kit import NOW, audit_actions, errors_of, text_of


def _grants(user):
    db.session.expire_all()
    return {
        (g.role, g.unit.code if g.unit else None)
        for g in db.session.scalars(db.select(Grant).where(Grant.user_id == user.id))
    }


def test_people_page_lists_roles_in_the_subtree(roles, login, console):
    page = text_of(login(roles["users"]["organiser"]).get("/org/people"))
    assert "bithu.maison" in page and "Huyện đoàn Mai Sơn" in page


def test_organiser_grants_secretary_role_to_a_member_of_the_subtree(roles, login, console):
    client = login(roles["users"]["organiser"])
    member_user = roles["users"]["member"]
    reply = client.post(
        f"/org/people?unit={roles['tree']['province'].id}",
        data={"login": member_user.login, "role": "secretary", "unit": roles["tree"]["na_san"].id},
    )
    assert reply.status_code == 302
    assert ("secretary", "SL-MS-CD-NS") in _grants(member_user)
    assert audit_actions() == ["grant.add"]


def test_granting_on_a_unit_outside_the_subtree_is_refused_next_to_the_field(
    roles, outside, login, console
):
    client = login(roles["users"]["organiser"])
    reply = client.post(
        "/org/people",
        data={
            "login": roles["users"]["member"].login,
            "role": "organiser",
            "unit": outside["province"].id,
        },
    )
    assert reply.status_code == 400
    assert "Hãy chọn một đơn vị thuộc phạm vi của bạn." in errors_of(reply)
    assert ("organiser", "LC") not in _grants(roles["users"]["member"])


def test_granting_to_a_member_of_another_province_says_not_found(roles, outside, login, console):
    client = login(roles["users"]["organiser"])
    from quizapp.services.accounts import ensure_member_user

    ensure_member_user(outside["member"], NOW)
    db.session.commit()
    reply = client.post(
        "/org/people",
        data={
            "login": outside["member"].code,
            "role": "secretary",
            "unit": roles["tree"]["na_san"].id,
        },
    )
    assert reply.status_code == 400
    assert any("Không tìm thấy tài khoản" in e for e in errors_of(reply))
    assert "Giàng Thị Súa" not in text_of(reply)


def test_revoke_asks_first_then_removes_the_role(roles, login, console):
    client = login(roles["users"]["organiser"])
    grant = roles["users"]["district_secretary"].grants[0]
    confirm = client.get(f"/org/people/grants/{grant.id}/revoke")
    assert "Thu hồi vai trò?" in text_of(confirm)
    assert _grants(roles["users"]["district_secretary"]) == {("secretary", "SL-MS")}
    client.post(f"/org/people/grants/{grant.id}/revoke", data={"confirm": "1"})
    assert _grants(roles["users"]["district_secretary"]) == set()
    assert audit_actions() == ["grant.revoke"]


def test_revoking_a_grant_outside_the_subtree_is_refused(roles, outside, login, console):
    client = login(roles["users"]["organiser"])
    grant = outside["organiser"].grants[0]
    reply = client.post(f"/org/people/grants/{grant.id}/revoke", data={"confirm": "1"})
    assert reply.status_code == 403
    assert _grants(outside["organiser"]) == {("organiser", "LC")}


def test_organiser_cannot_revoke_their_own_role(roles, login, console):
    organiser = roles["users"]["organiser"]
    client = login(organiser)
    client.post(f"/org/people/grants/{organiser.grants[0].id}/revoke", data={"confirm": "1"})
    assert _grants(organiser) == {("organiser", "SL")}


def test_admin_grant_cannot_be_revoked_from_the_console(roles, login, console):
    admin_grant = db.session.scalar(db.select(Grant).where(Grant.role == Role.ADMIN))
    reply = login(roles["users"]["organiser"]).post(
        f"/org/people/grants/{admin_grant.id}/revoke", data={"confirm": "1"}
    )
    assert reply.status_code == 403


def test_people_page_of_another_province_is_refused(roles, outside, login, console):
    reply = login(roles["users"]["organiser"]).get(f"/org/people?unit={outside['province'].id}")
    assert reply.status_code == 403
    assert "bantuyengiao.laichau" not in text_of(reply)
