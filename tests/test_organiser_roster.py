"""Roster upload in the console: a preview of the differences before anything is written."""

import io

from quizapp.extensions import db
from quizapp.models import Member
from tests.organiser_kit import audit_actions, text_of

HEADER = "Mã đoàn viên,Họ và tên,Ngày sinh,Giới tính,Mã chi đoàn\n"


def _csv(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


def _upload(client, unit, data, **options):
    form = {"file": (io.BytesIO(data), "danh-sach.csv"), "unit": unit.id, **options}
    return client.post("/org/roster/upload", data=form, content_type="multipart/form-data")


def _members():
    db.session.expire_all()
    return {m.code: m for m in db.session.scalars(db.select(Member))}


def test_preview_counts_added_updated_moved_and_absent_without_writing(roles, make, login, console):
    tree = roles["tree"]
    make.member(tree["na_san"], "Quàng Văn Sơn", code="DV-SON")
    make.member(tree["na_san"], "Cầm Thị Hoa", code="DV-HOA")
    db.session.commit()
    client = login(roles["users"]["organiser"])
    data = _csv(
        "DV-NEW,Lường Văn Nam,02/09/2003,Nam,SL-MS-CD-NS",
        "DV-SON,Quàng Văn Sơn,15/01/2000,Nam,SL-MS-CD-CM",
        f"{roles['member'].code},Lò Thị Mai,05/05/2001,Nữ,SL-MS-CD-NS",
    )
    preview = _upload(client, tree["chieng_dong"], data).headers["Location"]
    page = text_of(client.get(preview))
    assert "Lường Văn Nam" in page and "Chi đoàn bản Co Muồng" in page and "Cầm Thị Hoa" in page
    assert "Tệp hợp lệ" in page
    assert "DV-NEW" not in _members()
    assert _members()["DV-SON"].chapter_id == tree["na_san"].id


def test_apply_writes_the_previewed_changes_once(roles, make, login, console):
    tree = roles["tree"]
    make.member(tree["na_san"], "Quàng Văn Sơn", code="DV-SON")
    db.session.commit()
    client = login(roles["users"]["organiser"])
    data = _csv(
        "DV-NEW,Lường Văn Nam,02/09/2003,Nam,SL-MS-CD-NS", "DV-SON,Quàng Văn Sơn,,Nam,SL-MS-CD-CM"
    )
    preview = _upload(client, tree["chieng_dong"], data).headers["Location"]
    digest = (
        text_of(client.get(preview)).split('name="digest" type="hidden" value="')[1].split('"')[0]
    )
    reply = client.post(preview, data={"digest": digest})
    assert reply.status_code == 302
    members = _members()
    assert members["DV-NEW"].chapter_id == tree["na_san"].id
    assert members["DV-SON"].chapter_id == tree["co_muong"].id
    assert audit_actions() == ["roster_import"]
    assert (
        client.post(preview, data={"digest": digest})
        .headers["Location"]
        .endswith("/org/roster/upload")
    )


def test_apply_refuses_when_the_roster_changed_since_the_preview(roles, make, login, console):
    tree = roles["tree"]
    client = login(roles["users"]["organiser"])
    preview = _upload(
        client, tree["chieng_dong"], _csv("DV-NEW,Lường Văn Nam,,Nam,SL-MS-CD-NS")
    ).headers["Location"]
    digest = (
        text_of(client.get(preview)).split('name="digest" type="hidden" value="')[1].split('"')[0]
    )
    make.member(tree["na_san"], "Lường Văn Nam", code="DV-NEW")  # someone added him meanwhile
    db.session.commit()
    reply = client.post(preview, data={"digest": digest}, follow_redirects=True)
    assert "đã thay đổi từ lúc bạn xem trước" in text_of(reply)
    assert audit_actions() == []


def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_written(roles, login, console):
    client = login(roles["users"]["organiser"])
    data = _csv(
        "DV-A,Lường Văn A,31/02/2003,Nam,SL-MS-CD-NS",
        "DV-B,,01/01/2000,Nam,SL-MS-CD-NS",
        "DV-C,Lường Văn C,01/01/2000,Nam,KHONG-CO",
    )
    preview = _upload(client, roles["tree"]["chieng_dong"], data).headers["Location"]
    page = text_of(client.get(preview))
    assert "Tệp có 3 lỗi" in page
    assert "Dòng 2" in page and "Dòng 3" in page and "Dòng 4" in page
    assert 'name="digest"' not in page
    client.post(preview, data={"digest": "x"})
    assert set(_members()) == {roles["member"].code}


def test_absent_members_are_deactivated_only_when_asked(roles, make, login, console):
    tree = roles["tree"]
    client = login(roles["users"]["organiser"])
    data = _csv("DV-NEW,Lường Văn Nam,,Nam,SL-MS-CD-NS")
    preview = _upload(client, tree["chieng_dong"], data, deactivate_missing="y").headers["Location"]
    page = text_of(client.get(preview))
    assert "1 đoàn viên vắng trong tệp sẽ bị ngừng kích hoạt." in page
    digest = page.split('name="digest" type="hidden" value="')[1].split('"')[0]
    client.post(preview, data={"digest": digest})
    assert _members()[roles["member"].code].active is False


def test_upload_for_a_unit_of_another_province_is_refused(roles, outside, login, console):
    client = login(roles["users"]["organiser"])
    reply = _upload(client, outside["chapter"], _csv("DV-X,Lường Văn X,,Nam,LC-TD-STC"))
    assert reply.status_code == 400
    assert "Hãy chọn một đơn vị thuộc phạm vi của bạn." in text_of(reply)
    assert "Giàng Thị Súa" not in text_of(reply)


def test_a_row_moving_someone_from_another_province_is_an_error(roles, outside, login, console):
    client = login(roles["users"]["organiser"])
    data = _csv(f"{outside['member'].code},Giàng Thị Súa,,Nữ,SL-MS-CD-NS")
    preview = _upload(client, roles["tree"]["chieng_dong"], data).headers["Location"]
    page = text_of(client.get(preview))
    assert "ngoài phạm vi của bạn" in page
    assert _members()[outside["member"].code].chapter_id == outside["chapter"].id


def test_the_file_is_read_once_and_preview_and_confirm_use_what_was_read(
    roles, login, console, monkeypatch
):
    """Issue 11 item 3: the rows read at upload are kept with the pending upload; reloading the
    preview and confirming do not read the file again (a big file used to be parsed each time)."""
    from quizapp.models import PendingUpload
    from quizapp.services import roster as roster_service

    reads = []
    real = roster_service.parse_roster
    monkeypatch.setattr(
        roster_service, "parse_roster", lambda *a, **k: reads.append(a[0]) or real(*a, **k)
    )
    client = login(roles["users"]["organiser"])
    preview = _upload(
        client,
        roles["tree"]["chieng_dong"],
        _csv("DV-NEW,Lường Văn Nam,02/09/2003,Nam,SL-MS-CD-NS"),
    ).headers["Location"]
    assert reads == ["danh-sach.csv"]
    kept = db.session.scalar(db.select(PendingUpload))
    assert kept.parsed and kept.data == b""  # the rows, not the file
    client.get(preview)
    page = text_of(client.get(preview))
    assert "Lường Văn Nam" in page
    digest = page.split('name="digest" type="hidden" value="')[1].split('"')[0]
    assert client.post(preview, data={"digest": digest}).status_code == 302
    assert reads == ["danh-sach.csv"]
    assert _members()["DV-NEW"].birth_date.isoformat() == "2003-09-02"


def test_a_roster_zip_bomb_upload_is_refused_at_once(roles, login, console):
    """The workbook that unpacked to hundreds of MB is refused by the upload, with what to do."""
    from tests.test_roster_parse import roster_zip_bomb

    client = login(roles["users"]["organiser"])
    form = {
        "file": (io.BytesIO(roster_zip_bomb(100_000)), "ds.xlsx"),
        "unit": roles["tree"]["province"].id,
    }
    reply = client.post(
        "/org/roster/upload", data=form, content_type="multipart/form-data", follow_redirects=True
    )
    page = text_of(reply)
    assert "giải nén quá lớn (41 MB)" in page and "hãy chia thành các tệp nhỏ hơn" in page
    assert 'name="digest"' not in page


def test_a_roster_over_the_upload_row_limit_is_refused_with_advice_to_split(
    roles, login, console, app
):
    app.config["ROSTER_UPLOAD_MAX_ROWS"] = 2
    client = login(roles["users"]["organiser"])
    rows = [f"DV-{i},Lường Văn {i},,Nam,SL-MS-CD-NS" for i in range(3)]
    page = text_of(
        client.get(_upload(client, roles["tree"]["chieng_dong"], _csv(*rows)).headers["Location"])
    )
    assert "Tệp có hơn 2 dòng" in page
