"""Every page of the site, for the browser checks (axe, Nu HTML Checker).

Each new feature adds its pages here, so that they are checked in both languages,
for the visitor who can see them, and in their error state where they have a form.
"""

from dataclasses import dataclass
from typing import Literal

# "subscriber": a Premium Solo learner who passed a quiz and holds a certificate.
Who = Literal["anonymous", "learner", "staff", "subscriber"]
# "submit_empty": click the page's submit button with every field empty, then check
# the page with its error summary and field errors. "attach_svg": the same, with an
# SVG image renamed .png in the file field (#file), which is refused. "submit_cleared":
# the same once the form's text area, filled in by the page, is emptied.
# "submit_cleared_name": the same once the form's #display_name, filled in, is emptied.
Action = Literal["submit_empty", "attach_svg", "submit_cleared", "submit_cleared_name"]
SUBMITS = ("submit_empty", "attach_svg", "submit_cleared", "submit_cleared_name")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def fill_before_submit(page, entry: "Page") -> None:
    """What an action puts in the form before its submit button is clicked."""
    if entry.action == "submit_cleared":
        page.fill("main form textarea", "")
    if entry.action == "submit_cleared_name":
        page.fill("#display_name", "")
    if entry.action == "attach_svg":
        page.set_input_files(
            "#file", files=[{"name": "drawing.png", "mimeType": "image/png", "buffer": SVG}]
        )


LOCALES = ("en", "fr")

# The live server seeds one unconfirmed account first, so its confirmation email is
# outbox message 1 (see conftest.live_server).
SEEDED_OUTBOX_MESSAGE = 1
# Links only known once the live server has seeded its data (signed tokens), filled in
# by conftest.seed and put into the paths written "{name}" below.
SEEDED_LINKS: dict[str, str] = {}


@dataclass(frozen=True)
class Page:
    path: str
    who: Who = "anonymous"
    label: str = ""
    action: Action | None = None
    # The status of the page as checked (after the action, if any).
    status: int = 200

    @property
    def id(self) -> str:
        return self.label or self.path

    @property
    def url(self) -> str:
        return self.path.format(**SEEDED_LINKS)

    def url_in(self, locale: str) -> str:
        """The address for the visitor in `locale`: a seeded link named "<name>_<locale>"
        fills "{name}" (each language's subscriber has an attempt of their own)."""
        own = {k.removesuffix(f"_{locale}"): v for k, v in SEEDED_LINKS.items()}
        return self.path.format(**{**SEEDED_LINKS, **own})


