"""Settings → Forum's form. The rules (name length and characters, signature length)
are app.domain's; the view maps the service's refusals onto the fields."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField

from app.domain import forum as rules
from app.domain import notifications as notice_rules
from app.domain.forum import NameProblem
from app.domain.notifications import EmailChoice, SignatureProblem
from app.services.forum_settings import NAME_TAKEN
from app.web.forms import Form, strip

# The service's refusals (app.services.forum_settings), by field and reason.
MESSAGES = {
    "display_name": {
        NameProblem.TOO_SHORT: _l(
            "Your forum name must be at least %(n)s characters.", n=rules.MIN_NAME
        ),
        NameProblem.TOO_LONG: _l(
            "Your forum name must be %(n)s characters or fewer.", n=rules.MAX_NAME
        ),
        NameProblem.CHARACTERS: _l(
            "Use only letters, digits, dots, hyphens and underscores, starting with a letter "
            "or a digit: no spaces and no invisible characters (zero-width spaces, direction "
            "marks)."
        ),
        NAME_TAKEN: _l("This name is already used by another member. Choose another one."),
    },
    "signature": {
        SignatureProblem.TOO_LONG: _l(
            "Your signature must be %(n)s characters or fewer.", n=notice_rules.MAX_SIGNATURE
        ),
    },
    "email_choice": {"unknown": _l("Choose how we tell you of new replies by email.")},
}

NAME_HINT = _l(
    "What other members see next to your posts and messages, and how they mention you "
    "(@name). %(min)s to %(max)s letters, digits, dots, hyphens or underscores.",
    min=rules.MIN_NAME,
    max=rules.MAX_NAME,
)
SIGNATURE_HINT = _l(
    "A short line shown under each of your posts, as plain text (no Markdown, no links "
    "made). %(n)s characters at most; invisible characters are removed.",
    n=notice_rules.MAX_SIGNATURE,
)


class ForumSettingsForm(Form):
    display_name = StringField(_l("Forum name"), filters=[strip])
    signature = StringField(_l("Signature (optional)"), filters=[strip])
    email_choice = RadioField(
        _l("Email about new replies and mentions"),
        choices=[
            SelectChoice(EmailChoice.IMMEDIATE.value, _l("An email for each new reply or mention")),
            SelectChoice(EmailChoice.DAILY.value, _l("One email a day, listing them (a digest)")),
            SelectChoice(EmailChoice.NONE.value, _l("No email")),
        ],
        # The service says what is wrong with an answer that is none of these.
        validate_choice=False,
    )
