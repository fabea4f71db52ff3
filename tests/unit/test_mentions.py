"""@mentions, signatures and whom a post tells (Terms §2.1a: subscribers interact
through the forum, within the General Terms of Use and the Code of Conduct), by table.
Parsing the Markdown needs no app: these run without one."""

import pytest

from app.domain import notifications as rules
from app.domain.notifications import SignatureProblem
from app.services.mentions import mentioned_names, render_with_mentions


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Ask @ann", ["ann"]),
        ("@Ann, @bob and @cleo.", ["Ann", "bob", "cleo"]),
        ("thanks @ann.", ["ann"]),  # the sentence's full stop is not part of the name
        ("@ann.b-c_d is one name", ["ann.b-c_d"]),
        ("(@ann) [@bob] @élodie", ["ann", "bob", "élodie"]),
        ("**@ann** and *@bob*", ["ann", "bob"]),
        ("> @ann in a quote", []),  # the quoted member's words, not a new mention
        ("> **@ann**\n>\n> hello @bob\n\nThanks @cleo", ["cleo"]),  # a quoted post
        ("- @ann in a list", ["ann"]),
        ("write to ann@example.org", []),  # an address, not a mention
        ("https://example.org/@ann", []),  # a path
        ("@an is too short, @" + "a" * 31 + " too long", []),
        ("@_ann starts with an underscore", []),
        ("@ @ @@ann", []),
        ("`@ann` in code", []),
        ("```\n@ann in a code block\n```", []),
        ("    @ann in an indented code block", []),
        ("[@ann](https://example.org) in a link", []),
        ("<https://example.org/@ann> an autolink", []),
        ("![@ann](https://example.org/a.png) an image's text", []),
        ("@ann and `@bob` and [@cleo](https://x.org) and @dan", ["ann", "dan"]),
        ("", []),
        (None, []),
    ],
)
def test_2_1a_mentions_are_names_in_the_text_outside_code_and_links(text, names):
    assert mentioned_names(text) == names


@pytest.mark.parametrize(
    ("text", "known", "html"),
    [
        ("Hi @Ann!", {"ann"}, '<p>Hi <span class="mention">@Ann</span>!</p>'),
        ("Hi @nobody", {"ann"}, "<p>Hi @nobody</p>"),
        ("> @ann", {"ann"}, "<blockquote>\n<p>@ann</p>\n</blockquote>"),
        ("`@ann`", {"ann"}, "<p><code>@ann</code></p>"),
        (
            "[@ann](https://example.org)",
            {"ann"},
            '<p><a href="https://example.org" rel="nofollow ugc noopener">@ann</a></p>',
        ),
        (
            '<span class="mention" onclick="x()">@ann</span>',
            {"ann"},
            '<p>&lt;span class="mention" onclick="x()"&gt;<span class="mention">@ann</span>'
            "&lt;/span&gt;</p>",
        ),
        (
            "@ann<script>alert(1)</script>",
            {"ann"},
            '<p><span class="mention">@ann</span>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
        ),
    ],
)
def test_2_1a_known_members_mentions_are_marked_and_nothing_else_passes(text, known, html):
    assert str(render_with_mentions(text, known)).strip() == html


@pytest.mark.parametrize(
    ("mentioned", "author", "already", "expected"),
    [
        ([2, 3], 1, set(), [2, 3]),
        ([2, 2, 3, 2], 1, set(), [2, 3]),  # each member once
        ([1, 2], 1, set(), [2]),  # never the author
        ([2, 3], 1, {2}, [3]),  # an edit does not tell again
        (list(range(2, 20)), 1, set(), list(range(2, 2 + rules.MAX_MENTIONS))),
        # The cap counts the members mentioned, told already or not: an edit cannot
        # add ten more.
        (list(range(2, 20)), 1, set(range(2, 12)), []),
        ([], 1, set(), []),
    ],
)
def test_2_1a_a_post_tells_each_mentioned_member_once_and_at_most_ten(
    mentioned, author, already, expected
):
    assert rules.to_notify(mentioned, author=author, already=already) == expected


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Learning Python", "Learning Python"),
        ("  two\nlines  ", "two lines"),
        ("Ada\u200bLovelace", "AdaLovelace"),
        ("\u202etxt.exe\u202c", "txt.exe"),
        ("a\ufeffb\u2066c\u2069", "abc"),
        (None, ""),
    ],
)
def test_2_1a_a_signature_is_one_visible_line(typed, kept):
    assert rules.clean_signature(typed) == kept


@pytest.mark.parametrize(
    ("length", "problem"),
    [(0, None), (rules.MAX_SIGNATURE, None), (rules.MAX_SIGNATURE + 1, SignatureProblem.TOO_LONG)],
)
def test_2_1a_a_signature_is_short(length, problem):
    assert rules.signature_problem("x" * length) is problem
