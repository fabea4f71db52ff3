"""Demo learning data: a quiz for every demo course, and a Premium Solo learner who has
read every chapter of one course but the last and has not passed its quiz yet, so the
demo shows a certificate being earned."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain.grading import QuestionKind
from app.domain.orders import OrderStatus, Plan
from app.extensions import db
from app.models import (
    Chapter,
    ChapterCompletion,
    Course,
    Exercise,
    ExerciseKind,
    Order,
    QuizOption,
    QuizQuestion,
    Subscription,
)
from app.seeds.premium import seed_paid_solo
from app.services import accounts, quizzes, subscriptions

K = QuestionKind


@dataclass(frozen=True)
class Q:
    kind: QuestionKind
    prompt: tuple[str, str]
    feedback: tuple[str, str]
    # (label en, label fr, right?) for the choice questions
    options: tuple[tuple[str, str, bool], ...] = ()
    accepted: str = ""
    number: str | None = None
    tolerance: str = "0"


QUIZZES = {
    "html-css-first-pages": (
        Q(
            K.SINGLE,
            (
                "Which element holds the text of a paragraph?",
                "Quel élément contient le texte d'un paragraphe ?",
            ),
            ("A paragraph is a p element: <p>…</p>.", "Un paragraphe est un élément p : <p>…</p>."),
            options=(
                ("<p>", "<p>", True),
                ("<para>", "<para>", False),
                ("<text>", "<text>", False),
            ),
        ),
        Q(
            K.MULTIPLE,
            (
                "Which of these are CSS properties?",
                "Lesquelles de ces propriétés sont des propriétés CSS ?",
            ),
            (
                "color and margin are CSS; href is an HTML attribute.",
                "color et margin sont du CSS ; href est un attribut HTML.",
            ),
            options=(("color", "color", True), ("margin", "margin", True), ("href", "href", False)),
        ),
        Q(
            K.TEXT,
            (
                "What does the H of HTML stand for? (one word)",
                "Que signifie le H de HTML ? (un mot, en anglais)",
            ),
            (
                "HyperText Markup Language.",
                "HyperText Markup Language (langage de balisage hypertexte).",
            ),
            accepted="hypertext\nhyper text",
        ),
        Q(
            K.NUMBER,
            (
                "How many heading levels does HTML have (h1 to …)?",
                "Combien de niveaux de titre HTML compte-t-il (de h1 à …) ?",
            ),
            ("Six: h1 to h6.", "Six : de h1 à h6."),
            number="6",
        ),
    ),
    "javascript-fundamentals": (
        Q(
            K.SINGLE,
            (
                "Which keyword declares a variable that cannot be reassigned?",
                "Quel mot-clé déclare une variable qu'on ne peut pas réaffecter ?",
            ),
            (
                "const: its name always points to the same value.",
                "const : son nom désigne toujours la même valeur.",
            ),
            options=(("const", "const", True), ("let", "let", False), ("var", "var", False)),
        ),
        Q(
            K.MULTIPLE,
            (
                "Which of these are JavaScript types?",
                "Lesquels de ces types existent en JavaScript ?",
            ),
            (
                "string and number are; JavaScript has no char type.",
                "string et number existent ; JavaScript n'a pas de type char.",
            ),
            options=(
                ("string", "string", True),
                ("number", "number", True),
                ("char", "char", False),
            ),
        ),
        Q(
            K.NUMBER,
            (
                "What is 0.1 + 0.2, to two decimal places?",
                "Combien font 0,1 + 0,2, à deux décimales près ?",
            ),
            (
                "0.3 — JavaScript prints 0.30000000000000004, close enough.",
                "0,3 — JavaScript affiche 0.30000000000000004, assez proche.",
            ),
            number="0.3",
            tolerance="0.01",
        ),
    ),
}

# For the other demo courses (their three chapters share one outline).
GENERIC = (
    Q(
        K.SINGLE,
        (
            "Which chapter walks you through a complete example?",
            "Quel chapitre vous fait suivre un exemple complet ?",
        ),
        (
            "The second one: a worked example to follow, then change.",
            "Le deuxième : un exemple commenté à suivre, puis à modifier.",
        ),
        options=(
            ("Getting started", "Pour commencer", False),
            ("Practise with a worked example", "Entraînez-vous sur un exemple commenté", True),
            ("Sum up and go further", "Résumez et allez plus loin", False),
        ),
    ),
    Q(
        K.MULTIPLE,
        ("What does the first chapter tell you?", "Que vous présente le premier chapitre ?"),
        (
            "What you will learn and what you need; the summary comes last.",
            "Ce que vous allez apprendre et ce dont vous avez besoin ; le résumé vient à la fin.",
        ),
        options=(
            ("What you will learn", "Ce que vous allez apprendre", True),
            ("What you need", "Ce dont vous avez besoin", True),
            ("The summary of the course", "Le résumé du cours", False),
        ),
    ),
    Q(
        K.NUMBER,
        ("How many chapters does this course have?", "Combien de chapitres ce cours compte-t-il ?"),
        ("Three.", "Trois."),
        number="3",
    ),
)

DEMO_SOLO = ("solo@atelier.example", "Inès Moreau", "demo-solo-2026")
DEMO_COURSE = "html-css-first-pages"


def _question(position: int, spec: Q) -> QuizQuestion:
    return QuizQuestion(
        position=position,
        kind=spec.kind,
        prompt_en=spec.prompt[0],
        prompt_fr=spec.prompt[1],
        feedback_en=spec.feedback[0],
        feedback_fr=spec.feedback[1],
        accepted=spec.accepted,
        number_answer=Decimal(spec.number) if spec.number is not None else None,
        tolerance=Decimal(spec.tolerance),
        options=[
            QuizOption(position=i, label_en=en, label_fr=fr, correct=right)
            for i, (en, fr, right) in enumerate(spec.options, 1)
        ],
    )


def seed_quizzes() -> int:
    """Publish a first revision for each demo course's quiz that has none."""
    added = 0
    rows = db.session.execute(
        select(Exercise, Course.slug)
        .join(Course, Course.id == Exercise.course_id)
        .where(Exercise.kind == ExerciseKind.QUIZ, Exercise.published_revision.is_(None))
    ).all()
    for exercise, slug in rows:
        specs = QUIZZES.get(slug, GENERIC)
        quizzes.publish_revision(exercise, [_question(i, q) for i, q in enumerate(specs, 1)])
        added += 1
    return added


