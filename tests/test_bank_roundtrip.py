"""Round trips over generated banks with Vietnamese text and GIFT's special characters."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.services.banks import load_bank_file
from quizapp.services.banks.csv_format import write_csv
from quizapp.services.banks.fields import clean
from quizapp.services.banks.gift_writer import write_gift
from quizapp.services.banks.parsed import (
    TRUE_FALSE_OPTIONS,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
)
from quizapp.services.banks.problems import Problems
from quizapp.services.banks.validate import validate_bank
from quizapp.services.banks.xlsx_format import write_xlsx
from quizapp.services.banks.yaml_writer import write_yaml

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯạảãáàấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
SPECIAL = "~=#{}:\\%-*[]/$>«»—.,?!\"'()"
ALPHABET = VIETNAMESE + SPECIAL + string.digits + "  "


def text(min_size=1, max_size=40, *, lines=False, alphabet=ALPHABET):
    chars = alphabet + ("\n" if lines else "")
    return (
        st.text(chars, min_size=min_size, max_size=max_size)
        .map(clean)
        .filter(
            lambda s: len(s) >= min_size and "\n\n" not in s and "\n " not in s and " \n" not in s
        )
    )


numbers = st.one_of(
    st.integers(-10_000, 10_000),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3)),
)
tags = st.lists(text(1, 12, alphabet=VIETNAMESE + string.digits + "-_ "), max_size=3, unique=True)


@st.composite
def questions(draw, uid):
    qtype = draw(st.sampled_from(["single", "multiple", "true_false", "short", "numeric"]))
    q = ParsedQuestion(qtype=qtype, stem=draw(text(lines=True)), uid=uid)
    q.title = draw(st.one_of(st.just(""), text(max_size=20)))
    q.explanation = draw(st.one_of(st.just(""), text(lines=True)))
    q.source = draw(text())
    q.difficulty = draw(st.sampled_from([None, "easy", "medium", "hard"]))
    q.points = draw(st.sampled_from([1, 2, 0.5, 1.25, 10]))
    q.tags = draw(tags)
    if qtype in ("single", "multiple"):
        q.options = draw(st.lists(text(lines=True), min_size=2, max_size=6))
        n = len(q.options)
        if qtype == "single":
            q.answer = {"correct": [draw(st.integers(0, n - 1))]}
        else:
            q.answer = {"correct": sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))}
        if draw(st.booleans()):
            q.option_feedback = draw(
                st.lists(st.one_of(st.just(""), text()), min_size=n, max_size=n)
            )
    elif qtype == "true_false":
        q.options = list(TRUE_FALSE_OPTIONS)
        q.answer = {"correct": [draw(st.integers(0, 1))]}
        if draw(st.booleans()):
            q.option_feedback = [draw(text()), draw(st.one_of(st.just(""), text()))]
    elif qtype == "short":
        accepted = draw(st.lists(text(alphabet=ALPHABET.replace("|", "")), min_size=1, max_size=3))
        q.answer = {"accepted": accepted, "ignore_diacritics": draw(st.booleans())}
    else:
        if draw(st.booleans()):
            low, high = sorted([draw(numbers), draw(numbers)])
            q.answer = {"min": low, "max": high}
        else:
            q.answer = {
                "value": draw(numbers),
                "tolerance": draw(st.sampled_from([0, 1, 0.5, 2.25])),
            }
    return q


@st.composite
def banks(draw):
    bank = ParsedBank(
        slug=draw(st.sampled_from(["ngan-hang", "dh-xii", "b1"])),
        title=draw(text(max_size=30)),
        description=draw(st.one_of(st.just(""), text(lines=True))),
        multiple_scoring=draw(st.sampled_from(["all_or_nothing", "partial"])),
    )
    titles = draw(st.lists(text(max_size=25), min_size=1, max_size=3, unique=True))
    n = 0
    for title in titles:
        topic = ParsedTopic(title)
        for _ in range(draw(st.integers(1, 3))):
            n += 1
            topic.questions.append(
                draw(questions(f"q{n}-{draw(st.sampled_from(['a', 'b', 'x_y', '1.2']))}"))
            )
        bank.topics.append(topic)
    problems = Problems()
    validate_bank(bank, problems)
    assert problems.errors == [], [str(e) for e in problems.errors]
    return bank


ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(banks())
def test_yaml_round_trip_is_equal_and_byte_stable(bank):
    data = write_yaml(bank)
    again = load_bank_file("b.yaml", data)
    assert again.errors == [], [str(e) for e in again.errors]
    assert again.content() == bank.content() and again.slug == bank.slug
    assert write_yaml(again) == data


@ROUND_TRIP
@given(banks())
def test_gift_round_trip_is_equal(bank):
    again = load_bank_file("b.gift", write_gift(bank))
    assert again.errors == [], [str(e) for e in again.errors]
    assert again.content() == bank.content() and again.slug == bank.slug


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_xlsx_round_trip_is_equal(bank):
    again = load_bank_file("b.xlsx", write_xlsx(bank))
    assert again.errors == [], [str(e) for e in again.errors]
    assert again.content() == bank.content() and again.slug == bank.slug


@ROUND_TRIP
@given(banks())
def test_csv_round_trip_keeps_every_question(bank):
    again = load_bank_file("b.csv", write_csv(bank))
    assert again.errors == [], [str(e) for e in again.errors]
    assert [t["questions"] for t in again.content()["topics"]] == [
        t["questions"] for t in bank.content()["topics"]
    ]
