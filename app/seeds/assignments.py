"""Demo assignments: a rubric for the assignment of two demo courses, and three demo
peers' submissions, each assessed by the two others, for a learner to assess."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.domain.uploads import FileKind
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentScore,
    Course,
    Exercise,
    ExerciseKind,
    RubricCriterion,
    RubricLevel,
    Submission,
)
from app.services import accounts, uploads

LEVELS = (
    (0, "Missing", "Absent"),
    (1, "Partly there", "En partie"),
    (2, "Done well", "Bien fait"),
)
ASSIGNMENTS = {
    "javascript-fundamentals": {
        "instructions": (
            "Write a short script that keeps a shopping list in an array, adds two items "
            "and prints the list. Paste your code (in a Markdown code block) and explain "
            "each step in a sentence.",
            "Écrivez un court script qui garde une liste de courses dans un tableau, y "
            "ajoute deux articles et affiche la liste. Collez votre code (dans un bloc de "
            "code Markdown) et expliquez chaque étape en une phrase.",
        ),
        "criteria": (
            ("The script works as asked", "Le script fait ce qui est demandé"),
            ("Names are clear", "Les noms sont clairs"),
            ("Each step is explained", "Chaque étape est expliquée"),
        ),
    },
    "python-first-steps": {
        "instructions": (
            "Write a function that returns the largest of three numbers, with three "
            "examples of its use. Paste your code and say how you tested it.",
            "Écrivez une fonction qui renvoie le plus grand de trois nombres, avec trois "
            "exemples d'utilisation. Collez votre code et dites comment vous l'avez testé.",
        ),
        "criteria": (
            ("The function is right", "La fonction est juste"),
            ("The examples show it works", "Les exemples montrent qu'elle marche"),
        ),
    },
}
PEERS = (
    ("peer.one@atelier.example", "Alex Petit", "demo-peer-2026"),
    ("peer.two@atelier.example", "Sacha Roux", "demo-peer-2026"),
    ("peer.three@atelier.example", "Noa Girard", "demo-peer-2026"),
)
PEER_NOTES = "# Notes\n\nWhy `push`: it adds at the end, so the list keeps the order I shop in.\n"

PEER_WORK = (
    "```js\nconst list = [];\nlist.push('bread');\nlist.push('milk');\nconsole.log(list);\n```\n\n"
    "I start with an empty array, add two items with `push`, then print it.",
    "```js\nlet courses = ['apples'];\ncourses.push('rice', 'tea');\nconsole.log(courses);\n```\n\n"
    "The array starts with one item; `push` adds the two others.",
    "```js\nconst items = [];\nitems[0] = 'eggs';\nitems[1] = 'flour';\nconsole.log(items)\n```\n\n"
    "I put each item at its index.",
)


def seed_assignments() -> int:
    """Publish a rubric for the demo assignments that have none; how many were."""
    added = 0
    rows = db.session.execute(
        select(Exercise, Course.slug)
        .join(Course, Course.id == Exercise.course_id)
        .where(
            Exercise.kind == ExerciseKind.ASSIGNMENT,
            Exercise.published_revision.is_(None),
            Course.slug.in_(list(ASSIGNMENTS)),
        )
    ).all()
    for exercise, slug in rows:
        spec = ASSIGNMENTS[slug]
        exercise.instructions_en, exercise.instructions_fr = spec["instructions"]
        for position, (en, fr) in enumerate(spec["criteria"], 1):
            db.session.add(
                RubricCriterion(
                    exercise_id=exercise.id,
                    position=position,
                    title_en=en,
                    title_fr=fr,
                    levels=[RubricLevel(points=p, label_en=e, label_fr=f) for p, e, f in LEVELS],
                )
            )
        exercise.published_revision = 1
        added += 1
    if added:
        from app.services.catalog import bump_version

        bump_version()  # the course pages list the assignments now open
    db.session.flush()
    return added


def seed_peer_work(today: date, now: datetime) -> None:
    """Three peers' work on the JavaScript assignment, each assessed by the two others."""
    exercise = db.session.scalar(
        select(Exercise)
        .join(Course, Course.id == Exercise.course_id)
        .where(Course.slug == "javascript-fundamentals", Exercise.kind == ExerciseKind.ASSIGNMENT)
    )
    if exercise is None or exercise.published_revision is None:
        return
    users = []
    for email, name, password in PEERS:
        user = accounts.find_by_email(email) or accounts.register(
            accounts.NewAccount(name, email, password, date(1998, 6, 1), "FR", False, "fr"),
            verified=True,
        )
        users.append(user)
    if db.session.scalar(select(Submission.id).where(Submission.user_id == users[0].id)):
        return
    criteria = list(
        db.session.scalars(
            select(RubricCriterion).where(RubricCriterion.exercise_id == exercise.id)
        )
    )
    submissions = []
    for i, (user, body) in enumerate(zip(users, PEER_WORK, strict=True)):
        made = Submission(
            exercise_id=exercise.id,
            user_id=user.id,
            body=body,
            submitted_at=now - timedelta(days=2, hours=i),
        )
        db.session.add(made)
        submissions.append(made)
    db.session.flush()
    # The oldest work (the first a learner is given to assess) comes with a file too: a
    # few lines of Markdown, made here.
    uploads.store(
        db.session,
        submissions[-1].id,
        uploads.Upload("shopping-list-notes.md", FileKind.MARKDOWN, PEER_NOTES.encode()),
    )
    for submission in submissions:
        for assessor in users:
            if assessor.id == submission.user_id:
                continue
            db.session.add(
                Assessment(
                    submission_id=submission.id,
                    assessor_id=assessor.id,
                    exercise_id=exercise.id,
                    comment="Clear and working. Say why you chose this name for the list.",
                    created_at=now - timedelta(days=1),
                    scores=[
                        AssessmentScore(
                            criterion_id=c.id,
                            level_id=next(lv.id for lv in c.levels if lv.points == 2),
                            points=2,
                        )
                        for c in criteria
                    ],
                )
            )
    db.session.flush()
