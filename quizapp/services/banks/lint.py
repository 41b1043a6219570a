"""Item-writing advice for a bank: warnings that never block an import.

`bank check` and the console's upload preview run these after the file has been read and
validated. Each warning points at the question (or option, or field) it is about, like an
error does, and says what a member would exploit and how to fix it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from itertools import pairwise

from flask_babel import lazy_gettext as _l

from quizapp.services.banks.fields import LETTERS
from quizapp.services.banks.parsed import TRUE_FALSE_OPTIONS, ParsedBank, ParsedQuestion
from quizapp.services.banks.problems import Location, Problem
from quizapp.text import fold_vietnamese

# A key this many times longer than the longest distractor (and at least LONG_KEY_MIN_EXTRA
# characters longer) gives itself away: careful keys are long, hasty distractors short.
LONG_KEY_RATIO = 1.8
LONG_KEY_MIN_EXTRA = 15
# Below these counts a lean or a repeated position is chance, not a habit of the writer.
MIN_TRUE_FALSE = 5
MAX_TRUE_SHARE = 0.70
MIN_MULTIPLE = 4
# Stems whose folded words match this closely ask the same thing twice in one attempt.
NEAR_DUPLICATE_RATIO = 0.85
MIN_STEM_WORDS = 5
# Two stems at NEAR_DUPLICATE_RATIO share at least this share of their word pairs (Jaccard),
# so only pairs above it are compared word by word.
NEAR_DUPLICATE_JACCARD = 0.45
# A word pair found in more stems than this (the congress's name, "bao nhiêu") cannot tell two
# stems apart; skipping it keeps the check fast on the largest banks.
COMMON_BIGRAM_STEMS = 300

_CATCH_ALL = re.compile(
    r"\b(?:tat ca (?:cac )?(?:dap an|phuong an|y|cau) (?:o )?tren"
    r"|tat ca (?:deu|dap an deu|cac y deu) (?:dung|sai)"
    r"|ca (?:hai|ba|bon|nam) (?:dap an|phuong an|y)(?: tren)?"
    r"|ca [a-z](?:\s*(?:,|va|&)\s*[a-z])+"
    r"|khong (?:co )?(?:dap an|phuong an|y|cau) nao"
    r"|(?:all|none|both) of the above|both [a-z] and [a-z])\b"
)
# Absolute words, matched with their diacritics ("mọi", never "mới").
_ABSOLUTE = re.compile(
    r"(?<!\w)(?:mọi|toàn bộ|tất cả|luôn luôn|không bao giờ|hoàn toàn|tuyệt đối|duy nhất"
    r"|always|never|every|none)(?!\w)",
    re.IGNORECASE,
)
_URL = re.compile(
    r"https?://\S+|\bwww\.\S+|\b(?:[a-z0-9-]+\.)+([a-z]{2,6})\b(?:/\S*)?", re.IGNORECASE
)
_FILE_EXTENSIONS = {
    "txt",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "csv",
    "yaml",
    "yml",
    "md",
    "json",
    "gift",
    "aiken",
    "odt",
    "ods",
    "rtf",
    "jpg",
    "png",
}
_WORDS = re.compile(r"[a-z0-9]+")
_YEAR_WORDS = {"nam", "year"}


def lint_bank(bank: ParsedBank) -> list[Problem]:
    """Every item-writing warning for the bank, in file order."""
    found: list[Problem] = []

    def warn(location: Location, text) -> None:
        found.append(Problem(location, text, is_error=False))

    questions = bank.questions
    for q in questions:
        if q.qtype in ("single", "multiple"):
            _long_key(q, warn)
            _catch_all(q, warn)
            _absolutes(q, warn)
        elif q.qtype == "numeric":
            _numeric(q, warn)
        _source(q, warn)
    _true_false_lean(questions, warn)
    _multiple_positions(questions, warn)
    _near_duplicates(questions, warn)
    return sorted(found, key=lambda p: p.location.sort_key())


def add_lint_warnings(bank: ParsedBank) -> ParsedBank:
    """Append the item-writing warnings to `bank.warnings`, in file order; returns the bank."""
    bank.warnings = sorted([*bank.warnings, *lint_bank(bank)], key=lambda p: p.location.sort_key())
    return bank


def _correct(q: ParsedQuestion) -> list[int]:
    correct = q.answer.get("correct") if isinstance(q.answer, dict) else None
    if not isinstance(correct, list):
        return []
    return [
        i
        for i in correct
        if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(q.options)
    ]


def _letter(i: int) -> str:
    return LETTERS[i] if i < len(LETTERS) else str(i + 1)


def _long_key(q, warn):
    correct = _correct(q)
    wrong = [len(o.strip()) for i, o in enumerate(q.options) if i not in correct]
    if not correct or len(wrong) < 2:
        return
    shortest_key = min(correct, key=lambda i: len(q.options[i].strip()))
    key_len, longest = len(q.options[shortest_key].strip()), max(wrong)
    if key_len >= LONG_KEY_RATIO * longest and key_len - longest >= LONG_KEY_MIN_EXTRA:
        warn(
            q.where(f"option:{shortest_key}"),
            _l(
                "Đáp án đúng %(letter)s dài %(key)s ký tự, gấp %(ratio)s lần phương án sai dài nhất "
                "(%(longest)s ký tự): người làm bài đoán được đáp án nhờ độ dài. Hãy rút gọn đáp án "
                "hoặc viết các phương án sai cụ thể như đáp án.",
                letter=_letter(shortest_key),
                key=key_len,
                ratio=round(key_len / max(longest, 1), 1),
                longest=longest,
            ),
        )


def _catch_all(q, warn):
    for i, option in enumerate(q.options):
        if _CATCH_ALL.search(fold_vietnamese(option)):
            warn(
                q.where(f"option:{i}"),
                _l(
                    "Phương án %(letter)s («%(text)s») không nói về nội dung: người làm bài suy ra nó "
                    "từ các phương án khác, và khi các phương án bị xáo trộn thì «trên» hay «A, B, C» "
                    "không còn đúng chỗ. Hãy thay bằng một phương án có nội dung, hoặc dùng câu nhiều "
                    "đáp án.",
                    letter=_letter(i),
                    text=option.strip()[:80],
                ),
            )


def _absolutes(q, warn):
    correct = set(_correct(q))
    if not correct or any(
        _ABSOLUTE.search(unicodedata.normalize("NFC", q.options[i])) for i in correct
    ):
        return
    for i, option in enumerate(q.options):
        match = _ABSOLUTE.search(unicodedata.normalize("NFC", option))
        if i not in correct and match:
            warn(
                q.where(f"option:{i}"),
                _l(
                    "Phương án sai %(letter)s có từ tuyệt đối «%(word)s», còn đáp án đúng thì không: "
                    "người làm bài quen loại ngay phương án như vậy. Hãy viết phương án sai có mức độ "
                    "như đáp án.",
                    letter=_letter(i),
                    word=match.group(0),
                ),
            )


def _grouped(value, thousands: str, decimal: str) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", thousands)
    whole, _dot, frac = f"{value}".partition(".")
    return f"{int(whole):,}".replace(",", thousands) + decimal + frac


def _ambiguous(value, stem_words: set[str]) -> bool:
    """True when the Vietnamese and the English ways of writing the number read differently."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if float(value).is_integer():
        whole = abs(int(value))
        if whole < 1000:
            return False
        # A year is written without separators by everyone.
        return not (1000 <= whole <= 2100 and stem_words & _YEAR_WORDS)
    decimals = f"{abs(value)}".partition(".")[2]
    return len(decimals) == 3 or abs(value) >= 1000


