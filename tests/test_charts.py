"""Server-rendered SVG: accessible, safe under the CSP, readable in black and white."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from quizapp.services.reports.charts import sparkline, trend_chart
from quizapp.services.reports.trend import Trend, TrendStatus

SVG = "{http://www.w3.org/2000/svg}"


def _trend(**overrides) -> Trend:
    days = [date(2025, 3, 3) + timedelta(days=i) for i in range(10)]
    values = {
        "days": days,
        "cumulative": [i * 5 for i in range(10)],
        "members": 100,
        "took_part": 45,
        "target_rate": 80.0,
        "target_date": date(2025, 3, 24),
        "today": days[-1],
        "closes_on": date(2025, 3, 31),
        "window_days": 7,
        "window_new": 35,
        "status": TrendStatus.ON_TRACK,
        "projected_date": date(2025, 3, 19),
    }
    values.update(overrides)
    return Trend(**values)


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_trend_chart_is_an_accessible_image_with_title_and_description():
    svg = _parse(trend_chart(_trend(), "Tỉ lệ tham gia luỹ kế của Huyện đoàn Mai Sơn"))
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == "Tỉ lệ tham gia luỹ kế của Huyện đoàn Mai Sơn"
    assert "80,0%" in desc.text and "24/03/2025" in desc.text and "19/03/2025" in desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_target_line_stops_at_the_target_date_and_projection_is_dashed():
    svg = _parse(trend_chart(_trend(), "t"))
    target = svg.find(f"{SVG}line[@class='target']")
    projection = svg.find(f"{SVG}line[@class='projection']")
    data = svg.find(f"{SVG}polyline[@class='data']")
    assert target.get("stroke-dasharray") and projection.get("stroke-dasharray")
    assert data.get("stroke-dasharray") is None
    # the chart spans to the target date, so the target line ends at the right edge of the plot
    assert float(target.get("x2")) > float(data.get("points").split()[-1].split(",")[0])
    assert "24/03" in "".join(t.text for t in svg.iter(f"{SVG}text"))


def test_projection_is_omitted_when_there_is_none():
    svg = _parse(trend_chart(_trend(projected_date=None, status=TrendStatus.STALLED), "t"))
    assert svg.find(f"{SVG}line[@class='projection']") is None


def test_a_single_day_is_drawn_as_a_dot():
    svg = _parse(trend_chart(_trend(days=[date(2025, 3, 3)], cumulative=[3]), "t"))
    assert svg.find(f"{SVG}circle") is not None


def test_an_empty_trend_still_renders():
    svg = _parse(trend_chart(_trend(days=[], cumulative=[], projected_date=None), "t"))
    assert "Chưa có dữ liệu" in svg.find(f"{SVG}desc").text


def test_names_are_escaped_and_nothing_breaks_the_csp():
    markup = str(trend_chart(_trend(), "<script>alert(1)</script> & Co"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "style=" not in markup
    spark = str(sparkline([1.0, 50.0], "<b>Chi đoàn</b>", 80.0))
    assert "<b>" not in spark and "style=" not in spark


def test_sparkline_scales_rates_to_its_box_and_shows_the_latest_in_its_title():
    svg = _parse(sparkline([0.0, 50.0, 100.0], "Chi đoàn bản Nà Sản", 80.0))
    assert "100,0%" in svg.find(f"{SVG}title").text
    points = [
        tuple(map(float, p.split(","))) for p in svg.find(f"{SVG}polyline").get("points").split()
    ]
    assert points[0][1] > points[1][1] > points[2][1]  # higher rate, higher on screen
    assert all(0 <= x <= 100 and 0 <= y <= 24 for x, y in points)


def test_sparkline_of_no_days_is_an_empty_box():
    svg = _parse(sparkline([], "Chi đoàn", None))
    assert svg.find(f"{SVG}polyline") is None and "—" in svg.find(f"{SVG}title").text


def test_chart_fits_a_phone_without_scaling_text_down():
    markup = str(trend_chart(_trend(), "t"))
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', markup).group(1))
    assert width <= 360
