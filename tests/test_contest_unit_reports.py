"""Unit rankings of a contest in the reports, as a secretary sees and downloads them: per round
and for the whole contest, at each level of their own subtree, never beyond it."""

import csv
import io
import re

from openpyxl import load_workbook

from quizapp.extensions import db
from quizapp.services.contests import rounds
from tests.contestkit import sit
from tests.reportkit import refresh
from tests.timeline import BEFORE


def _contest(make, roles):
    """Two rounds over the province: Nà Sản takes part in both, Co Muồng in the first only,
    Mộc Lỵ never; one member of Nà Sản is called "=HYPERLINK(1)"."""
    tree = roles["tree"]
    contest = rounds.create_contest("Tìm hiểu Nghị quyết", tree["province"], BEFORE)
    first = make.quiz(tree["province"], title="Tuần 1")
    second = make.quiz(tree["province"], title="Tuần 2")
    rounds.add_round(contest, first, "Tuần 1")
    rounds.add_round(contest, second, "Tuần 2")
    na_san = [roles["member"], make.member(tree["na_san"], "=HYPERLINK(1)")]
    co_muong = [make.member(tree["co_muong"], f"Đoàn viên {n}") for n in range(4)]
    make.member(tree["moc_ly"], "Hà Thị Lan")
    for member in na_san:
        sit(first, member, 80.0)
        sit(second, member, 90.0)
    sit(first, co_muong[0], 70.0)
    refresh()
    db.session.commit()
    return contest


def _table(text):
    body = text.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]*>", "", "<td" + cell).strip() for cell in row.split("<td")[1:]]
        for row in body.split("</tr>")[:-1]
    ]


def test_the_secretary_sees_units_ranked_over_the_whole_contest(make, roles, login):
    contest = _contest(make, roles)
    tree = roles["tree"]
    client = login(roles["users"]["secretary"])
    overview = client.get(f"/reports/units/{tree['province'].id}").get_data(as_text=True)
    url = f"/reports/units/{tree['province'].id}/contests/{contest.id}"
    assert url in overview
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert (
        'aria-current="page">Cả cuộc thi' in text
        and 'aria-current="page">Huyện đoàn và tương đương' in text
    )
    rows = _table(text)
    # Mai Sơn: 6 members × 2 rounds, 5 participations; Mộc Châu: 1 member, none
    assert [r[3] for r in rows] == ["Huyện đoàn Mai Sơn", "Huyện đoàn Mộc Châu"]
    assert [r[:2] for r in rows] == [["1", "1"], ["2", "2"]]
    assert rows[0][4:] == ["6", "5", "41,7%"]


def test_one_round_at_the_chapter_level_ranks_by_rate_and_by_participants(make, roles, login):
    contest = _contest(make, roles)
    tree = roles["tree"]
    client = login(roles["users"]["secretary"])
    depth = tree["na_san"].depth
    text = client.get(
        f"/reports/units/{tree['province'].id}/contests/{contest.id}?round=1&level={depth}"
    ).get_data(as_text=True)
    assert 'aria-current="page" lang="vi">Tuần 1' in text
    rows = {r[3]: r for r in _table(text)}
    assert (
        rows["Chi đoàn bản Nà Sản"][:2] == ["1", "1"] and rows["Chi đoàn bản Nà Sản"][6] == "100,0%"
    )
    assert (
        rows["Chi đoàn bản Co Muồng"][:2] == ["2", "2"]
        and rows["Chi đoàn bản Co Muồng"][6] == "25,0%"
    )
    assert (
        "Chi đoàn cơ sở Trường THPT Mộc Lỵ" not in rows
    )  # a chapter right under a district: a level up
    # that level mixes kinds, and says so
    assert ">Đoàn cơ sở, Chi đoàn</a>" in text


def test_a_district_secretary_ranks_only_their_own_subtree(make, roles, login):
    contest = _contest(make, roles)
    tree = roles["tree"]
    client = login(roles["users"]["district_secretary"])
    text = client.get(f"/reports/units/{tree['mai_son'].id}/contests/{contest.id}").get_data(
        as_text=True
    )
    assert "Đoàn xã Chiềng Dong" in text and "Mộc Châu" not in text and "Mộc Lỵ" not in text
    assert (
        client.get(f"/reports/units/{tree['province'].id}/contests/{contest.id}").status_code == 403
    )
    assert (
        client.get(f"/reports/units/{tree['moc_chau'].id}/contests/{contest.id}").status_code == 403
    )


def test_unknown_rounds_and_levels_are_not_found(make, roles, login):
    contest = _contest(make, roles)
    client = login(roles["users"]["secretary"])
    url = f"/reports/units/{roles['tree']['province'].id}/contests/{contest.id}"
    assert client.get(f"{url}?round=9").status_code == 404
    assert client.get(f"{url}?level=99").status_code == 404
    assert client.get(f"{url}/units.pdf").status_code == 404


def test_unit_rankings_download_as_csv_and_xlsx_formula_safe(make, roles, login):
    contest = _contest(make, roles)
    tree = roles["tree"]
    db.session.get(type(tree["na_san"]), tree["na_san"].id).name = "=cmd|' /C calc'!A0"
    db.session.commit()
    client = login(roles["users"]["secretary"])
    url = f"/reports/units/{tree['province'].id}/contests/{contest.id}/units"
    query = f"?round=2&level={tree['na_san'].depth}"
    reply = client.get(f"{url}.csv{query}")
    assert reply.status_code == 200 and reply.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Hạng theo tỉ lệ",
        "Hạng theo số người tham gia",
        "Mã đơn vị",
        "Đơn vị",
        "Số đoàn viên",
        "Số người tham gia",
        "Tỉ lệ tham gia (%)",
    ]
    assert rows[1][3] == "'=cmd|' /C calc'!A0" and rows[1][5:] == ["2", "100"]
    sheet = load_workbook(io.BytesIO(client.get(f"{url}.xlsx{query}").data)).active
    assert sheet.cell(row=2, column=4).value == "'=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=7).value == 100
    whole = list(csv.reader(io.StringIO(client.get(f"{url}.csv").data.decode("utf-8-sig"))))
    assert whole[0][5] == "Lượt tham gia (cộng các vòng)"
