"""The forum's pages. Each asks app.access: a category or thread the member may not
read answers 404 (as if it did not exist); writing without the right answers the
sign-in page for a visitor, or a page saying why (subscribe, locked, suspended)."""

from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_blocks

from app import clock
from app.access import Forum, Refusal, can, record_use, suspended_until, why_not
from app.blueprints.auth.forms import EmptyForm
from app.blueprints.forum import bp
from app.blueprints.forum.forms import BODY_HINT, EditForm, ReplyForm, ThreadForm
from app.blueprints.staff.moderation_forms import ReportForm
from app.domain import forum as rules
from app.extensions import login_manager
from app.services import forum, member_header, moderation, notifications
from app.web.rendering import redirect_to, render, wants_fragment


def _user():
    return current_user._get_current_object()


def _page_arg() -> int:
    return rules.page_number(request.args.get("page"))


def _readable_thread(thread_id: int):
    thread = forum.thread(thread_id)
    if thread is None or not can(_user(), Forum.READ, thread):
        abort(404)
    if thread.hidden and not can(_user(), Forum.MODERATE):
        abort(404)
    return thread


def _readable_post(post_id: int):
    post = forum.post(post_id)
    if post is None:
        abort(404)
    _readable_thread(post.thread_id)
    return post


def refused(action, obj=None):
    """Why the member may not write here: sign in, or a page that explains."""
    reason = why_not(_user(), action, obj)
    if reason is Refusal.SIGN_IN:
        return login_manager.unauthorized()
    until = suspended_until(_user()) if reason is Refusal.SUSPENDED else None
    return render_template("forum/refused.html", reason=reason, until=until), 403


# --- reading ---------------------------------------------------------------------------


@bp.route("/")
def index():
    user = _user()
    summaries = [s for s in forum.categories() if can(user, Forum.READ, s.category)]
    return render_template("forum/index.html", summaries=summaries, form=EmptyForm())


@bp.route("/<slug>")
def category(slug: str):
    found = forum.category_by_slug(slug)
    if found is None or not can(_user(), Forum.READ, found):
        abort(404)
    total = forum.thread_count(found)
    pages = rules.page_count(total, rules.THREADS_PER_PAGE)
    page = min(_page_arg(), pages)
    listed = forum.threads(found, page)
    user = _user()
    return render(
        "forum/category.html",
        "threads",
        category=found,
        threads=listed,
        unread_positions=forum.first_unread(user, listed) if user.is_authenticated else {},
        page=page,
        pages=pages,
    )


@bp.route("/threads/<int:thread_id>")
def thread(thread_id: int):
    found = _readable_thread(thread_id)
    result = forum.post_page(found, _page_arg())
    form = ReplyForm(formdata=None)
    quoted = request.args.get("quote", "")
    if rules.page_number(quoted, default=0):
        quoted_post = forum.post(int(quoted))
        if quoted_post and quoted_post.thread_id == found.id and not quoted_post.gone:
            form.body.data = rules.quote(_name(quoted_post), quoted_post.body)
    return _thread_page(result, form)


def _name(post) -> str:
    return post.author_profile.display_name if post.author_profile else "?"


def _thread_page(result, form, status=200):
    if current_user.is_authenticated and result.posts:
        user, shown = _user(), result.posts[-1].position
        forum.mark_read(user, result.thread, shown)
        # The header counts the member's unread notifications anyway: with none, there
        # is nothing to mark read, and no UPDATE (a write lock on SQLite) on each view.
        if member_header.counts(user, clock.now()).unread_notifications:
            notifications.thread_seen(user, result.thread, shown)
            member_header.forget()  # the header counts again, after this
    form.token.data = form.token.data or forum.new_token()
    form.page.data = str(result.page)
    form.seen.data = str(result.posts[-1].position if result.posts else 0)
    return render(
        "forum/thread.html",
        "reply_form",
        status=status,
        result=result,
        thread=result.thread,
        form=form,
    )


@bp.route("/posts/<int:post_id>")
def post(post_id: int):
    """A post's own address: its page of the thread, at the post."""
    found = _readable_post(post_id)
    return redirect_to(_post_url(found))


@bp.route("/threads/<int:thread_id>/new-posts")
def new_posts(thread_id: int):
    """The open last page's poll: replies after `after`, appended and announced (never
    taking focus), or 204 when there are none (htmx then swaps nothing)."""
    found = _readable_thread(thread_id)
    after = rules.page_number(request.args.get("after"), default=0)
    if not wants_fragment():
        return redirect_to(url_for("forum.thread", thread_id=found.id, page=thread_pages(found)))
    arrived = forum.posts_after(found, after)
    if not arrived:
        response = make_response("", 204)
    else:
        body = render_blocks(
            "forum/thread.html",
            ["polled"],
            thread=found,
            arrived=arrived,
            last_position=arrived[-1].position,
        )
        response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.route("/threads/<int:thread_id>/unread")
