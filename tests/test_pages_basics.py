"""Every page names itself in the browser tab and carries the site's icon."""

import re
from pathlib import Path

from quizapp import ROOT

TEMPLATES = Path(ROOT) / "templates"


def test_every_full_page_template_sets_its_own_title():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        if path.name.startswith("_") or path.parent.name == "emails":
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == "base.html" or "{% extends" not in text and "<title" in text:
            continue
        if "{% extends" in text and "{% block title %}" not in text:
            missing.append(str(path.relative_to(TEMPLATES)))
    assert missing == []


def test_pages_link_the_icon_and_the_classic_address_serves_it(client):
    page = client.get("/auth/login").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    classic = client.get("/favicon.ico")
    assert classic.status_code == 200 and classic.data == icon.data


def test_the_landing_page_is_titled_for_what_it_is(client):
    page = client.get("/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII" in title