def _numeric(q, warn):
    answer = q.answer if isinstance(q.answer, dict) else {}
    words = set(_WORDS.findall(fold_vietnamese(q.stem)))
    for name in ("value", "min", "max"):
        value = answer.get(name)
        if _ambiguous(value, words):
            warn(
                q.where("answer"),
                _l(
                    "Đáp án số %(vi)s có thể được viết theo hai cách đọc khác nhau: người Việt viết "
                    "«%(vi)s», người quen cách viết tiếng Anh viết «%(en)s» (với người Việt là một số "
                    "khác). Hãy hỏi theo đơn vị lớn hơn (ví dụ «bao nhiêu nghìn», «bao nhiêu triệu») "
                    "để đáp án dưới 1.000, hoặc dùng câu trắc nghiệm.",
                    vi=_grouped(value, ".", ","),
                    en=_grouped(value, ",", "."),
                ),
            )
            return


def _has_address(part: str) -> bool:
    for match in _URL.finditer(part):
        tld = match.group(1)
        if tld is None or tld.lower() not in _FILE_EXTENSIONS:
            return True
    return False


def _source(q, warn):
    if not q.source.strip():
        return  # validation already says the source is missing
    parts = [p.strip() for p in re.split(r"\s\|\s|\n", q.source) if p.strip()]
    missing = [p for p in parts if not _has_address(p)]
    if missing:
        warn(
            q.where("source"),
            _l(
                "Nguồn «%(part)s» không có địa chỉ (URL): người làm bài và người duyệt không mở ra "
                "đối chiếu được. Hãy ghi địa chỉ trang, hoặc bỏ nguồn này nếu dữ kiện đã có nguồn "
                "khác.",
                part=missing[0][:120],
            ),
        )


