"""Server-rendered SVG charts: the trend of a unit and a sparkline per child unit.

Plain SVG with presentation attributes (no scripts, no style attributes, so the
CSP holds), a <title> and <desc> for screen readers, dash patterns as well as
colours so a black-and-white print still tells the lines apart, and a viewBox
sized for a 360 px phone that scales up on wider screens.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from flask_babel import gettext as _
from markupsafe import Markup, escape

from quizapp import formatting
from quizapp.services.reports.trend import Trend, TrendStatus

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 36
DATA = "#0b4ea2"
TARGET = "#b3261e"
PROJECTION = "#555555"
GRID = "#d0d4da"
_ids = itertools.count(1)


def _fmt_day(day: date) -> str:
    return formatting.short_day(day)


def _fmt_pct(value: float) -> str:
    return formatting.pct(value)


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _describe(t: Trend) -> str:
    """The chart in words, for screen readers and for anyone who prefers text."""
    parts = []
    if t.days:
        parts.append(
            _(
                "Từ %(start)s đến %(end)s, tỉ lệ tham gia luỹ kế tăng từ %(first)s lên %(last)s.",
                start=formatting.date_text(t.days[0]),
                end=formatting.date_text(t.days[-1]),
                first=_fmt_pct(t.rates[0]),
                last=_fmt_pct(t.rates[-1]),
            )
        )
    else:
        parts.append(_("Chưa có dữ liệu theo ngày."))
    if t.target_date:
        parts.append(
            _(
                "Chỉ tiêu %(target)s trước ngày %(day)s.",
                target=_fmt_pct(t.target_rate),
                day=formatting.date_text(t.target_date),
            )
        )
    else:
        parts.append(_("Chỉ tiêu %(target)s.", target=_fmt_pct(t.target_rate)))
    if t.projected_date:
        parts.append(
            _(
                "Theo tốc độ %(pace)s đoàn viên mỗi ngày trong %(days)s ngày gần nhất, dự kiến đạt chỉ tiêu "
                "vào ngày %(day)s.",
                pace=formatting.num(t.pace, 1),
                days=t.window_days,
                day=formatting.date_text(t.projected_date),
            )
        )
    if t.status == TrendStatus.REACHED:
        parts.append(_("Đã đạt chỉ tiêu."))
    return " ".join(parts)


def trend_chart(t: Trend, title: str) -> Markup:
    """Cumulative rate per day, the target line up to the target date, and the projection."""
    uid = f"chart{next(_ids)}"
    first = t.days[0] if t.days else t.today
    last_data = t.days[-1] if t.days else first
    end = max(last_data, t.target_date or last_data)
    if t.projected_date:
        end = max(end, min(t.projected_date, t.closes_on, last_data + timedelta(days=60)))
    span = max(1, (end - first).days)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * (day - first).days / span

    def y(rate: float) -> float:
        return TOP + plot_h * (1 - min(max(rate, 0.0), 100.0) / 100)

    out = [
        (
            f'<svg class="chart chart-trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" font-size="12" '
            f'font-family="system-ui, sans-serif">'
        ),
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(_describe(t))}</desc>',
    ]
    for rate in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(rate):.1f}" y2="{y(rate):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 4}" y="{y(rate) + 4:.1f}" text-anchor="end" fill="#333">{rate}%</text>'
        )
    target_end = x(t.target_date) if t.target_date else x(end)
    out.append(
        f'<line class="target" x1="{LEFT}" x2="{target_end:.1f}" y1="{y(t.target_rate):.1f}" '
        f'y2="{y(t.target_rate):.1f}" stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    if t.target_date:
        out.append(
            f'<line x1="{target_end:.1f}" x2="{target_end:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
            f'stroke="{TARGET}" stroke-width="1" stroke-dasharray="2 3"/>'
        )
    if t.days:
        points = [(x(d), y(r)) for d, r in zip(t.days, t.rates)]
        if len(points) == 1:
            out.append(
                f'<circle cx="{points[0][0]:.1f}" cy="{points[0][1]:.1f}" r="3" fill="{DATA}"/>'
            )
        else:
            out.append(
                f'<polyline class="data" points="{_points(points)}" fill="none" stroke="{DATA}" '
                f'stroke-width="2.5" stroke-linejoin="round"/>'
            )
        if t.projected_date and t.members:
            out.append(_projection(t, last_data, end, x, y))
    labels = {first: "start", end: "end"}
    if t.target_date and first < t.target_date < end:
        # the deadline matters more than the chart's last day when their labels would touch
        if x(end) - x(t.target_date) < 44:
            del labels[end]
            labels[t.target_date] = "end"
        else:
            labels[t.target_date] = "middle"
    for day, anchor in labels.items():
        out.append(
            f'<text x="{x(day):.1f}" y="{TOP + plot_h + 14}" text-anchor="{anchor}" fill="#333">'
            f"{_fmt_day(day)}</text>"
        )
    out.append(_legend(t))
    out.append("</svg>")
    return Markup("".join(out))


def _projection(t: Trend, last_data: date, end: date, x, y) -> str:
    start_rate = t.rates[-1]
    pace_rate = t.pace * 100.0 / t.members
    stop = min(t.projected_date, end)
    stop_rate = start_rate + pace_rate * (stop - last_data).days
    return (
        f'<line class="projection" x1="{x(last_data):.1f}" y1="{y(start_rate):.1f}" x2="{x(stop):.1f}" '
        f'y2="{y(stop_rate):.1f}" stroke="{PROJECTION}" stroke-width="2" stroke-dasharray="2 3"/>'
    )


def _legend(t: Trend) -> str:
    y0 = HEIGHT - 8
    items = [(DATA, "", _("Thực tế")), (TARGET, "6 4", _("Chỉ tiêu"))]
    if t.projected_date:
        items.append((PROJECTION, "2 3", _("Dự báo")))
    out, x0 = [], LEFT
    for colour, dash, label in items:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x0}" x2="{x0 + 18}" y1="{y0 - 4}" y2="{y0 - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
        out.append(f'<text x="{x0 + 22}" y="{y0}" fill="#333">{escape(label)}</text>')
        x0 += 30 + 7 * len(label)
    return "".join(out)


def sparkline(rates: list[float], label: str, target_rate: float | None = None) -> Markup:
    """A small line of a child unit's cumulative rate per day, with the target as a faint line."""
    w, h, pad = 100, 24, 2
    latest = _fmt_pct(rates[-1]) if rates else "—"
    title = escape(_("%(name)s: tỉ lệ luỹ kế theo ngày, hiện %(rate)s", name=label, rate=latest))
    out = [
        f'<svg class="spark" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{title}</title>",
    ]

    def y(rate: float) -> float:
        return pad + (h - 2 * pad) * (1 - min(max(rate, 0.0), 100.0) / 100)

    if target_rate is not None:
        out.append(
            f'<line x1="0" x2="{w}" y1="{y(target_rate):.1f}" y2="{y(target_rate):.1f}" '
            f'stroke="{TARGET}" stroke-width="1" stroke-dasharray="3 2"/>'
        )
    if len(rates) == 1:
        out.append(f'<circle cx="{w - pad}" cy="{y(rates[0]):.1f}" r="2" fill="{DATA}"/>')
    elif rates:
        step = (w - 2 * pad) / (len(rates) - 1)
        points = [(pad + i * step, y(r)) for i, r in enumerate(rates)]
        out.append(
            f'<polyline points="{_points(points)}" fill="none" stroke="{DATA}" stroke-width="1.8"/>'
        )
    out.append("</svg>")
    return Markup("".join(out))