def give_solo(user, today: date, now: datetime) -> None:
    """A Premium Solo subscription started ten days ago, as a completed checkout leaves
    it (demo data and the browser suite: no payment behind it)."""
    if db.session.scalar(select(Subscription.id).where(Subscription.user_id == user.id)):
        return
    order = Order(
        public_id=secrets.token_hex(16),
        reference=f"AT-DEMO{secrets.token_hex(3).upper()}",
        idempotency_key=f"order:demo-{secrets.token_hex(8)}",
        plan=Plan.SOLO,
        user_id=user.id,
        status=OrderStatus.COMPLETED,
        monthly_cents=2000,
    )
    db.session.add(order)
    db.session.flush()
    subscriptions.start(
        Subscription(
            user_id=user.id,
            order_id=order.id,
            plan=Plan.SOLO,
            monthly_cents=2000,
            accepted_at=now - timedelta(days=10),
            anchor_date=today - timedelta(days=10),
        ),
        by_job="demo-data",
    )


def seed_demo_learner(today: date, now: datetime) -> tuple[str, str, str]:
    """A Premium Solo learner with every chapter but the last of DEMO_COURSE done."""
    email, name, password = DEMO_SOLO
    user = accounts.find_by_email(email)
    if user is None:
        user = accounts.register(
            accounts.NewAccount(name, email, password, date(1995, 3, 14), "FR", False, "fr"),
            verified=True,
        )
    seed_paid_solo(user, now)
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
    if course is not None:
        done = set(
            db.session.scalars(
                select(ChapterCompletion.chapter_id).where(ChapterCompletion.user_id == user.id)
            )
        )
        chapters = list(
            db.session.scalars(
                select(Chapter).where(Chapter.course_id == course.id).order_by(Chapter.position)
            )
        )
        for chapter in chapters[:-1]:
            if chapter.id not in done:
                db.session.add(
                    ChapterCompletion(user_id=user.id, chapter_id=chapter.id, course_id=course.id)
                )
    return DEMO_SOLO
