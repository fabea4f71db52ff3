from flask import abort, render_template
from flask_babel import lazy_gettext as _l

from app.blueprints.legal import bp

# Pages whose full text lands with the legal-documents work; until then they say so.
UPCOMING = {
    "terms": _l("Terms of Service"),
    "code-of-conduct": _l("Student Code of Conduct"),
    "legal-information": _l("Legal information"),
    "privacy": _l("Personal data protection policy"),
    "accessibility": _l("Accessibility statement"),
}


@bp.route("/help/browsers")
def browser_support():
    return render_template("legal/browser_support.html")


@bp.route(
    "/<any('terms', 'code-of-conduct', 'legal-information', 'privacy', 'accessibility'):page>"
)
def upcoming(page: str):
    if page not in UPCOMING:
        abort(404)
    return render_template("legal/upcoming.html", title=UPCOMING[page])
