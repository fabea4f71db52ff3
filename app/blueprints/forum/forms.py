"""Forum forms: a thread's title and first post, a reply, an edit. Each text is checked
against the domain's rules (app.domain.forum), with a message that says what to do."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField, ValidationError

from app.domain import forum as rules
from app.domain.forum import TextProblem
from app.web.forms import Form, strip

BODY_MESSAGES = {
    TextProblem.EMPTY: _l("Write your message."),
    # The number written out: each language groups its digits its own way.
    TextProblem.TOO_LONG: _l(
        "Your message must be 20,000 characters or fewer. Shorten it, or split it into two."
    ),
}
TITLE_MESSAGES = {
    TextProblem.EMPTY: _l("Enter a title."),
    TextProblem.TOO_LONG: _l("The title must be %(n)s characters or fewer.", n=rules.MAX_TITLE),
    TextProblem.INVISIBLE: _l(
        "The title contains invisible characters (zero-width spaces or direction marks). "
        "Remove them and try again."
    ),
}
BODY_HINT = _l(
    "You can use Markdown: **bold**, *italic*, [a link](https://example.org), "
    "`code`, and code blocks between lines of three backticks."
)


def checked_body(form, field) -> None:
    problem = rules.body_problem(field.data)
    if problem:
        raise ValidationError(BODY_MESSAGES[problem])


def checked_title(form, field) -> None:
    problem = rules.title_problem(field.data)
    if problem:
        raise ValidationError(TITLE_MESSAGES[problem])


def body_field(label) -> TextAreaField:
    return TextAreaField(label, validators=[checked_body])


class ThreadForm(Form):
    title = StringField(_l("Title"), validators=[checked_title], filters=[strip])
    body = body_field(_l("Your message"))


# As long as the column that keeps it (posts.submit_token, messages.submit_token).
TOKEN_LENGTH = 64


def one_time_token(value: str | None) -> str | None:
    """A form's one-time token as the page sent it; anything longer than the tokens the
    site makes is not one of them (a tampered form), and is dropped: the post is then
    simply not protected against a second submit."""
    return value if value and len(value) <= TOKEN_LENGTH else None


class ReplyForm(Form):
    body = body_field(_l("Your reply"))
    # The one-time token of this form: sent twice, it makes one post.
    token = HiddenField(filters=[one_time_token])
    # The page the form was on: a reply that starts a new page is shown there.
    page = HiddenField()
    # The last position the page shows: the answer brings every post after it.
    seen = HiddenField()

    @property
    def page_number(self) -> int:
        return rules.page_number(self.page.data)

    @property
    def seen_position(self) -> int | None:
        return rules.page_number(self.seen.data, default=0) or None


class EditForm(Form):
    body = body_field(_l("Your message"))
