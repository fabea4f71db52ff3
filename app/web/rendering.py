"""Full page or htmx fragment from one template (STYLE.md)."""

from flask import Response, current_app, make_response, redirect, render_template, request
from jinja2_fragments import BlockNotFoundError
from jinja2_fragments.flask import render_block
from markupsafe import escape


def wants_fragment() -> bool:
    headers = request.headers
    # A history restore (back button after the cache was missed) needs the whole page.
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, block: str = "content", *, status: int = 200, **context) -> Response:
    if wants_fragment():
        body = page_title(template, context) + render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def page_title(template: str, context: dict) -> str:
    """The page's <title> for a fragment: htmx takes it out of the answer and sets the
    document title, so "Error: ..." is announced after a swap as after a full page."""
    try:
        prefix = render_block(template, "title_prefix", **context)
    except BlockNotFoundError:
        prefix = ""
    try:
        title = render_block(template, "title", **context)
    except BlockNotFoundError:
        return ""
    brand = current_app.config["PLATFORM_NAME"]
    return f"<title>{escape(prefix.strip())} {escape(title.strip())} — {escape(brand)}</title>".replace(
        "<title> ", "<title>"
    )


def redirect_to(location: str) -> Response:
    """Post/redirect/get; htmx follows with a full navigation via HX-Redirect."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        response.vary.add("HX-Request")
        return response
    return redirect(location)
