"""Breakdown labels of a member: gender, ethnicity and low-cardinality custom attributes.

The same function labels a member when the roster denominators are refreshed and
when a participant is counted, so numerators and denominators always agree.
"""

from __future__ import annotations

import unicodedata

GENDER = "gender"
ETHNICITY = "ethnicity"
ATTR_PREFIX = "attr:"
# An attribute with more distinct values than this (an address, a note) is no breakdown.
MAX_ATTRIBUTE_VALUES = 30
MAX_VALUE_LENGTH = 120
MAX_DIMENSION_LENGTH = 80


def clean(value) -> str:
    """A label value: NFC text, spaces collapsed, at most 120 characters; '' when unknown."""
    if value is None or isinstance(value, (bool, list, dict)):
        return ""
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text[:MAX_VALUE_LENGTH]


def attribute_dimension(key: str) -> str | None:
    """The dimension name of a custom attribute, or None when the key is unusable."""
    key = clean(key)
    dimension = ATTR_PREFIX + key
    if not key or len(dimension) > MAX_DIMENSION_LENGTH:
        return None
    return dimension


def attribute_values(attributes: dict | None) -> dict[str, str]:
    """Custom attributes as {dimension: label value}, skipping unusable keys and values."""
    out: dict[str, str] = {}
    for key, value in (attributes or {}).items():
        dimension = attribute_dimension(key)
        if dimension is not None:
            out[dimension] = clean(value)
    return out


def member_labels(gender, ethnicity, attributes: dict | None, attribute_dims) -> list[list[str]]:
    """[[dimension, value], ...] for one member; every dimension present, '' when unknown."""
    labels = [[GENDER, clean(gender)], [ETHNICITY, clean(ethnicity)]]
    values = attribute_values(attributes)
    labels.extend([dim, values.get(dim, "")] for dim in sorted(attribute_dims))
    return labels


def is_kinh(ethnicity: str) -> bool:
    """True for the Kinh majority, however it is capitalised."""
    return clean(ethnicity).casefold() == "kinh"
