"""Demo forum: a few categories (one for the members of a Learning Path) and threads
written by the demo accounts, in our own words."""

from sqlalchemy import select

from app.extensions import db
from app.models import ForumCategory, LearningPath
from app.services import accounts, forum

CATEGORIES = (
    (
        "introductions",
        ("Introductions", "Présentations"),
        (
            "Say hello, tell others what you are learning and why.",
            "Dites bonjour, racontez ce que vous apprenez et pourquoi.",
        ),
    ),
    (
        "help",
        ("Help with a course", "Entraide sur un cours"),
        (
            "Stuck on a chapter or an exercise? Ask here; quote the code you tried.",
            "Bloqué sur un chapitre ou un exercice ? Demandez ici, avec le code essayé.",
        ),
    ),
    (
        "projects",
        ("Projects and portfolios", "Projets et portfolios"),
        (
            "Share what you built and ask for feedback.",
            "Montrez ce que vous avez construit et demandez des avis.",
        ),
    ),
)

THREADS = (
    (
        "introductions",
        "learner@atelier.example",
        "Bonjour from Lyon",
        "Hello everyone! I am switching careers and started the web path last week.",
    ),
    (
        "help",
        "learner@atelier.example",
        "Why does my loop print one item too many?",
        "I wrote this:\n\n```python\nfor i in range(len(items) + 1):\n    print(items[i])\n```\n\n"
        "and it fails on the last turn. What am I missing?",
    ),
)


def seed_forum() -> int:
    """Create the categories and threads that do not exist yet; returns how many
    categories were added."""
    added = 0
    for position, (slug, titles, descriptions) in enumerate(CATEGORIES):
        if forum.category_by_slug(slug) is None:
            db.session.add(
                ForumCategory(
                    slug=slug,
                    title_en=titles[0],
                    title_fr=titles[1],
                    description_en=descriptions[0],
                    description_fr=descriptions[1],
                    position=position,
                )
            )
            added += 1
    path = db.session.scalar(select(LearningPath).order_by(LearningPath.id).limit(1))
    if path is not None and forum.category_by_slug(f"path-{path.slug}") is None:
        db.session.add(
            ForumCategory(
                slug=f"path-{path.slug}",
                title_en=f"{path.title_en}: members' corner",
                title_fr=f"{path.title_fr} : coin des membres",
                description_en="For the members of this Learning Path only.",
                description_fr="Réservé aux membres de ce parcours.",
                position=len(CATEGORIES),
                path_id=path.id,
            )
        )
        added += 1
    db.session.flush()
    if added:
        for slug, email, title, body in THREADS:
            author = accounts.find_by_email(email)
            if author is not None:
                forum.start_thread(author, forum.category_by_slug(slug), title, body)
    return added
