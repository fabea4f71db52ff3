"""Private-message forms. Texts are checked against the domain's rules; the service's
refusals (an unknown name, a member who blocked you, too many new conversations) are
put on the fields by the view."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField

from app.blueprints.forum.forms import body_field, checked_title, one_time_token
from app.domain import forum as rules
from app.web.forms import Form, strip


class NewConversationForm(Form):
    to = StringField(_l("To"), filters=[strip])
    subject = StringField(_l("Subject"), validators=[checked_title], filters=[strip])
    body = body_field(_l("Your message"))


class MessageForm(Form):
    body = body_field(_l("Your message"))
    token = HiddenField(filters=[one_time_token])
    # The last message the page shows (kept current by the poll): an htmx answer
    # brings every message after it, the others' sent meanwhile too.
    seen = HiddenField()

    @property
    def seen_id(self) -> int:
        return rules.page_number(self.seen.data, default=0)


def problem_message(code: str) -> str:
    """The words for a service refusal code ("unknown:ana" carries the name)."""
    kind, _, name = code.partition(":")
    messages = {
        "empty": _l("Enter the display name of at least one member, like camille-12."),
        "too_many": _l("A conversation can have 10 other members at most."),
        "unknown": _l("No member is called %(name)s. Check the spelling of the name."),
        "self": _l("You are already in the conversation: enter other members' names."),
        "blocked": _l("%(name)s does not accept messages from you."),
        "rate_limited": _l(
            "You have started many conversations in the last hour. Wait a little, or "
            "answer in a conversation you already have."
        ),
    }
    message = messages.get(kind)
    if message is None:
        raise KeyError(code)
    return str(message) % {"name": name} if name else str(message)
