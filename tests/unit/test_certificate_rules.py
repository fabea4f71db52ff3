"""Terms Definitions ("Certificate of Achievement") and §2.1a: when a certificate is
earned, its code and the add-to-profile link."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from app.domain.certificates import (
    ALPHABET,
    CODE_LENGTH,
    clean_code,
    display_code,
    eligible,
    grade,
    linkedin_url,
    new_code,
)


@pytest.mark.parametrize(
    ("exercises", "best", "required", "ok"),
    [
        ([1, 2], {1: 80, 2: 70}, 70, True),  # the required grade itself passes
        ([1, 2], {1: 80, 2: 69}, 70, False),
        ([1, 2], {1: 100}, 70, False),  # one never attempted
        ([], {}, 70, False),  # no graded exercise: no certificate
        ([1], {1: 100, 9: 0}, 70, True),  # other courses' grades do not count
        ([1], {1: 50}, 50, True),  # the course sets its own grade
    ],
)
def test_eligibility(exercises, best, required, ok):
    assert eligible(exercises, best, required) is ok


@pytest.mark.parametrize(
    ("best", "printed"), [({1: 80, 2: 75}, 77), ({1: 100, 2: 100}, 100), ({1: 71}, 71)]
)
def test_printed_grade_is_the_mean_rounded_down(best, printed):
    assert grade(list(best), best) == printed


def test_codes_are_random_and_unambiguous():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABCD-EFGH-JK0M", "ABCDEFGHJK0M"),
        ("abcd efgh jkom", "ABCDEFGHJK0M"),  # o read as zero
        ("ABCDEFGHJK0", None),  # too short
        ("ABCD-EFGH-JK0M-X", None),
        ("../../etc/passwd", None),
        ("ABCD-EFGH-JKU0", None),  # U is never in a code
    ],
)
def test_typed_codes(typed, code):
    assert clean_code(typed) == code


def test_linkedin_add_to_profile_link():
    url = linkedin_url(
        name="HTML & CSS",
        organisation="Atelier",
        issued=date(2026, 12, 1),
        url="https://atelier.test/certificates/ABCDEFGHJK0M",
        code="ABCDEFGHJK0M",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "HTML & CSS",
        "organizationName": "Atelier",
        "issueYear": "2026",
        "issueMonth": "12",
        "certUrl": "https://atelier.test/certificates/ABCDEFGHJK0M",
        "certId": display_code("ABCDEFGHJK0M"),
    }
