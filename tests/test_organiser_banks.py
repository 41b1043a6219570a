"""Banks in the console: upload → preview → confirm, browse, search, compare, export — all scoped."""

import hashlib
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from quizapp import ROOT
from quizapp.extensions import db
from quizapp.models import AuditEntry, Bank, BankVersion, PendingUpload
from quizapp.services.banks import import_bank, load_bank_file
from tests.organiser_kit import NOW, switch_user, text_of

EXAMPLE = (ROOT / "question_banks" / "examples" / "vi-du.yaml").read_bytes()
BROKEN = EXAMPLE.replace(b"answer: B", b"answer: Q").replace(b"type: numeric", b"type: essay", 1)


def _upload(client, data=EXAMPLE, name="vi-du.yaml", **fields):
    form = {"file": (io.BytesIO(data), name), "target": "new", "slug": "", **fields}
    return client.post("/org/banks/upload", data=form, content_type="multipart/form-data")


def _organiser_client(roles, login):
    client = login(roles["users"]["organiser"])
    client.owner = roles["tree"]["province"].id
    return client


def _version_for(unit, data=EXAMPLE, slug="vi-du"):
    result = import_bank(load_bank_file("vi-du.yaml", data), slug=slug, now=NOW, owner_unit=unit)
    db.session.commit()
    return result.version


def test_upload_shows_a_preview_and_writes_nothing(roles, login, console):
    client = _organiser_client(roles, login)
    reply = _upload(client, owner=client.owner)
    assert reply.status_code == 302
    page = text_of(client.get(reply.headers["Location"]))
    assert "Tệp hợp lệ" in page
    assert "1. Đại hội Đoàn toàn quốc" in page and "Nhiều đáp án" in page
    assert (
        "<strong>ví dụ</strong>" in page
    )  # rendered through the safe Markdown filter, as members see it
    assert db.session.scalar(db.select(Bank)) is None


def test_confirm_imports_the_previewed_file_for_the_chosen_unit(roles, login, console):
    client = _organiser_client(roles, login)
    preview = _upload(client, owner=client.owner).headers["Location"]
    reply = client.post(preview, data={"confirm": "1"})
    assert reply.status_code == 302
    bank = db.session.scalar(db.select(Bank))
    assert (bank.slug, bank.owner_unit_id, bank.latest.question_count) == (
        "vi-du-dinh-dang",
        client.owner,
        6,
    )
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry.action == "bank.import" and entry.after["questions"] == 6


def test_a_file_with_errors_lists_each_with_its_line_and_cannot_be_imported(roles, login, console):
    client = _organiser_client(roles, login)
    preview = _upload(client, BROKEN, owner=client.owner).headers["Location"]
    page = text_of(client.get(preview))
    assert "Tệp có 2 lỗi" in page
    assert "dòng 19" in page and "Đáp án Q không có phương án tương ứng" in page
    assert "dòng 51" in page and "essay" in page
    assert "Nhập 0 câu hỏi" not in page and 'name="confirm"' not in page
    client.post(preview, data={"confirm": "1"})
    assert db.session.scalar(db.select(Bank)) is None


def test_the_preview_belongs_to_whoever_uploaded_it(roles, make, login, console):
    client = _organiser_client(roles, login)
    preview = _upload(client, owner=client.owner).headers["Location"]
    other = make.user("bantuyengiao2", grants=[("organiser", roles["tree"]["province"])])
    client = switch_user(login, other)
    reply = client.post(preview, data={"confirm": "1"})
    assert reply.status_code == 302 and "/org/banks/upload" in reply.headers["Location"]
    assert db.session.scalar(db.select(Bank)) is None


def test_an_expired_preview_cannot_be_confirmed(roles, login, console):
    client = _organiser_client(roles, login)
    preview = _upload(client, owner=client.owner).headers["Location"]
    console(NOW + timedelta(hours=3))
    client.post(preview, data={"confirm": "1"})
    assert db.session.scalar(db.select(Bank)) is None


def test_a_forged_token_is_refused(roles, login, console):
    client = _organiser_client(roles, login)
    reply = client.post("/org/banks/upload/..%2F..%2Fsecret_key", data={"confirm": "1"})
    assert reply.status_code in (302, 404)
    assert db.session.scalar(db.select(Bank)) is None


def test_uploaded_file_waits_in_the_database_with_its_checksum_and_owner(roles, login, console):
    client = _organiser_client(roles, login)
    _upload(client, owner=client.owner)
    pending = db.session.scalar(db.select(PendingUpload))
    assert (pending.data, pending.owner_id) == (EXAMPLE, roles["users"]["organiser"].id)
    assert pending.sha256 == hashlib.sha256(EXAMPLE).hexdigest()


def test_confirmed_upload_is_removed_with_the_import(roles, login, console):
    client = _organiser_client(roles, login)
    token = _upload(client, owner=client.owner).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/org/banks/upload/{token}", data={"confirm": "1"})
    assert db.session.scalar(db.select(Bank)) is not None
    assert db.session.scalar(db.select(PendingUpload)) is None


def test_owner_unit_outside_scope_is_refused_next_to_the_field(roles, outside, login, console):
    client = _organiser_client(roles, login)
    reply = _upload(client, owner=outside["province"].id)
    assert reply.status_code == 400
    assert "Hãy chọn một đơn vị thuộc phạm vi của bạn." in text_of(reply)


