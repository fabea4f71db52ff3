import pytest

from app.domain.passwords import PasswordProblem, common_passwords, password_problem


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("short", None, PasswordProblem.TOO_SHORT),
        ("123456789", None, PasswordProblem.TOO_SHORT),  # 9 characters
        ("a" * 129, None, PasswordProblem.TOO_LONG),
        ("Password123", None, PasswordProblem.COMMON),  # common, whatever the case
        ("motdepasse", None, PasswordProblem.COMMON),
        ("qwertyuiop", None, PasswordProblem.COMMON),
        ("camille-likes-tea", "camille@example.org", PasswordProblem.CONTAINS_EMAIL),
        ("correct horse battery", None, None),  # spaces are fine
        ("x" * 64, None, None),  # long passphrases are welcome
        ("élan vital 2026", None, None),  # no composition rules, any characters
        ("zzzzzzzzzz", "al@example.org", None),  # short local parts are not checked
    ],
)
def test_password_problem(password, email, problem):
    assert password_problem(password, email) == problem


def test_common_list_is_loaded_without_comments():
    words = common_passwords()
    assert len(words) > 50
    assert not any(word.startswith("#") for word in words)
