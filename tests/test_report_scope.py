"""Scope: a secretary sees nothing outside their subtree, in pages and in exports."""

from datetime import timedelta

import pytest
from openpyxl import load_workbook

from quizapp.models import Role
from quizapp.web.reports import views
from tests.reportkit import NOW, OPENS, make_quiz, refresh, take

OUTSIDE_NAMES = (
    "Hà Văn Bình",
    "Huyện đoàn Mộc Châu",
    "Chi đoàn cơ sở Trường THPT Mộc Lỵ",
    "0988777666",
)
INSIDE_NAMES = ("Lò Thị Mai", "Cầm Văn Hùng")


@pytest.fixture
def world(make, roles, monkeypatch):
    """Sơn La with members on both sides of the Mai Sơn / Mộc Châu border and a province quiz."""
    monkeypatch.setattr(views, "now_utc", lambda: NOW)
    tree = roles["tree"]
    hung = make.member(tree["co_muong"], "Cầm Văn Hùng", phone="0912000002")
    binh = make.member(
        tree["moc_ly"],
        "Hà Văn Bình",
        phone="0988777666",
        gender="nam",
        ethnicity="Mường",
        attributes={"Đối tượng": "Giáo viên"},
    )
    refresh()
    quiz = make_quiz(tree["province"])
    district_quiz = make_quiz(tree["moc_chau"], title="Cuộc thi riêng của Mộc Châu", slug="mc")
    take(quiz, binh, OPENS + timedelta(days=1))
    take(quiz, hung, OPENS + timedelta(days=1))
    take(district_quiz, binh, OPENS + timedelta(days=1))
    organiser = make.user("tochuc.maison", grants=[(Role.ORGANISER, tree["mai_son"])])
    return {
        "tree": tree,
        "quiz": quiz,
        "district_quiz": district_quiz,
        "users": {**roles["users"], "district_organiser": organiser},
    }


def _unit_urls(quiz, unit):
    base = f"/reports/quizzes/{quiz.id}/units/{unit.id}"
    return [
        base,
        base + "?print=1",
        base + "?filter=not_taken",
        *(
            f"{base}/{t}.{f}"
            for t in ("children", "members", "not_taken", "breakdowns", "trend")
            for f in ("csv", "xlsx")
        ),
        f"/reports/units/{unit.id}",
        f"/reports/units/{unit.id}/export.csv",
        f"/reports/units/{unit.id}/export.xlsx",
    ]


def _text(response) -> str:
    """The reply as text: HTML, CSV, or every cell of an XLSX."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        import io

        ws = load_workbook(io.BytesIO(response.data)).active
        return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    return response.data.decode("utf-8-sig")


@pytest.mark.parametrize("unit_key", ["province", "moc_chau", "moc_ly"])
def test_district_secretary_is_refused_outside_their_district(world, login, unit_key):
    client = login(world["users"]["district_secretary"])
    for url in _unit_urls(world["quiz"], world["tree"][unit_key]):
        response = client.get(url)
        assert response.status_code == 403, url
        assert not any(name in _text(response) for name in OUTSIDE_NAMES + INSIDE_NAMES), url


@pytest.mark.parametrize("unit_key", ["mai_son", "chieng_dong", "co_muong", "na_san"])
def test_district_secretary_sees_no_name_from_outside_in_any_page_or_export(world, login, unit_key):
    client = login(world["users"]["district_secretary"])
    for url in _unit_urls(world["quiz"], world["tree"][unit_key]):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        leaked = [name for name in OUTSIDE_NAMES if name in text]
        assert not leaked, (url, leaked)


def test_a_quiz_outside_the_district_is_not_found_there(world, login):
    client = login(world["users"]["district_secretary"])
    response = client.get(
        f"/reports/quizzes/{world['district_quiz'].id}/units/{world['tree']['mai_son'].id}"
    )
    assert response.status_code == 404
    assert "Cuộc thi riêng của Mộc Châu" not in client.get(
        f"/reports/units/{world['tree']['mai_son'].id}"
    ).get_data(as_text=True)


def test_a_quiz_outside_the_secretarys_scope_does_not_open(world, login):
    client = login(world["users"]["district_secretary"])
    assert client.get(f"/reports/quizzes/{world['district_quiz'].id}").status_code == 403


def test_the_member_role_sees_no_report(world, login):
    client = login(world["users"]["member"])
    assert client.get("/reports/").status_code == 403
    for url in _unit_urls(world["quiz"], world["tree"]["na_san"]):
        assert client.get(url).status_code == 403, url


def test_district_organiser_item_analysis_stays_in_the_district(world, login):
    client = login(world["users"]["district_organiser"])
    quiz, tree = world["quiz"], world["tree"]
    assert (
        client.get(f"/reports/quizzes/{quiz.id}/units/{tree['mai_son'].id}/items").status_code
        == 200
    )
    assert (
        client.get(f"/reports/quizzes/{quiz.id}/units/{tree['province'].id}/items").status_code
        == 403
    )
    assert (
        client.get(f"/reports/quizzes/{quiz.id}/units/{tree['province'].id}/items.csv").status_code
        == 403
    )


def test_district_secretary_may_not_see_item_analysis(world, login):
    client = login(world["users"]["district_secretary"])
    quiz, tree = world["quiz"], world["tree"]
    assert (
        client.get(f"/reports/quizzes/{quiz.id}/units/{tree['mai_son'].id}/items").status_code
        == 403
    )


def test_province_secretary_sees_both_districts(world, login):
    client = login(world["users"]["secretary"])
    html = client.get(
        f"/reports/quizzes/{world['quiz'].id}/units/{world['tree']['province'].id}"
    ).get_data(as_text=True)
    assert "Huyện đoàn Mộc Châu" in html and "Huyện đoàn Mai Sơn" in html


def test_unknown_quiz_or_unit_is_not_found(world, login):
    client = login(world["users"]["admin"])
    assert (
        client.get(f"/reports/quizzes/999/units/{world['tree']['province'].id}").status_code == 404
    )
    assert client.get(f"/reports/quizzes/{world['quiz'].id}/units/999").status_code == 404
    assert (
        client.get(
            f"/reports/quizzes/{world['quiz'].id}/units/{world['tree']['province'].id}/x.csv"
        ).status_code
        == 404
    )