@login_required
def first_unread(thread_id: int):
    """Jump to the member's first unread post (the last one when all is read)."""
    found = _readable_thread(thread_id)
    position = forum.first_unread(_user(), [found]).get(found.id, found.post_count)
    target = forum.post_at(found, min(position, found.post_count))
    if target is None:
        return redirect_to(url_for("forum.thread", thread_id=found.id))
    return redirect_to(_post_url(target))


@bp.route("/mark-all-read", methods=["POST"])
@login_required
def mark_all_read():
    if EmptyForm().validate_on_submit():
        forum.mark_all_read(_user())
        flash(_("Every thread is marked as read."))
    return redirect_to(url_for("forum.index"))


def _post_url(post) -> str:
    page = rules.page_of(post.position)
    args = {"page": page} if page > 1 else {}
    return url_for("forum.thread", thread_id=post.thread_id, **args, _anchor=f"post-{post.id}")


# --- writing ----------------------------------------------------------------------------


@bp.route("/<slug>/new", methods=["GET", "POST"])
def new_thread(slug: str):
    found = forum.category_by_slug(slug)
    if found is None or not can(_user(), Forum.READ, found):
        abort(404)
    if not can(_user(), Forum.POST, found):
        return refused(Forum.POST, found)
    record_use(_user())
    form = ThreadForm()
    if form.validate_on_submit():
        made = forum.start_thread(_user(), found, form.title.data, form.body.data)
        notifications.post_written(forum.post_at(made, 1))
        flash(_("Your thread has been started."))
        flash(_("You follow this thread: new replies appear in your notifications."))
        return redirect_to(url_for("forum.thread", thread_id=made.id))
    return render(
        "forum/new_thread.html",
        "form",
        status=422 if form.errors else 200,
        category=found,
        form=form,
    )


@bp.route("/threads/<int:thread_id>/reply", methods=["POST"])
def reply(thread_id: int):
    found = _readable_thread(thread_id)
    if not can(_user(), Forum.POST, found):
        return refused(Forum.POST, found)
    record_use(_user())
    form = ReplyForm()
    if not form.validate_on_submit():
        result = forum.post_page(found, form.page_number)
        return _thread_page(result, form, status=422)
    made = forum.reply(_user(), found, form.body.data, form.token.data)
    notifications.post_written(made)
    on_page = rules.page_of(made.position)
    if not wants_fragment() or on_page != form.page_number:
        flash(_("Your reply has been posted."))
        return redirect_to(_post_url(made))
    # htmx: the new post joins the list, a fresh form replaces this one, and the live
    # region says what happened (app.js moves focus to the post).
    result = forum.post_page(found, on_page)
    # Every post after the last one the page showed: others' replies sent meanwhile too.
    arrived = [
        p for p in forum.posts_after(found, form.seen_position) if p.position <= made.position
    ]
    fresh = ReplyForm(formdata=None)
    fresh.token.data = forum.new_token()
    fresh.page.data = str(on_page)
    fresh.seen.data = str(made.position)
    body = render_blocks(
        "forum/thread.html",
        ["reply_form", "appended"],
        result=result,
        thread=found,
        form=fresh,
        new_post=made,
        arrived=arrived,
        last_position=made.position,
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id: int):
    found = _readable_post(post_id)
    if not can(_user(), Forum.EDIT, found):
        if current_user.is_authenticated and found.author_id != current_user.id:
            abort(404 if found.gone else 403)
        return refused(Forum.EDIT, found)
    form = EditForm(data={"body": found.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        forum.edit(found, form.body.data)
        notifications.post_edited(found)
        flash(_("Your post has been changed."))
        return redirect_to(_post_url(found))
    return render(
        "forum/edit_post.html", "form", status=422 if form.errors else 200, post=found, form=form
    )


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(post_id: int):
    found = _readable_post(post_id)
    if not can(_user(), Forum.DELETE, found):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)
    form = EmptyForm()
    if form.validate_on_submit():
        forum.delete(found)
        flash(_("Your post has been deleted."))
        return redirect_to(_post_url(found))
    return render_template("forum/delete_post.html", post=found, form=form)


@bp.app_template_global("thread_pages")
def thread_pages(thread) -> int:
    return rules.page_count(thread.post_count)


@bp.context_processor
def forum_helpers() -> dict:
    return {
        "body_hint": BODY_HINT,
        "suspension_end": lambda: suspended_until(_user()),
    }


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    found = _readable_post(post_id)
    if found.gone:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        moderation.report(_user(), form.reason.data, post=found)
        flash(_("Thank you: the moderators will look at this post."))
        return redirect_to(_post_url(found))
    return render(
        "forum/report.html",
        "form",
        status=422 if form.errors else 200,
        form=form,
        reported=found,
        action=url_for("forum.report_post", post_id=found.id),
        back=_post_url(found),
    )