PAGES: list[Page] = [
    Page("/", label="home"),
    Page("/register", label="register"),
    Page("/register", label="register-errors", action="submit_empty", status=422),
    Page("/signin", label="signin"),
    Page("/signin", label="signin-errors", action="submit_empty", status=422),
    Page("/password/forgot", label="password-forgot"),
    Page("/password/forgot", label="password-forgot-errors", action="submit_empty", status=422),
    Page("/help/browsers", label="help-browsers"),
    Page("/terms", label="terms"),
    Page("/terms/versions", label="terms-versions"),
    Page("/terms/2026-11", label="terms-version"),
    Page("/code-of-conduct", label="code-of-conduct"),
    Page("/code-of-conduct/versions", label="code-of-conduct-versions"),
    Page("/code-of-conduct/2026-11", label="code-of-conduct-version"),
    Page("/legal-information", label="legal-information"),
    Page("/privacy", label="privacy"),
    Page("/security", label="security"),
    Page("/accessibility", label="accessibility"),
    Page("/mediation", label="mediation"),
    Page("/help/read-aloud", label="help-read-aloud"),
    Page("/contact", label="contact"),
    Page("/contact", label="contact-errors", action="submit_empty", status=422),
    Page("/contact", who="learner", label="contact-signed-in"),
    Page("/accessible-format", label="accessible-format"),
    Page("/accessible-format", label="accessible-format-errors", action="submit_empty", status=422),
    Page("/dev/outbox", label="dev-outbox"),
    Page(f"/dev/outbox/{SEEDED_OUTBOX_MESSAGE}", label="dev-outbox-message"),
    Page("/does-not-exist", label="not-found", status=404),
    Page("/courses", label="courses"),
    Page("/courses?q=python&level=beginner", label="courses-search"),
    Page("/courses?q=zzzz", label="courses-no-result"),
    Page("/paths", label="paths"),
    Page("/paths?certification=rncp&availability=open", label="paths-filtered"),
    Page("/courses/html-css-first-pages", label="course"),
    Page("/courses/html-css-first-pages/chapters/3", label="chapter"),
    Page("/courses/html-css-first-pages/chapters/1", label="chapter-with-video"),
    Page("/paths/web-developer", label="path"),
    Page("/paths/cybersecurity-analyst", label="path-upcoming"),
    Page("/paths/cybersecurity-analyst/notify", label="path-notify"),
    Page(
        "/paths/cybersecurity-analyst/notify",
        label="path-notify-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/launch-notices/{stop_launch_notices}", label="launch-notices-stop"),
    Page("/launch-notices/not-a-link-we-sent", label="launch-notices-broken-link", status=404),
    Page("/paths/web-developer/contact", label="path-contact"),
    Page(
        "/paths/web-developer/contact",
        label="path-contact-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/premium", label="premium"),
    Page("/checkout/plus", label="checkout-choose-path"),
    Page("/checkout/solo", label="checkout-start-solo"),
    Page("/checkout/path/web-developer", label="checkout-start-plus"),
    Page("/checkout/path/cybersecurity-analyst", label="checkout-start-upcoming"),
    Page("/premium", who="learner", label="premium-learner"),
    Page("/checkout/consent/not-a-valid-link", label="checkout-consent-link-problem", status=400),
    Page("/courses/no-such-course", label="course-not-found", status=404),
    Page("/account", who="learner", label="account"),
    Page("/courses", who="learner", label="courses-learner"),
    Page("/paths/web-developer", who="learner", label="path-learner"),
    Page("/courses/html-css-first-pages", who="learner", label="course-learner"),
    Page("/account/profile", who="learner", label="account-profile"),
    Page("/account/preferences", who="learner", label="account-preferences"),
    Page("/account/security", who="learner", label="account-security"),
    Page("/account/two-factor", who="learner", label="account-two-factor"),
    # Its states with a subscription: tests/browser/test_premium.py.
    Page("/account/premium", who="learner", label="account-premium"),
    Page("/account/payment", who="learner", label="account-payment"),
    Page("/learning", who="learner", label="my-learning-empty"),
    Page("/learning/certificates", who="learner", label="my-certificates-none"),
    Page("/courses/html-css-first-pages/chapters/2", who="learner", label="chapter-learner"),
    Page(
        "/courses/sql-relational-databases/quizzes/1",
        who="learner",
        label="quiz-locked",
        status=403,
    ),
    Page("/learning", who="subscriber", label="my-learning"),
    Page("/courses/sql-relational-databases", who="subscriber", label="course-subscriber"),
    Page("/courses/sql-relational-databases/quizzes/1", who="subscriber", label="quiz"),
    Page(
        "/courses/sql-relational-databases/quizzes/1",
        who="subscriber",
        label="quiz-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/learning/attempts/{attempt}", who="subscriber", label="quiz-result"),
    Page("/learning/certificates", who="subscriber", label="my-certificates"),
    Page("/certificates/{certificate}", label="certificate-verify"),
    Page("/certificates/{revoked_certificate}", label="certificate-revoked"),
    Page("/certificates/ZZZZ-ZZZZ-ZZZZ", label="certificate-unknown", status=404),
    Page(
        "/courses/javascript-fundamentals/assignments/2",
        who="learner",
        label="assignment-locked",
        status=403,
    ),
    Page("/courses/javascript-fundamentals/assignments/2", who="subscriber", label="assignment"),
    Page(
        "/courses/javascript-fundamentals/assignments/2",
        who="subscriber",
        label="assignment-errors",
        action="submit_empty",
        status=422,
    ),
    Page(
        "/courses/javascript-fundamentals/assignments/2",
        who="subscriber",
        label="assignment-file-errors",
        action="attach_svg",
        status=422,
    ),
    Page("/courses/javascript-fundamentals/assignments/2/assess", who="subscriber", label="assess"),
    Page(
        "/courses/javascript-fundamentals/assignments/2/assess",
        who="subscriber",
        label="assess-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/staff/assignments", who="staff", label="staff-assignments"),
    Page("/staff/assignments/submissions/{peer_submission}", who="staff", label="staff-grade"),
    Page("/staff/courses/html-css-first-pages/exercises", who="staff", label="staff-exercises"),
    Page("/staff/courses/html-css-first-pages/exercises/1/quiz", who="staff", label="staff-quiz"),
    Page(
        "/staff/courses/javascript-fundamentals/exercises/2/rubric",
        who="staff",
        label="staff-rubric",
    ),
    Page(
        "/staff/courses/javascript-fundamentals/exercises/2/rubric",
        who="staff",
        label="staff-rubric-errors",
        action="submit_cleared",
        status=422,
    ),
    Page("/staff/certificates", who="staff", label="staff-certificates"),
    Page("/staff/certificates/{certificate}/revoke", who="staff", label="staff-certificate-revoke"),
    Page(
        "/staff/certificates/{certificate}/revoke",
        who="staff",
        label="staff-certificate-revoke-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/forum/", label="forum"),
    Page("/forum/help", label="forum-category"),
    Page("/forum/threads/{thread}", label="forum-thread"),
    Page("/forum/threads/{thread}", who="learner", label="forum-thread-learner"),
    Page("/forum/no-such-category", label="forum-category-not-found", status=404),
    Page("/forum/search", label="forum-search"),
    Page("/forum/search?q=loop", label="forum-search-results"),
    Page("/forum/search?q=loop", who="learner", label="forum-search-results-learner"),
    Page("/forum/search?q=zebra", label="forum-search-none"),
    Page("/forum/search?q=%21%21%21", label="forum-search-errors", status=422),
    Page("/messages/", who="learner", label="messages"),
    Page("/notifications/", who="learner", label="notifications"),
    Page("/account/forum", who="learner", label="account-forum"),
    # Its form comes filled in (the member's name): emptied, the name is refused.
    Page(
        "/account/forum",
        who="learner",
        label="account-forum-errors",
        action="submit_cleared_name",
        status=422,
    ),
    Page("/messages/new", who="learner", label="messages-new-not-subscribed", status=403),
    Page("/messages/{conversation}", who="learner", label="messages-conversation"),
    Page(
        "/messages/{conversation}",
        who="learner",
        label="messages-conversation-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/staff/moderation", who="staff", label="staff-moderation"),
    Page("/forum/posts/1/report", who="learner", label="forum-report"),
    Page(
        "/forum/posts/1/report",
        who="learner",
        label="forum-report-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/staff/", who="staff", label="staff-dashboard"),
    Page("/staff/inquiries", who="staff", label="staff-inquiries"),
    Page("/staff/inquiries?status=answered", who="staff", label="staff-inquiries-answered"),
    Page("/staff/orders", who="staff", label="staff-orders"),
    Page("/staff/orders/{order}", who="staff", label="staff-order"),
    Page("/staff/orders?q=AT-ZZZZZZZZ&status=completed", who="staff", label="staff-orders-none"),
    Page("/staff/documents", who="staff", label="staff-documents"),
    Page("/staff/requests", who="staff", label="staff-requests"),
    Page("/staff/requests?status=approved", who="staff", label="staff-requests-approved"),
    Page("/staff/interest-rates", who="staff", label="staff-interest-rates"),
    Page("/staff/catalog", who="staff", label="staff-catalog"),
    Page("/staff/catalog/courses/new", who="staff", label="staff-course-new"),
    Page(
        "/staff/catalog/courses/new",
        who="staff",
        label="staff-course-new-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/staff/catalog/courses/1", who="staff", label="staff-course-edit"),
    Page("/staff/catalog/courses/1/chapters/new", who="staff", label="staff-chapter-new"),
    Page("/staff/catalog/paths/new", who="staff", label="staff-path-new"),
    Page(
        "/staff/catalog/paths/new",
        who="staff",
        label="staff-path-new-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/staff/catalog/paths/1", who="staff", label="staff-path-edit"),
    Page("/staff/catalog/prices", who="staff", label="staff-prices"),
    Page("/staff/catalog/rates", who="staff", label="staff-rates"),
    Page("/staff/promotions", who="staff", label="staff-promotions"),
    Page("/staff/promotions/new", who="staff", label="staff-promotion-new"),
    Page(
        "/staff/promotions/new",
        who="staff",
        label="staff-promotion-new-errors",
        action="submit_empty",
        status=422,
    ),
    Page("/staff/promotions/1", who="staff", label="staff-promotion-edit"),
    Page("/staff/documents/new", who="staff", label="staff-document-new"),
    Page(
        "/staff/documents/new",
        who="staff",
        label="staff-document-new-errors",
        action="submit_empty",
        status=422,
    ),
]

