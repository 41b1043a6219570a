"""Keyboard only, on a 360 px phone: sign in, start, answer every question type, use the palette,
flag a question, submit, confirm. At every Tab stop the focused element is on screen, not under
the sticky quiz bar, and its focus indicator has at least 3:1 contrast with what is behind it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, Factory
from tests.quizkit import open_quiz

pytestmark = pytest.mark.browser

# What has focus, where it is, and the contrast of its focus ring (outline and box-shadow colours)
# against the first opaque background behind it.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const lum = c => {
    const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const colours = s => [...s.matchAll(/rgba?\\(([^)]+)\\)/g)]
    .map(m => m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number))
    .filter(c => c.length < 4 || c[3] > 0).map(c => c.slice(0, 3));
  const style = getComputedStyle(el);
  const ring = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) ring.push(...colours(style.outlineColor));
  if (style.boxShadow !== "none") ring.push(...colours(style.boxShadow));
  let bg = [255, 255, 255];
  for (let n = el.parentElement; n; n = n.parentElement) {
    const c = colours(getComputedStyle(n).backgroundColor);
    if (c.length) { bg = c[0]; break; }
  }
  const box = el.getBoundingClientRect();
  // Nothing (the sticky bar) on top of it: what is at its centre is the element or its label.
  const hit = document.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2);
  const own = hit && (el.contains(hit) || hit.contains(el)
                      || (el.closest("label") && el.closest("label").contains(hit)));
  const q = el.closest("fieldset.question");
  return {
    label: (el.id || el.tagName.toLowerCase()) + " " + (el.textContent || el.value || "").trim().slice(0, 30),
    visible: !!own && box.width > 0 && box.height > 0 && box.top >= -0.5 && box.bottom <= innerHeight + 0.5
             && box.left >= -0.5 && box.right <= innerWidth + 0.5,
    box: [Math.round(box.top), Math.round(box.bottom), hit ? hit.tagName + "." + hit.className : "nothing"],
    contrast: ring.length ? Math.max(...ring.map(c => ratio(c, bg))) : 0,
    tag: el.tagName.toLowerCase(), type: el.type || "", id: el.id, cls: el.className || "",
    pal: el.classList.contains("pal") ? parseInt(el.id.slice(3), 10) : null,
    current: el.hasAttribute("aria-current"),
    q: q ? parseInt(q.dataset.pos, 10) : null, qtype: q ? q.dataset.type : null,
    index: el.type === "radio" || el.type === "checkbox" ? [...q.querySelectorAll(".options input")].indexOf(el) : null,
    flag: !!el.closest("label.flag"),
  };
}"""
TEXT = {"short": "Đoàn TNCS Hồ Chí Minh", "numeric": "5"}


def seed(server):
    with server.session():
        make = Factory()
        tree = make.province()
        member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
        make.user(member=member)
        open_quiz(make, tree["province"], pass_mark=50)


def check(page, stops: list[str]) -> dict | None:
    """The focused element is visible below the bar with a ≥3:1 ring; None for the page itself."""
    info = page.evaluate(FOCUS)
    if info is None:
        return None
    stops.append(info["label"])
    assert info["visible"], (
        f"focus off screen or under the sticky bar: {info['label']} {info['box']}"
    )
    assert info["contrast"] >= 3, f"focus ring {info['contrast']:.2f}:1 on {info['label']}"
    return info


def test_whole_quiz_by_keyboard_with_visible_focus(live_server, phone):
    server = live_server()
    seed(server)
    page = phone.new_page()
    page.goto(server.url + "/auth/login")
    page.locator("#login").focus()
    page.keyboard.type("DV-MAI")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    stops: list[str] = []
    for _ in range(60):  # Tab to "Bắt đầu làm bài"
        page.keyboard.press("Tab")
        info = check(page, stops)
        if info and info["tag"] == "button" and "Bắt đầu" in info["label"]:
            page.keyboard.press("Enter")
            break
    page.wait_for_url(re.compile(r"/m/attempts/\d+$"))
    expect(page.locator("fieldset.question.is-current legend")).to_have_text("Câu 1/10")

    answered: set[int] = set()
    picked: set[tuple[int, int]] = set()
    used_palette = flagged = False
    seen_types: set[str] = set()
    for _ in range(600):
        page.keyboard.press("Tab")
        info = check(page, stops)
        if info is None:
            continue
        q = info["q"]
        if info["pal"] is not None:
            unanswered = sorted(set(range(1, 11)) - answered)
            go = (not used_palette and info["pal"] == 2) or (
                used_palette and unanswered and info["pal"] == unanswered[0]
            )
            if go:
                used_palette = True
                page.keyboard.press("Enter")
                expect(page.locator("fieldset.question.is-current")).to_have_attribute(
                    "data-pos", str(info["pal"])
                )
        elif info["flag"] and q == 3 and not flagged:
            page.keyboard.press("Space")
            expect(page.locator("#pal3")).to_have_class(re.compile("flagged"))
            flagged = True
        elif info["type"] == "radio" and q not in answered:
            page.keyboard.press("Space")  # the first option is the key (options are not shuffled)
            answered.add(q)
            seen_types.add(info["qtype"])
        elif info["type"] == "checkbox" and not info["flag"] and (q, info["index"]) not in picked:
            if info["index"] in (0, 2):
                page.keyboard.press("Space")
                picked.add((q, info["index"]))
                if {(q, 0), (q, 2)} <= picked:
                    answered.add(q)
                    seen_types.add("multiple")
        elif info["tag"] == "input" and info["type"] == "text" and q not in answered:
            page.keyboard.type(TEXT[info["qtype"]])
            answered.add(q)
            seen_types.add(info["qtype"])
        elif "next" in info["cls"]:
            page.keyboard.press("Enter")
        elif info["id"] == "submit-button" and len(answered) == 10:
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"the quiz was not finished by keyboard; answered {sorted(answered)}")
    assert seen_types == {"single", "multiple", "true_false", "short", "numeric"}
    assert used_palette and flagged

    expect(page.get_by_text("Bạn đã trả lời tất cả các câu hỏi.")).to_be_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        info = check(page, stops)
        if info and info["tag"] == "button" and "Nộp bài" in info["label"]:
            page.keyboard.press("Enter")
            break
    expect(page.locator(".result .stat .value").first).to_have_text("100,0%")
    assert len(stops) > 60, stops