def _true_false_lean(questions, warn):
    keys = [q.answer.get("correct") for q in questions if q.qtype == "true_false"]
    keys = [k for k in keys if k in ([0], [1])]
    if len(keys) < MIN_TRUE_FALSE:
        return
    true = sum(1 for k in keys if k == [0])
    share = max(true, len(keys) - true) / len(keys)
    if share > MAX_TRUE_SHARE:
        # The options' own words, as members see them in the bank.
        leaning = TRUE_FALSE_OPTIONS[0] if true * 2 > len(keys) else TRUE_FALSE_OPTIONS[1]
        warn(
            Location(),
            _l(
                "%(n)s trong %(count)s câu đúng sai có đáp án «%(key)s» (%(percent)s%%): ai luôn chọn "
                "«%(key)s» được %(percent)s%% số câu này mà không cần biết gì. Hãy cân bằng, khoảng "
                "40–60%% câu có đáp án «Đúng».",
                n=max(true, len(keys) - true),
                count=len(keys),
                key=leaning,
                percent=round(share * 100),
            ),
        )


def _multiple_positions(questions, warn):
    keys = [_correct(q) for q in questions if q.qtype == "multiple"]
    keys = [k for k in keys if k]
    if len(keys) < MIN_MULTIPLE:
        return
    for position in sorted(set.intersection(*(set(k) for k in keys))):
        warn(
            Location(),
            _l(
                "Cả %(count)s câu nhiều đáp án đều có phương án %(letter)s là đáp án đúng: người làm "
                "bài chỉ cần luôn chọn %(letter)s. Hãy đổi vị trí các phương án để đáp án đúng rải "
                "đều.",
                count=len(keys),
                letter=_letter(position),
            ),
        )


def _near_duplicates(questions, warn):
    """Pairs of stems alike without diacritics, found by prefix filtering on word pairs.

    Word pairs are ordered from rarest to most common across the bank; two stems whose pair sets
    reach NEAR_DUPLICATE_JACCARD must share one of the first pairs of each, so only those are
    indexed and probed, then the few candidates are compared word by word.
    """
    words = [_WORDS.findall(fold_vietnamese(q.stem)) for q in questions]
    grams = [frozenset(pairwise(w)) if len(w) >= MIN_STEM_WORDS else frozenset() for w in words]
    frequency = Counter(g for pairs in grams for g in pairs)
    index: dict[tuple, list[int]] = defaultdict(list)
    for i, pairs in enumerate(grams):
        if not pairs:
            continue
        ordered = sorted(pairs, key=lambda g: (frequency[g], g))
        prefix = ordered[: len(ordered) - math.ceil(NEAR_DUPLICATE_JACCARD * len(ordered)) + 1]
        candidates = set()
        for gram in prefix:
            if len(index[gram]) <= COMMON_BIGRAM_STEMS:
                candidates.update(index[gram])
        for j in sorted(candidates):
            if words[i] == words[j]:
                continue  # identical stems are already a validation warning
            shared = len(pairs & grams[j])
            if shared / (len(pairs) + len(grams[j]) - shared) < NEAR_DUPLICATE_JACCARD:
                continue
            matcher = SequenceMatcher(None, words[j], words[i], autojunk=False)
            if matcher.quick_ratio() < NEAR_DUPLICATE_RATIO:
                continue
            ratio = matcher.ratio()
            if ratio >= NEAR_DUPLICATE_RATIO:
                warn(
                    questions[i].where("stem"),
                    _l(
                        "Câu hỏi gần trùng với câu %(other)s (%(where)s), giống %(percent)s%% khi bỏ "
                        "dấu: hai câu có thể cùng rơi vào một lượt làm bài và câu này gợi ý cho câu "
                        "kia. Hãy gộp hai câu, hoặc hỏi hai ý thật sự khác nhau.",
                        other=questions[j].uid or "",
                        where=questions[j].location.describe(),
                        percent=round(ratio * 100),
                    ),
                )
                break
        for gram in prefix:
            index[gram].append(i)
