"""Text typed by people: what it may not contain."""

import unicodedata

# Line breaks and tabs are part of a message; every other control character is not,
# and some (NUL) are refused by PostgreSQL outright.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in text)


def without_control_characters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in ALLOWED_CONTROLS)
