"""The labels every card of a catalog list repeats, translated once per page: a list of
twelve cards would otherwise ask for the same few translations a hundred times."""

from flask import current_app
from flask_babel import gettext as _

from app.models import Level


def card_labels() -> dict:
    """Plain strings in the current language, for catalog/_cards.html."""
    languages = {"en": _("English"), "fr": _("French")}
    return {
        "level": {
            Level.BEGINNER: _("Beginner"),
            Level.INTERMEDIATE: _("Intermediate"),
            Level.ADVANCED: _("Advanced"),
        },
        "taught_in": {
            code: _("taught in %(language)s", language=languages.get(code, code))
            for code in current_app.config["LANGUAGES"]
        },
        "upcoming": _("Coming soon"),
    }
