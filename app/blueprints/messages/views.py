"""Private messages. Every conversation route asks app.access (Messages.VIEW / REPLY):
anyone not in the conversation gets 404, on the page, its htmx fragments and its poll."""

from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_blocks

from app import clock
from app.access import Messages, can, record_use
from app.blueprints.auth.forms import EmptyForm
from app.blueprints.forum.forms import BODY_HINT, BODY_MESSAGES, TITLE_MESSAGES
from app.blueprints.forum.views import refused
from app.blueprints.messages import bp
from app.blueprints.messages.forms import MessageForm, NewConversationForm, problem_message
from app.blueprints.staff.moderation_forms import ReportForm
from app.domain import forum as rules
from app.domain.errors import DomainError
from app.domain.forum import TextProblem
from app.extensions import db
from app.models import Message
from app.services import member_header, messages, moderation
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render, wants_fragment


def _user():
    return current_user._get_current_object()


def _conversation(conversation_id: int):
    conv = messages.conversation(conversation_id)
    if conv is None or not can(_user(), Messages.VIEW, conv):
        abort(404)
    return conv


@bp.route("/")
def index():
    user = _user()
    pages = rules.page_count(messages.membership_count(user), messages.CONVERSATIONS_PER_PAGE)
    page = min(rules.page_number(request.args.get("page")), pages)
    return render_template(
        "messages/index.html",
        memberships=messages.memberships(user, page),
        page=page,
        pages=pages,
        blocked=messages.blocked_members(user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not can(_user(), Messages.START):
        return refused(Messages.START)
    record_use(_user())
    form = NewConversationForm()
    if request.method == "GET" and request.args.get("to"):
        form.to.data = request.args["to"][:200]
    if form.validate_on_submit():
        try:
            conv = messages.start(_user(), form.to.data, form.subject.data, form.body.data)
        except DomainError as error:
            _explain(form, error)
        else:
            flash(_("Your message has been sent."))
            return redirect_to(url_for("messages.conversation", conversation_id=conv.id))
    return render(
        "messages/new.html",
        "form",
        status=422 if form.errors or form.form_errors else 200,
        form=form,
    )


def _explain(form, error: DomainError) -> None:
    """The service's codes as words on the fields."""
    worded = []
    for field, code in error.errors:
        if field == "body":
            worded.append((field, BODY_MESSAGES[TextProblem(code)]))
        elif field == "subject":
            worded.append((field, TITLE_MESSAGES[TextProblem(code)]))
        else:
            worded.append((field, problem_message(code)))
    populate_errors(form, DomainError.of(worded), fallback="to")


@bp.route("/<int:conversation_id>")
def conversation(conversation_id: int):
    conv = _conversation(conversation_id)
    user = _user()
    shown = messages.messages_of(conv)
    messages.mark_read(conv, user)
    form = MessageForm(formdata=None)
    form.token.data = messages.new_token()
    return _page(conv, shown, form)


def _page(conv, shown, form, status=200):
    user = _user()
    # A fragment (an htmx answer refused) leaves the page's list as it was: its `seen`
    # stays what the page showed.
    if not (wants_fragment() and form.seen.data):
        form.seen.data = str(shown[-1].id if shown else 0)
    return render(
        "messages/conversation.html",
        "reply_form",
        status=status,
        conv=conv,
        shown=shown,
        last_id=shown[-1].id if shown else 0,
        form=form,
        blockers=messages.blocked_by(conv, user),
        blocked_ids={p.user_id for p in messages.blocked_members(user)},
        others=[m for m in conv.members if m.user_id != user.id and m.left_at is None],
    )


@bp.route("/<int:conversation_id>/reply", methods=["POST"])
def reply(conversation_id: int):
    conv = _conversation(conversation_id)
    user = _user()
    if not can(user, Messages.REPLY, conv):
        return refused(Messages.REPLY, conv)
    record_use(user)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            made = messages.reply(conv, user, form.body.data, form.token.data)
        except DomainError:
            form.form_errors.append(
                _("A member of this conversation does not accept your messages.")
            )
        else:
            if not wants_fragment():
                flash(_("Your message has been sent."))
                return redirect_to(
                    url_for(
                        "messages.conversation",
                        conversation_id=conv.id,
                        _anchor=f"message-{made.id}",
                    )
                )
            # Every message after the last one the page showed: the others' sent while
            # the form was open too (later ones come with the next poll).
            arrived = [m for m in messages.messages_of(conv, after=form.seen_id) if m.id <= made.id]
            messages.mark_read(conv, user)
            fresh = MessageForm(formdata=None)
            fresh.token.data = messages.new_token()
            fresh.seen.data = str(made.id)
            body = render_blocks(
                "messages/conversation.html",
                ["reply_form", "appended"],
                conv=conv,
                form=fresh,
                new_message=made,
                arrived=arrived,
                last_id=made.id,
                blockers=[],
            )
            response = make_response(body)
            response.vary.add("HX-Request")
            return response
    return _page(conv, messages.messages_of(conv), form, status=422)


@bp.route("/<int:conversation_id>/new-messages")
def new_messages(conversation_id: int):
    """The open conversation's poll: the messages after `after`, appended and announced
    (never taking focus) and marked read, or 204 when there are none (htmx then swaps
    nothing). Without htmx: the conversation itself."""
    conv = _conversation(conversation_id)
    if not wants_fragment():
        return redirect_to(url_for("messages.conversation", conversation_id=conv.id))
    after = rules.page_number(request.args.get("after"), default=0)
    arrived = messages.messages_of(conv, after=after)
    if not arrived:
        response = make_response("", 204)
    else:
        user = _user()
        messages.mark_read(conv, user)
        body = render_blocks(
            "messages/conversation.html",
            ["polled"],
            conv=conv,
            arrived=arrived,
            last_id=arrived[-1].id,
            from_others=_from_others(arrived, user),
            # The answer form's `seen` follows the list, when there is a form.
            answerable=not messages.blocked_by(conv, user),
        )
        response = make_response(body)
    response.vary.add("HX-Request")
    return response


def _from_others(arrived, user) -> tuple[int, object]:
    """What the live region says of the messages from others: how many, and their
    author when one member wrote them all (None otherwise). One's own (sent from
    another tab) join the list unannounced."""
    others = [m for m in arrived if m.author_id != user.id]
    authors = {m.author_id for m in others}
    single = others[0].author_profile if len(authors) == 1 else None
    return len(others), single


@bp.route("/<int:conversation_id>/leave", methods=["GET", "POST"])
def leave(conversation_id: int):
    conv = _conversation(conversation_id)
    form = EmptyForm()
    if form.validate_on_submit():
        messages.leave(conv, _user())
        flash(_("You have left the conversation."))
        return redirect_to(url_for("messages.index"))
    return render_template("messages/leave.html", conv=conv, form=form)


@bp.route("/<int:conversation_id>/block/<int:user_id>", methods=["POST"])
def block(conversation_id: int, user_id: int):
    """Block a member met in this conversation (so only people one talked with)."""
    conv = _conversation(conversation_id)
    other = next((m for m in conv.members if m.user_id == user_id), None)
    if other is None or user_id == current_user.id or not EmptyForm().validate_on_submit():
        abort(404)
    messages.block(_user(), user_id)
    name = other.profile.display_name if other.profile else ""
    flash(_("%(name)s can no longer send you messages.", name=name))
    return redirect_to(url_for("messages.conversation", conversation_id=conv.id))


@bp.route("/blocked/<int:user_id>/unblock", methods=["POST"])
def unblock(user_id: int):
    if EmptyForm().validate_on_submit():
        messages.unblock(_user(), user_id)
        flash(_("The member can send you messages again."))
    return redirect_to(url_for("messages.index"))


@bp.route("/<int:conversation_id>/messages/<int:message_id>/report", methods=["GET", "POST"])
def report_message(conversation_id: int, message_id: int):
    conv = _conversation(conversation_id)
    found = db.session.get(Message, message_id)
    if found is None or found.conversation_id != conv.id:
        abort(404)
    form = ReportForm()
    back = url_for("messages.conversation", conversation_id=conv.id, _anchor=f"message-{found.id}")
    if form.validate_on_submit():
        moderation.report(_user(), form.reason.data, message=found)
        flash(_("Thank you: the moderators will look at this message."))
        return redirect_to(back)
    return render(
        "forum/report.html",
        "form",
        status=422 if form.errors else 200,
        form=form,
        reported=found,
        action=url_for("messages.report_message", conversation_id=conv.id, message_id=found.id),
        back=back,
    )


@bp.route("/unread")
def unread():
    """The header's unread badge, polled by htmx: 204 when the count shown is still
    right (nothing swapped, nothing announced again)."""
    count = messages.unread_count(_user())
    shown = request.args.get("shown")
    if wants_fragment() and shown is not None and rules.page_number(shown, default=0) == count:
        response = make_response("", 204)
    else:
        response = make_response(
            render_template("messages/_unread.html", unread=count, oob=wants_fragment())
        )
    response.vary.add("HX-Request")
    return response


@bp.app_template_global("unread_messages")
def unread_messages() -> int:
    """For the header of a signed-in member's pages (asked with its other counts)."""
    return member_header.counts(_user(), clock.now()).unread_messages


@bp.context_processor
def message_helpers() -> dict:
    return {"body_hint": BODY_HINT}
