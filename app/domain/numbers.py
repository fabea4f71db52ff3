"""Whole numbers typed by people or carried in URLs.

`str.isdigit()` accepts far more than 0-9 ("²", "٣", "௫"), and `int()` then refuses
some of them: every number the site reads goes through here instead."""

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(text: str) -> bool:
    return _ASCII_DIGITS.fullmatch(text) is not None


def parse_whole_number(text: str | None, *, max_digits: int = 9) -> int | None:
    """The number written with 0-9 only (surrounding spaces allowed), or None for
    anything else: empty, signs, other scripts' digits, or more than `max_digits`."""
    raw = (text or "").strip()
    if not raw or len(raw) > max_digits or not is_ascii_digits(raw):
        return None
    return int(raw)
