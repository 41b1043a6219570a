"""The one formatter: Babel's output for each language, dates per language, one time parser, sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.formatting import date_text, num, parse_local_time, pct, sources, time_text

values = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
)


@settings(deadline=None)
@given(values, st.integers(min_value=0, max_value=3), st.sampled_from(["vi", "en"]))
def test_numbers_are_what_babel_writes_for_the_language(value, digits, locale):
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    expected = format_decimal(value, pattern, locale=locale)
    # Babel keeps the sign of a value that rounds to zero ("-0"); a page shows plain 0.
    assert num(value, digits, locale) == ("0" if expected == "-0" else expected)


@settings(deadline=None)
@given(
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(["vi", "en"]),
)
def test_percentages_are_babel_decimals_with_the_percent_sign(value, digits, locale):
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    assert pct(value, digits, locale) == format_decimal(value, pattern, locale=locale) + "%"


def test_each_language_has_its_own_decimal_mark():
    assert (pct(40.25, 1, "vi"), pct(40.25, 1, "en")) == ("40,2%", "40.2%")
    assert (num(1234567, 0, "vi"), num(1234567, 0, "en")) == ("1.234.567", "1,234,567")
    assert (num(7.5, 2, "vi"), num(10.0, 2, "en")) == ("7,5", "10")
    assert pct(None) == "—" and num(None) == "—"


def test_dates_are_day_first_in_vietnamese_and_spelled_in_english():
    moment = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)  # 06:30 on 5 March in Vietnam
    assert time_text(moment, "vi") == "05/03/2026 06:30"
    assert time_text(moment, "en") == "5 Mar 2026, 06:30"
    assert date_text(moment, "vi") == "05/03/2026"
    assert date_text(date(2026, 12, 1), "en") == "1 Dec 2026"
    assert time_text(None) == "" and date_text(None) == ""


@pytest.mark.parametrize(
    "typed",
    [
        "2025-03-03 08:00",
        "2025-03-03T08:00",
        "03/03/2025 08:00",
        "2025-03-03T08:00:00",
        " 2025-03-03   08:00 ",
    ],
)
def test_every_accepted_time_form_reads_as_vietnam_time(typed):
    assert parse_local_time(typed) == datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def test_a_day_alone_means_its_midnight_and_nonsense_is_refused():
    assert parse_local_time("03/03/2025") == datetime(2025, 3, 2, 17, 0, tzinfo=UTC)
    assert parse_local_time("3 tháng 3") is None and parse_local_time("") is None


def test_sources_show_titles_and_links_never_the_authors_file_names():
    text = (
        "Bảng dữ kiện, mục 1 «Thông tin chung về Đại hội» — https://www.vietnamplus.vn/a.vnp ; "
        "https://baodantoc.vn/b.htm | Bài báo nguồn (000_c20b067efb3ef73d.txt) «Chủ động xây dựng sớm"
        " các nội dung trọng tâm của năm 2024», 29/11/2023 (bài không kèm địa chỉ URL)"
    )
    first, second = sources(text)
    assert first.title == "«Thông tin chung về Đại hội»"
    assert first.links == (
        ("vietnamplus.vn", "https://www.vietnamplus.vn/a.vnp"),
        ("baodantoc.vn", "https://baodantoc.vn/b.htm"),
    )
    assert second.title == "«Chủ động xây dựng sớm các nội dung trọng tâm của năm 2024», 29/11/2023"
    assert second.links == ()
    assert ".txt" not in repr(sources(text))


def test_a_source_without_a_title_shows_its_address():
    (only,) = sources("https://example.org/nghi-quyet")
    assert only.title == "" and only.links == (
        ("https://example.org/nghi-quyet", "https://example.org/nghi-quyet"),
    )
    (plain,) = sources("Ví dụ — https://example.org/vi-du")
    assert plain.title == "Ví dụ" and plain.links == (("example.org", "https://example.org/vi-du"),)
