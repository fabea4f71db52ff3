"""Following a thread: a POST form on the thread page (Follow / Stop following), the
same with htmx, where the button's new label and an announcement in the message region
say what changed (focus stays on the button, which keeps its id)."""

from flask import abort, flash, make_response, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_blocks

from app.blueprints.auth.forms import EmptyForm
from app.blueprints.forum import bp
from app.blueprints.forum.views import _readable_thread, _user
from app.services import notifications
from app.web.rendering import redirect_to, wants_fragment


@bp.app_template_global("follows_thread")
def follows_thread(thread) -> bool:
    """For the thread page: does the signed-in member follow it."""
    return current_user.is_authenticated and notifications.follows(_user(), thread)


def _told(following: bool) -> str:
    if following:
        return _("You follow this thread: new replies appear in your notifications.")
    return _("You no longer follow this thread.")


@bp.route("/threads/<int:thread_id>/follow", methods=["POST"])
@login_required
def follow(thread_id: int):
    found = _readable_thread(thread_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if notifications.follows(_user(), found):
        notifications.unfollow(_user(), found)
        following = False
    else:
        notifications.follow(_user(), found)
        following = True
    if not wants_fragment():
        flash(_told(following))
        return redirect_to(url_for("forum.thread", thread_id=found.id))
    body = render_blocks(
        "forum/thread.html",
        ["follow_form", "follow_told"],
        thread=found,
        following=following,
        told=_told(following),
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response
