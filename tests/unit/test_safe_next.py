import pytest

from app.web.security import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account", "/account"),
        ("/account?tab=premium#x", "/account?tab=premium#x"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example", None),
        ("http://atelier.test/account", None),
        ("javascript:alert(1)", None),
        ("account", None),
        ("/\tevil", None),
        ("/a\r\nLocation: https://evil.example", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected
