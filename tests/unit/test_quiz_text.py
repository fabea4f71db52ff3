"""Terms §2.1a (quizzes written by staff): the text format of a quiz, read and written."""

from decimal import Decimal

import pytest

from app.domain.grading import QuestionKind
from app.domain.quiz_text import QuizTextError, parse, write

GOOD = """
# a comment
? single
en: Which tag?
fr: Quelle balise ?
+ <p> | <p>
- <div> | <div>
why en: Paragraphs.
why fr: Les paragraphes.

? multiple 2
en: Which are CSS?
fr: Lesquelles sont du CSS ?
+ color | color
+ margin | margin
- href | href

? text
en: H of HTML?
fr: Le H de HTML ?
answer: hypertext
answer: hyper text

? number
en: 0.1 + 0.2?
fr: 0,1 + 0,2 ?
answer: 0,3
tolerance: 0.01
"""


def test_a_good_quiz_is_read_and_written_back():
    questions = parse(GOOD)
    assert [q.kind for q in questions] == list(QuestionKind)
    assert questions[1].points == 2 and [o.correct for o in questions[1].options] == [1, 1, 0]
    assert questions[2].accepted == ["hypertext", "hyper text"]
    assert questions[3].number == Decimal("0.3") and questions[3].tolerance == Decimal("0.01")
    assert questions[0].feedback_fr == "Les paragraphes."
    again = parse(write(questions))
    assert [(q.kind, q.prompt_en, q.options, q.accepted, q.number) for q in again] == [
        (q.kind, q.prompt_en, q.options, q.accepted, q.number) for q in questions
    ]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", 1, "empty"),
        ("en: orphan", 1, "no_question"),
        ("? essay", 1, "kind"),
        ("? single zero", 1, "points"),
        ("? single\nen: a\nfr: b\n+ one | un", 1, "single_options"),
        ("? single\nen: a\nfr: b\n+ one | un\n+ two | deux", 1, "single_options"),
        ("? multiple\nen: a\nfr: b\n- one | un\n- two | deux", 1, "multiple_options"),
        ("? single\nen: a\n+ one | un\n- two | deux", 1, "prompt_languages"),
        ("? single\nen: a\nfr: b\n+ one\n- two | deux", 4, "option_languages"),
        ("? text\nen: a\nfr: b\n+ x | y", 4, "option_not_allowed"),
        ("? text\nen: a\nfr: b", 1, "no_answer"),
        ("? number\nen: a\nfr: b\nanswer: six", 4, "not_a_number"),
        ("? number\nen: a\nfr: b\nanswer: 6\ntolerance: -1", 5, "not_a_number"),
        ("? text\nen: a\nfr: b\nanswr: x", 4, "unknown"),
    ],
)
def test_mistakes_name_their_line(text, line, problem):
    with pytest.raises(QuizTextError) as error:
        parse(text)
    assert (error.value.line, error.value.problem) == (line, problem)
