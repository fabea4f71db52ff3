"""Forum and message rules (Terms §2.1a: subscribers interact through the forum and
private messages, within the General Terms of Use), by table."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import forum as rules
from app.domain.forum import NameProblem, PostingRefusal, TextProblem

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", None),
        ("", TextProblem.EMPTY),
        (None, TextProblem.EMPTY),
        (" \n\t ", TextProblem.EMPTY),
        ("x" * rules.MAX_BODY, None),
        ("x" * (rules.MAX_BODY + 1), TextProblem.TOO_LONG),
        ("x" * 100_000, TextProblem.TOO_LONG),
    ],
)
def test_2_1a_a_post_body_is_something_of_a_sensible_length(text, expected):
    assert rules.body_problem(text) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Loops", None),
        ("", TextProblem.EMPTY),
        ("x" * 151, TextProblem.TOO_LONG),
        ("\u202etxt.exe", TextProblem.INVISIBLE),
        ("a\u200bb", TextProblem.INVISIBLE),
        ("\u2067x\u2069", TextProblem.INVISIBLE),
        ("Café — déjà vu", None),
    ],
)
def test_2_1a_a_title_has_no_invisible_characters(title, expected):
    assert rules.title_problem(title) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("camille", None),
        ("Léa_M", None),
        ("dev-42.x", None),
        ("ab", NameProblem.TOO_SHORT),
        ("x" * 31, NameProblem.TOO_LONG),
        ("two words", NameProblem.CHARACTERS),
        ("-dash", NameProblem.CHARACTERS),
        ("adm\u200bin", NameProblem.CHARACTERS),
        ("\u202eeve", NameProblem.CHARACTERS),
        ("<b>x</b>", NameProblem.CHARACTERS),
    ],
)
def test_2_1a_display_names(name, expected):
    assert rules.name_problem(name) is expected


FULLWIDTH = "\uff43\uff41\uff4d\uff49\uff4c\uff4c\uff45"  # "camille" in full-width letters


def test_2_1a_names_are_the_same_whatever_their_case():
    assert rules.name_key("Camille") == rules.name_key("CAMILLE") == rules.name_key(FULLWIDTH)


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [("Camille Martin", "Camille-7"), ("Léo Bernard", "Leo-7"), ("\u202e", "member-7")],
)
def test_2_1a_the_first_display_name_never_shows_the_full_name(full_name, expected):
    assert rules.default_name(full_name, 7) == expected


@pytest.mark.parametrize(
    ("locked", "hidden", "suspended_until", "expected"),
    [
        (False, False, None, None),
        (True, False, None, PostingRefusal.LOCKED),
        (False, True, None, PostingRefusal.HIDDEN),
        (True, True, None, PostingRefusal.HIDDEN),
        (False, False, NOW + timedelta(days=1), PostingRefusal.SUSPENDED),
        (False, False, NOW - timedelta(seconds=1), None),
    ],
)
def test_2_1a_when_a_thread_takes_a_reply(locked, hidden, suspended_until, expected):
    refusal = rules.posting_refusal(
        locked=locked, hidden=hidden, suspended_until=suspended_until, now=NOW
    )
    assert refusal is expected


@pytest.mark.parametrize(
    ("age", "deleted", "hidden", "expected"),
    [
        (timedelta(minutes=0), False, False, True),
        (timedelta(minutes=30), False, False, True),
        (timedelta(minutes=30, seconds=1), False, False, False),
        (timedelta(minutes=5), True, False, False),
        (timedelta(minutes=5), False, True, False),
    ],
)
def test_2_1a_a_post_is_edited_within_30_minutes(age, deleted, hidden, expected):
    assert rules.may_edit(created_at=NOW - age, now=NOW, deleted=deleted, hidden=hidden) is expected


@pytest.mark.parametrize(
    ("posts", "pages"), [(0, 1), (1, 1), (25, 1), (26, 2), (5_000, 200), (5_001, 201)]
)
def test_2_1a_threads_are_cut_in_pages_of_25(posts, pages):
    assert rules.page_count(posts) == pages


@pytest.mark.parametrize(("position", "page"), [(1, 1), (25, 1), (26, 2), (5_000, 200)])
def test_2_1a_a_post_is_on_the_page_of_its_position(position, page):
    assert rules.page_of(position) == page
    first, last = rules.positions(page)
    assert first <= position <= last and last - first == 24


def test_2_1a_a_quote_is_a_markdown_blockquote():
    assert rules.quote("eve", "one\n\ntwo") == "> **@eve**\n>\n> one\n>\n> two\n\n"


@pytest.mark.parametrize(("started", "expected"), [(0, True), (4, True), (5, False), (9, False)])
def test_2_1a_new_conversations_are_limited_per_hour(started, expected):
    assert rules.may_start_conversation(started, limit=5) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), (None, 1), ("", 1), ("0", 1), ("²", 1), ("١٢", 1), ("-1", 1), ("9999999", 1)],
)
def test_2_1a_page_numbers_from_a_query_string(value, expected):
    assert rules.page_number(value) == expected


LATER = NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("post_count", "read", "last_post_at", "read_all_at", "expected"),
    [
        (10, 0, NOW, None, 1),
        (10, 4, NOW, None, 5),
        (10, 10, NOW, None, None),
        (10, 0, NOW, LATER, None),  # everything marked read after its last post
        (10, 4, LATER, NOW, 5),  # a post came after "mark all read"
    ],
)
def test_2_1a_the_first_unread_post(post_count, read, last_post_at, read_all_at, expected):
    position = rules.first_unread(
        post_count=post_count,
        read_position=read,
        last_post_at=last_post_at,
        read_all_at=read_all_at,
    )
    assert position == expected
