"""The forum's search page, /forum/search?q=: a GET form (an address one can bookmark
or share; it changes nothing, so it needs no CSRF token and starts no session), the
results the member may read, 20 a page. With htmx the form asks for the results block
only and the message region announces the count; without JavaScript it is a page.

Like the other forum pages it is `private, no-store` for everyone (app.web.http_caching):
what it shows depends on who asks (a Learning Path's category)."""

from flask import make_response, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2_fragments.flask import render_blocks
from wtforms import SearchField, ValidationError

from app.blueprints.forum import bp
from app.domain import forum as forum_rules
from app.domain import forum_search as rules
from app.domain.forum_search import QueryProblem
from app.services import forum_search
from app.web.forms import Form
from app.web.rendering import page_title, render, wants_fragment

QUERY_MESSAGES = {
    QueryProblem.TOO_LONG: _l(
        "Your search must be %(n)s characters or fewer. Keep the words that matter most.",
        n=rules.MAX_QUERY,
    ),
    QueryProblem.NO_WORDS: _l("Enter at least one word to search for (letters or digits)."),
}


def checked_query(form, field) -> None:
    problem = rules.query_problem(field.data)
    if problem:
        raise ValidationError(QUERY_MESSAGES[problem])


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing (see the module's docstring)

    q = SearchField(_l("Words to search for"), validators=[checked_query])


@bp.route("/search")
def search():
    form = SearchForm(formdata=request.args)
    query = (form.q.data or "").strip()
    results = None
    if query and form.validate():
        page = forum_rules.page_number(request.args.get("page"))
        results = forum_search.search(current_user._get_current_object(), query, page)
    context = {
        "form": form,
        "results": results,
        "post_url": post_url,
        "per_page": rules.RESULTS_PER_PAGE,
    }
    status = 422 if form.errors else 200
    if not wants_fragment():
        return render("forum/search.html", status=status, oob=False, **context)
    # htmx: the results, the form again (out of band: its errors, or none any more; the
    # focused box or button keeps the focus, by its id) and the count announced. An
    # error leaves the results empty and the summary is focused (app.js).
    body = page_title("forum/search.html", context) + render_blocks(
        "forum/search.html", ["results", "search_form", "announced"], oob=True, **context
    )
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def post_url(hit) -> str:
    """A result's address: its page of the thread, at the post (as /forum/posts/<id>
    would redirect to)."""
    page = forum_rules.page_of(hit.position)
    args = {"page": page} if page > 1 else {}
    return url_for("forum.thread", thread_id=hit.thread_id, **args, _anchor=f"post-{hit.post_id}")
