"""Terms §2.1a (peer-assessed assignments: a rubric of criteria, each with levels worth
points): the rubric as staff write it, and every way of writing it wrong."""

import pytest

from app.domain.rubric_text import Criterion, Level, RubricTextError, parse, write

GOOD = """* Clear names | Des noms clairs
0 | Unclear | Peu clairs
1 | Partly clear | En partie clairs
2 | Clear | Clairs

* It works | Ça marche
0 | No | Non
3 | Yes | Oui
"""


def test_a_rubric_reads_and_writes_back():
    parsed = parse(GOOD)
    assert parsed == [
        Criterion(
            "Clear names",
            "Des noms clairs",
            [
                Level(0, "Unclear", "Peu clairs"),
                Level(1, "Partly clear", "En partie clairs"),
                Level(2, "Clear", "Clairs"),
            ],
        ),
        Criterion("It works", "Ça marche", [Level(0, "No", "Non"), Level(3, "Yes", "Oui")]),
    ]
    assert write(parsed) == GOOD
    assert parse(write(parsed)) == parsed


def test_levels_are_written_by_points():
    parsed = parse("* A | B\n2 | Best | Mieux\n0 | None | Rien\n")
    assert write(parsed) == "* A | B\n0 | None | Rien\n2 | Best | Mieux\n"


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ("", "empty", 0),
        ("\n  \n", "empty", 0),
        ("0 | No | Non\n", "level_first", 1),
        ("* Only English\n0 | a | b\n1 | c | d\n", "criterion_languages", 1),
        ("* English | \n0 | a | b\n1 | c | d\n", "criterion_languages", 1),
        ("* A | B\n0 | a\n1 | c | d\n", "level_languages", 2),  # no French
        ("* A | B\n0 | a | \n1 | c | d\n", "level_languages", 2),
        ("* A | B\nx | a | b\n1 | c | d\n", "points", 2),
        ("* A | B\n1.5 | a | b\n1 | c | d\n", "points", 2),
        ("* A | B\n-1 | a | b\n1 | c | d\n", "points", 2),
        ("* A | B\n101 | a | b\n1 | c | d\n", "points", 2),
        ("* A | B\n\u0661 | a | b\n2 | c | d\n", "points", 2),  # a digit, not ASCII
        ("* A | B\n1 | a | b\n1 | c | d\n", "duplicate_points", 3),
        ("* A | B\n1 | a | b\n* C | D\n0 | a | b\n1 | c | d\n", "levels", 1),
        ("* A | B\n0 | a | b\n1 | c | d\nwhat is this\n", "unknown", 4),
        ("* A | B\n0 | a | b\n1 | " + "c" * 500 + " | d\n", "too_long", 3),
        ("".join(f"* C{i} | C{i}\n0 | a | b\n1 | c | d\n" for i in range(21)), "too_many", 61),
        ("* A | B\n" + "".join(f"{i} | a | b\n" for i in range(11)), "too_many_levels", 12),
    ],
)
def test_what_is_refused(text, problem, line):
    with pytest.raises(RubricTextError) as error:
        parse(text)
    assert (error.value.problem, error.value.line) == (problem, line)
