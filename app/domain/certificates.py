"""Certificates of Achievement (Terms Definitions, §2.1a): when one is earned, its
verification code, and the "Add to profile" link professional networks accept."""

import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from urllib.parse import urlencode

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits: not guessable, short enough to type


def eligible(exercises: Iterable[int], best: Mapping[int, int], required: int) -> bool:
    """Every graded exercise of the course passed with the required grade (the best
    grade of each counts). A course without graded exercises gives no certificate."""
    ids = list(exercises)
    return bool(ids) and all(best.get(i, -1) >= required for i in ids)


def grade(exercises: Iterable[int], best: Mapping[int, int]) -> int:
    """The grade printed on the certificate: the mean of the best grades, rounded down."""
    values = [best.get(i, 0) for i in exercises]
    return sum(values) // len(values) if values else 0


def new_code(choice=secrets.choice) -> str:
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str | None:
    """What someone typed or followed ("abcd-efgh-jk0m", with o for 0) → the stored
    code, or None when it cannot be one."""
    code = text.strip().upper().replace("-", "").replace(" ", "")
    code = code.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def linkedin_url(
    *, name: str, organisation: str, issued: date, url: str, code: str, organisation_id=None
) -> str:
    """LinkedIn's add-to-profile address for a certification."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organisation,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": url,
        "certId": display_code(code),
    }
    if organisation_id:
        params["organizationId"] = organisation_id
    return "https://www.linkedin.com/profile/add?" + urlencode(params)
