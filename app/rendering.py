"""Full page or htmx fragment from one template (STYLE.md)."""

from flask import Response, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


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
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str) -> Response:
    """Post/redirect/get; htmx follows with a full navigation via HX-Redirect."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        response.vary.add("HX-Request")
        return response
    return redirect(location)
