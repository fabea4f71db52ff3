"""A quiz written as plain text, for staff to author in one text area (keyboard and
screen reader friendly, no JavaScript), read into questions or refused with the line
that is wrong. The format, one item a line:

    ? single            a question: single, multiple, text or number (points after: "? single 2")
    en: The question    its wording in English, then in French
    fr: La question
    + Right | Juste     an option (single, multiple): + right, - wrong; English | French
    - Wrong | Faux
    answer: hypertext   text: an accepted answer (one a line); number: the value
    tolerance: 0.01     number: how far from the value still counts (default 0)
    why en: Because…    feedback shown after submitting, in English and French
    why fr: Parce que…

Blank lines and lines starting with # are ignored."""

from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.grading import QuestionKind, parse_number

MAX_QUESTIONS = 50
MAX_LINE = 2000


@dataclass
class Option:
    label_en: str
    label_fr: str
    correct: bool


@dataclass
class Question:
    kind: QuestionKind
    points: int = 1
    prompt_en: str = ""
    prompt_fr: str = ""
    feedback_en: str = ""
    feedback_fr: str = ""
    options: list[Option] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    number: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    line: int = 0


class QuizTextError(ValueError):
    """`problem` names what is wrong (a key for the page's message), at `line`."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line, self.problem = line, problem


def parse(text: str) -> list[Question]:
    questions: list[Question] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_LINE:
            raise QuizTextError(number, "too_long")
        if line.startswith("?"):
            questions.append(_start(line[1:].split(), number))
            if len(questions) > MAX_QUESTIONS:
                raise QuizTextError(number, "too_many")
            continue
        if not questions:
            raise QuizTextError(number, "no_question")
        _item(questions[-1], line, number)
    if not questions:
        raise QuizTextError(1, "empty")
    for question in questions:
        _check(question)
    return questions


def _start(words: list[str], number: int) -> Question:
    try:
        kind = QuestionKind(words[0].lower()) if words else None
    except ValueError:
        kind = None
    if kind is None or len(words) > 2:
        raise QuizTextError(number, "kind")
    points = 1
    if len(words) == 2:
        if not words[1].isdigit() or not 1 <= int(words[1]) <= 100:
            raise QuizTextError(number, "points")
        points = int(words[1])
    return Question(kind=kind, points=points, line=number)


def _item(question: Question, line: str, number: int) -> None:
    if line[0] in "+-":
        if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            raise QuizTextError(number, "option_not_allowed")
        en, _bar, fr = line[1:].partition("|")
        if not en.strip() or not fr.strip():
            raise QuizTextError(number, "option_languages")
        question.options.append(Option(en.strip(), fr.strip(), line[0] == "+"))
        return
    key, colon, value = line.partition(":")
    key, value = key.strip().lower(), value.strip()
    if not colon or not value:
        raise QuizTextError(number, "unknown")
    if key in ("en", "fr"):
        setattr(question, f"prompt_{key}", value)
    elif key in ("why en", "why fr"):
        setattr(question, f"feedback_{key[-2:]}", value)
    elif key == "answer" and question.kind is QuestionKind.TEXT:
        question.accepted.append(value)
    elif key == "answer" and question.kind is QuestionKind.NUMBER:
        question.number = parse_number(value)
        if question.number is None:
            raise QuizTextError(number, "not_a_number")
    elif key == "tolerance" and question.kind is QuestionKind.NUMBER:
        tolerance = parse_number(value)
        if tolerance is None or tolerance < 0:
            raise QuizTextError(number, "not_a_number")
        question.tolerance = tolerance
    else:
        raise QuizTextError(number, "unknown")


def _check(question: Question) -> None:
    if not question.prompt_en or not question.prompt_fr:
        raise QuizTextError(question.line, "prompt_languages")
    right = sum(o.correct for o in question.options)
    if question.kind is QuestionKind.SINGLE and (len(question.options) < 2 or right != 1):
        raise QuizTextError(question.line, "single_options")
    if question.kind is QuestionKind.MULTIPLE and (len(question.options) < 2 or right < 1):
        raise QuizTextError(question.line, "multiple_options")
    if question.kind is QuestionKind.TEXT and not question.accepted:
        raise QuizTextError(question.line, "no_answer")
    if question.kind is QuestionKind.NUMBER and question.number is None:
        raise QuizTextError(question.line, "no_answer")


def write(questions: list[Question]) -> str:
    """The text `parse` reads back into the same questions."""
    blocks = []
    for q in questions:
        lines = [f"? {q.kind.value}" + (f" {q.points}" if q.points != 1 else "")]
        lines += [f"en: {q.prompt_en}", f"fr: {q.prompt_fr}"]
        lines += [f"{'+' if o.correct else '-'} {o.label_en} | {o.label_fr}" for o in q.options]
        lines += [f"answer: {a}" for a in q.accepted]
        if q.number is not None:
            lines.append(f"answer: {q.number.normalize():f}")
            if q.tolerance:
                lines.append(f"tolerance: {q.tolerance.normalize():f}")
        if q.feedback_en:
            lines.append(f"why en: {q.feedback_en}")
        if q.feedback_fr:
            lines.append(f"why fr: {q.feedback_fr}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
