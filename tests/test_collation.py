"""Lists of names read in Vietnamese alphabetical order: ă, â after a; đ after d; ê after e;
ô, ơ after o; ư after u; tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from quizapp.extensions import db
from quizapp.text import fold_vietnamese, person_sort_key, vietnamese_sort_key


def _sorted(words):
    return sorted(words, key=vietnamese_sort_key)


def test_letters_with_marks_follow_their_base_letter():
    assert _sorted(
        ["Chá", "Cà", "Cân", "Căn", "Đa", "Dz", "Ơn", "Ôn", "On", "Ưu", "Uy", "Êm", "Em", "Eo"]
    ) == ["Cà", "Căn", "Cân", "Chá", "Dz", "Đa", "Em", "Eo", "Êm", "On", "Ôn", "Ơn", "Uy", "Ưu"]


def test_tones_only_break_ties_in_their_usual_order():
    assert _sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert _sorted(["mạnh", "mai"]) == ["mai", "mạnh"]  # the letters decide before the tone


def test_people_are_listed_by_given_name():
    names = ["Lò Văn Chá", "Vì Thị Cà", "Quàng Văn Sơn", "Bạc Thị Ánh", "Đinh Văn An"]
    assert sorted(names, key=person_sort_key) == [
        "Đinh Văn An",
        "Bạc Thị Ánh",
        "Vì Thị Cà",
        "Lò Văn Chá",
        "Quàng Văn Sơn",
    ]


@given(st.lists(st.text(alphabet="abcdeghiklmnopqrstuvxy", min_size=1, max_size=8), max_size=12))
def test_words_without_marks_keep_plain_alphabetical_order(words):
    assert _sorted(words) == sorted(words)


@given(st.text(alphabet="aăâdđeêoôơuư", min_size=1, max_size=6))
def test_a_marked_letter_sorts_after_every_word_with_its_base_letter_there(word):
    folded = fold_vietnamese(word)
    if folded != word:
        assert vietnamese_sort_key(folded) < vietnamese_sort_key(word)


def test_console_unit_picker_lists_units_in_tree_order_with_siblings_collated(
    roles, make, client, login
):
    tree = roles["tree"]
    make.unit("Chi đoàn bản Chá Lả", "chapter", tree["chieng_dong"], code="SL-MS-CD-CL")
    make.unit("Chi đoàn bản Cà Nòi", "chapter", tree["chieng_dong"], code="SL-MS-CD-CN")
    db.session.commit()
    login(roles["users"]["organiser"])
    page = client.get("/org/members").get_data(as_text=True)
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", page)
    names = [o.strip("· ").rsplit(" (", 1)[0] for o in options]
    assert (
        names.index("Huyện đoàn Mai Sơn")
        < names.index("Đoàn xã Chiềng Dong")
        < names.index("Chi đoàn bản Cà Nòi")
        < names.index("Chi đoàn bản Chá Lả")
        < names.index("Chi đoàn bản Co Muồng")
        < names.index("Chi đoàn bản Nà Sản")
        < names.index("Huyện đoàn Mộc Châu")
    )