# Checkout pages live at per-order addresses (/checkout/<order>/<step>), so they cannot be
# listed above: tests/browser/test_checkout.py walks orders through these states, in each
# language, and puts every one through the same axe and Nu HTML Checker checks.
# "-errors": the step's form submitted with every field emptied (with htmx for axe,
# as a plain form for the HTML checker).
CHECKOUT_PAGES = (
    "account",  # a visitor not signed in: create the account inside the flow
    "account-errors",
    "account-signed-in",  # Back to the account step once signed in
    "eligibility",
    "eligibility-errors",
    "details",
    "details-errors",
    "payment",
    "payment-errors",
    "review",  # Solo
    "review-errors",
    "payment-declined",  # back from Confirm with the bank's refusal
    "sandbox-3ds",  # the sandbox's stand-in for the bank's 3-D Secure page
    "pending-approval",  # the order's review address while 3-D Secure waits
    "pending-timeout",  # the payment service did not answer in time
    "done-pending",
    "done-solo",  # confirmation page
    "details-consent",  # a 17-year-old: the legal representative's fieldset
    "details-consent-errors",
    "review-plus",
    "plan",  # Review's Change link for the plan and the path
    "review-plus-errors",
    "done-awaiting-consent",
    "consent",  # the representative's page, from the emailed link
    "consent-errors",
    "consent-accepted",
    "done-plus",
)
