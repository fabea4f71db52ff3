"""Signing in with an account whose language is not the page's (issue 12, point 11).

The account's saved language applies once the member is signed in (it also decides the
language of their email); the page they were reading was in another one. We chose to say
so rather than keep the page's language silently: the first page after signing in tells
them, in both languages, that the site switched and why, and offers the way back (the
header's language switch, which saves that language to the account as it always does).
"""

from flask import current_app, flash, get_flashed_messages
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

CATEGORY = "language-switched"  # a flashed message holding the page's language before

# Whole sentences per language, so each reads right once translated.
SWITCHED = {
    "en": _l("You are signed in, so the site is now in English, the language of your account."),
    "fr": _l("You are signed in, so the site is now in French, the language of your account."),
}
BACK = {"en": _l("Continue in English"), "fr": _l("Continue in French")}


def note_sign_in(account_locale: str | None, page_locale: str) -> None:
    """Called as the member signs in, with the language of the page they signed in on."""
    languages = current_app.config["LANGUAGES"]
    if account_locale in languages and page_locale in languages and account_locale != page_locale:
        flash(page_locale, CATEGORY)


def switch_notice() -> dict | None:
    """For base.html: what to tell a member whose language switched at sign-in, or None.
    Each text is in the language it is read in: the page's now, and the one before."""
    before = next(iter(get_flashed_messages(category_filter=[CATEGORY])), None)
    now = str(get_locale() or "en")
    if before not in SWITCHED or before == now:
        return None
    with force_locale(before):
        told_before, back = str(SWITCHED[now]), str(BACK[before])
    return {"before": before, "told": str(SWITCHED[now]), "told_before": told_before, "back": back}