def test_new_version_of_an_existing_bank_and_identical_file_is_a_no_op(roles, login, console):
    version = _version_for(roles["tree"]["province"])
    client = _organiser_client(roles, login)
    changed = EXAMPLE.replace(b"2012", b"2019")
    preview = _upload(client, changed, target=str(version.bank_id), owner=client.owner).headers[
        "Location"
    ]
    assert "Phiên bản mới của" in text_of(client.get(preview))
    client.post(preview, data={"confirm": "1"})
    assert [v.number for v in db.session.get(Bank, version.bank_id).versions] == [1, 2]
    again = _upload(client, changed, target=str(version.bank_id), owner=client.owner).headers[
        "Location"
    ]
    reply = client.post(again, data={"confirm": "1"}, follow_redirects=True)
    assert "giống hệt phiên bản 2" in text_of(reply)


def test_a_new_bank_cannot_take_the_code_of_an_existing_one(roles, login, console):
    _version_for(roles["tree"]["province"], slug="vi-du-dinh-dang")
    client = _organiser_client(roles, login)
    preview = _upload(client, owner=client.owner).headers["Location"]
    page = text_of(client.get(preview))
    assert "Đã có ngân hàng mã «vi-du-dinh-dang»" in page
    client.post(preview, data={"confirm": "1"})
    assert db.session.scalar(db.select(db.func.count(BankVersion.id))) == 1


def test_bank_of_another_province_is_invisible_and_refused(roles, outside, login, console):
    version = _version_for(outside["province"], slug="lai-chau")
    client = _organiser_client(roles, login)
    assert "lai-chau" not in text_of(client.get("/org/banks"))
    for url in (
        f"/org/banks/{version.bank_id}",
        f"/org/banks/versions/{version.id}",
        f"/org/banks/versions/{version.id}/export/yaml",
        f"/org/questions/{version.questions[0].id}",
    ):
        reply = client.get(url)
        assert reply.status_code == 403, url
        assert "Ví dụ định dạng" not in text_of(reply) and "vd-00" not in text_of(reply)


def test_updating_a_bank_of_another_province_is_refused(roles, outside, login, console):
    version = _version_for(outside["province"], slug="lai-chau")
    client = _organiser_client(roles, login)
    reply = _upload(client, target=str(version.bank_id), owner=client.owner)
    assert reply.status_code == 400
    assert len(db.session.get(Bank, version.bank_id).versions) == 1


def test_a_district_organiser_sees_the_province_bank_but_cannot_update_it(
    roles, make, login, console
):
    version = _version_for(roles["tree"]["province"])
    district = make.user("bantuyengiao.maison", grants=[("organiser", roles["tree"]["mai_son"])])
    client = login(district)
    assert "Ví dụ định dạng YAML" in text_of(client.get("/org/banks"))
    assert "Tải lên phiên bản mới" not in text_of(client.get(f"/org/banks/{version.bank_id}"))


def test_search_ignores_diacritics_and_case(roles, login, console):
    version = _version_for(roles["tree"]["province"])
    page = text_of(
        _organiser_client(roles, login).get(
            f"/org/banks/versions/{version.id}", query_string={"q": "DAI HOI XII"}
        )
    )
    assert "Tìm thấy 2 câu." in page
    assert "Câu đúng sai" not in page


def test_question_page_shows_the_key_explanation_and_source(roles, login, console):
    version = _version_for(roles["tree"]["province"])
    question = version.questions[0]
    page = text_of(_organiser_client(roles, login).get(f"/org/questions/{question.id}"))
    assert "đáp án đúng" in page
    assert "Đại hội XII diễn ra từ ngày 14 đến 16/12/2022" in page
    assert "https://example.org/vi-du" in page


def test_compare_lists_added_changed_and_removed_questions(roles, login, console):
    first = _version_for(roles["tree"]["province"])
    second_file = EXAMPLE.replace(b"answer: B", b"answer: C").replace(b"id: vd-006", b"id: vd-007")
    second = _version_for(roles["tree"]["province"], second_file)
    page = text_of(_organiser_client(roles, login).get(f"/org/banks/{first.bank_id}/compare"))
    assert "vd-001" in page and "đổi cách chấm" in page
    assert "vd-007" in page and "vd-006" in page
    assert second.number == 2


@pytest.mark.parametrize("fmt", ["yaml", "gift", "xlsx", "csv"])
def test_each_export_format_downloads_a_file_that_imports_again(roles, login, console, fmt):
    version = _version_for(roles["tree"]["province"])
    reply = _organiser_client(roles, login).get(f"/org/banks/versions/{version.id}/export/{fmt}")
    assert reply.status_code == 200
    assert f"vi-du-v1.{fmt}" in reply.headers["Content-Disposition"]
    again = load_bank_file(f"x.{fmt}", reply.get_data())
    assert again.errors == [] and len(again.questions) == 6


def test_empty_excel_template_downloads(roles, login, console):
    reply = _organiser_client(roles, login).get("/org/banks/template.xlsx")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.get_data())).active
    assert "Câu hỏi" in [c.value for c in sheet[1]]
