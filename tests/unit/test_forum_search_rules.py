"""Forum search rules (Terms §2.1a, the forum where subscribers help each other): what a
member types becomes plain words and a full-text query that means nothing else; the
database's highlights become HTML with nothing of the post's own markup."""

import importlib.util
from pathlib import Path

import pytest

from app.domain import forum_search as rules
from app.domain.forum_search import MARK_END as E
from app.domain.forum_search import MARK_START as S
from app.domain.forum_search import QueryProblem

MIGRATION = Path(__file__).parents[2] / "migrations/versions/9a2c5e7f1b34_forum_search.py"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("loops", ("loops",)),
        ("  Loops   PYTHON ", ("loops", "python")),
        ("loops loops Loops", ("loops",)),
        ("L'été arrive", ("l", "ete", "arrive")),
        ("Ça coûte", ("ca", "coute")),
        ('"loops python"', ("loops", "python")),
        ('"unbalanced', ("unbalanced",)),
        ("loops OR python", ("loops", "or", "python")),
        ("NEAR(loops python, 2)", ("near", "loops", "python", "2")),
        ("title:loops", ("title", "loops")),
        ("{title body}: x", ("title", "body", "x")),
        ("loop*", ("loop",)),
        ("-loops +python", ("loops", "python")),
        ("^start", ("start",)),
        ("a & b | !c <-> d:*", ("a", "b", "c", "d")),
        ("'; DROP TABLE forum_posts; --", ("drop", "table", "forum", "posts")),
        ("snake_case", ("snake", "case")),
        ("日本語 テキスト", ("日本語", "テキスト")),
        ("\u202egnp.exe", ("gnp", "exe")),
        ("!!! ??? ... --- ***", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_2_1a_a_query_becomes_plain_words(query, words):
    assert rules.words(query) == words


def test_2_1a_a_long_query_gives_at_most_ten_words_of_sixty_letters():
    assert len(rules.words(" ".join(f"w{n}" for n in range(500)))) == rules.MAX_WORDS
    assert rules.words("a" * 1_000) == ("a" * rules.MAX_WORD,)


@pytest.mark.parametrize(
    ("query", "match"),
    [
        ("loops", '"loops"'),
        ("loops OR python", '"loops" "or" "python"'),
        ('NEAR("a" b)', '"near" "a" "b"'),
        ("title:x*", '"title" "x"'),
        ("-x", '"x"'),
    ],
)
def test_2_1a_the_fts5_query_quotes_every_word(query, match):
    assert rules.fts5_match(rules.words(query)) == match


def test_2_1a_a_quote_inside_a_word_would_be_doubled():
    assert rules.fts5_match(('a"b',)) == '"a""b"'


def test_2_1a_the_postgresql_query_is_the_words():
    assert rules.tsquery_text(rules.words("Loops & !python")) == "loops python"


def test_2_1a_typed_words_keep_their_accents():
    assert rules.typed_words("L'Été, déjà! été") == ("l", "été", "déjà")
    assert len(rules.typed_words(" ".join(f"w{n}" for n in range(500)))) == rules.MAX_WORDS


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("loops", None),
        ("", None),
        ("   ", None),
        ("x" * 200, None),
        ("x" * 201, QueryProblem.TOO_LONG),
        ("a" * 1_000, QueryProblem.TOO_LONG),
        ("!!!", QueryProblem.NO_WORDS),
        ('"" -- **', QueryProblem.NO_WORDS),
    ],
)
def test_2_1a_query_problems(query, problem):
    assert rules.query_problem(query) is problem


@pytest.mark.parametrize(
    ("marked", "found", "html"),
    [
        (f"How do {S}loops{E} work?", (), "How do <mark>loops</mark> work?"),
        (
            f"<script>alert(1)</script> {S}loops{E}",
            (),
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>loops</mark>",
        ),
        (
            f'{S}<img src=x onerror="y">{E}',
            (),
            "<mark>&lt;img src=x onerror=&quot;y&quot;&gt;</mark>",
        ),
        ("a &amp; b", (), "a &amp;amp; b"),
        ("<mark>x</mark>", ("x",), "&lt;mark&gt;<mark>x</mark>&lt;/mark&gt;"),
        (f"{S}unclosed", (), "<mark>unclosed</mark>"),
        (f"stray{E} end", (), "stray end"),
        (f"{S}{S}double{E}{E}", (), "<mark>double</mark>"),
        (f"{S}{E}empty", (), "empty"),
        ("L'été arrive", ("ete",), "L&#x27;<mark>été</mark> arrive"),
        (f"{S}été{E} et Été", ("ete",), "<mark>été</mark> et <mark>Été</mark>"),
        ("nothing here", ("ete",), "nothing here"),
        ("", (), ""),
        (None, (), ""),
    ],
)
def test_2_1a_highlights_are_marks_in_escaped_text(marked, found, html):
    assert rules.highlighted_html(marked, found) == html


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (20, 1), (21, 2), (45, 3)])
def test_2_1a_twenty_results_a_page(total, pages):
    assert rules.page_count(total) == pages


def test_2_1a_the_offset_of_a_page():
    assert [rules.offset(page) for page in (0, 1, 2, 3)] == [0, 0, 20, 40]


def test_2_1a_the_index_folds_the_same_letters_as_the_query():
    """The migration's translate() lists are the domain's (a migration is frozen, so it
    holds its own copy)."""
    spec = importlib.util.spec_from_file_location("forum_search_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.FOLD_FROM == rules.FOLD_FROM
    assert migration.FOLD_TO == rules.FOLD_TO
    assert len(rules.FOLD_FROM) == len(rules.FOLD_TO)
    assert rules.fold("ÀÉÎÕÜÇŁ") == "aeioucl"
