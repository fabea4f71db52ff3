"""Requests to Student Success about a Plus contract, and staff's written decision: a
change of Learning Path (§2.2c) ends the old subscription with no fee and sends the
subscriber to a new checkout for the new path (review, acceptance, reflection again);
a termination for an accident or force majeure (§6.2, L444-8) costs nothing. Each
decision is recorded with its message and emailed."""

from dataclasses import dataclass

from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import Plan
from app.domain.requests import (
    APPROVAL,
    AskRefusal,
    RequestKind,
    RequestStatus,
    ask_refusal,
    document_problem,
    document_type,
)
from app.domain.subscriptions import MOVES, InvalidTransition
from app.extensions import db
from app.links import public_url
from app.models import ContractRequest, LearningPath, Subscription, User
from app.services import catalog, mail, subscriptions
from app.services.checkout.orders import startable_path_problem
from app.services.premium import plan_name


class Refused(Exception):
    def __init__(self, refusal: AskRefusal):
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes


def open_request(subscription: Subscription, kind: RequestKind) -> ContractRequest | None:
    return db.session.scalar(
        select(ContractRequest).where(
            ContractRequest.subscription_id == subscription.id,
            ContractRequest.kind == kind,
            ContractRequest.status == RequestStatus.OPEN,
        )
    )


def requests_for(subscription: Subscription) -> list[ContractRequest]:
    return list(
        db.session.scalars(
            select(ContractRequest)
            .where(ContractRequest.subscription_id == subscription.id)
            .order_by(ContractRequest.created_at.desc(), ContractRequest.id.desc())
        )
    )


def refusal_for(subscription: Subscription, kind: RequestKind) -> AskRefusal | None:
    return ask_refusal(
        kind,
        subscription.plan,
        subscription.status,
        open_request(subscription, kind) is not None,
    )


def _check(subscription: Subscription, kind: RequestKind) -> None:
    subscriptions.lock(subscription)  # two submissions at once: the second sees the first
    refusal = refusal_for(subscription, kind)
    if refusal is not None:
        raise Refused(refusal)


def ask_path_change(
    user: User, subscription: Subscription, new_path: LearningPath, explanation: str
) -> ContractRequest:
    _check(subscription, RequestKind.PATH_CHANGE)
    if new_path.id == subscription.path_id:
        raise DomainError("new_path", "same_path")
    return _add(
        user,
        subscription,
        RequestKind.PATH_CHANGE,
        explanation,
        new_path_id=new_path.id,
    )


def movable_paths(subscription: Subscription) -> list[LearningPath]:
    """The paths a Plus subscriber may ask to move to: any other that can be started now."""
    return [
        path
        for path in catalog.all_paths()
        if path.id != subscription.path_id and startable_path_problem(path) is None
    ]


def contact_subscription(user: User) -> Subscription | None:
    """The Plus subscription a path change asked from the contact form is about: the
    oldest live one that can still ask, else the oldest live one (which then says why
    it cannot)."""
    plus = [s for s in subscriptions.subscriptions_of(user) if s.plan is Plan.PLUS]
    askable = [s for s in plus if refusal_for(s, RequestKind.PATH_CHANGE) is None]
    return (askable or plus or [None])[0]


def ask_path_change_to(
    user: User, subscription: Subscription, slug: str, explanation: str
) -> ContractRequest:
    """The Premium tab's request, from a form that names the new path by its slug (the
    contact form): the same checks (Refused: one open request, a status it can end
    from), and DomainError("new_path") for no path or one they cannot move to."""
    _check(subscription, RequestKind.PATH_CHANGE)
    if not slug:
        raise DomainError("new_path", "no_path")
    chosen = next((p for p in movable_paths(subscription) if p.slug == slug), None)
    if chosen is None:
        raise DomainError("new_path", "not_movable")
    return ask_path_change(user, subscription, chosen, explanation)


def ask_force_majeure(
    user: User, subscription: Subscription, explanation: str, document: Document | None
) -> ContractRequest:
    _check(subscription, RequestKind.FORCE_MAJEURE)
    extra = {}
    if document is not None:
        problem = document_problem(document.data)
        if problem is not None:
            raise DomainError("document", problem.value)
        extra = {
            "document_name": _safe_name(document.name),
            "document_type": document_type(document.data),
            "document_size": len(document.data),
            "document": document.data,
        }
    return _add(user, subscription, RequestKind.FORCE_MAJEURE, explanation, **extra)


def _safe_name(name: str) -> str:
    """The file's name, as shown to staff and offered on download: letters, digits and
    a few marks only."""
    kept = "".join(c if c.isalnum() or c in "._- " else "_" for c in name.rsplit("/", 1)[-1])
    return kept.strip()[:200] or "document"


def _add(user, subscription, kind, explanation, **extra) -> ContractRequest:
    request = ContractRequest(
        kind=kind,
        user_id=user.id,
        subscription_id=subscription.id,
        explanation=explanation.strip(),
        **extra,
    )
    db.session.add(request)
    db.session.flush()
    _tell(request, "contract_request_received")
    return request


# --- staff ---------------------------------------------------------------------------


def queue(status: RequestStatus) -> list[ContractRequest]:
    return list(
        db.session.scalars(
            select(ContractRequest)
            .where(ContractRequest.status == status)
            .order_by(ContractRequest.created_at, ContractRequest.id)
        )
    )


def decide(request: ContractRequest, staff: User, approve: bool, message: str) -> None:
    """Record the decision once (a second submission finds it decided). An approval
    moves the subscription through the state machine: ended for a path change,
    terminated at no cost for force majeure. Raises DomainError when it no longer can
    (withdrawn or ended meanwhile): nothing is then recorded."""
    db.session.refresh(request, attribute_names=["status"], with_for_update=True)
    if request.status is not RequestStatus.OPEN:
        raise DomainError(None, "already_decided")
    subscription = request.subscription
    if approve:
        reason = APPROVAL[request.kind]
        try:
            subscriptions.change_status(
                subscription,
                MOVES[reason].target,
                reason=reason,
                by_user=staff,
                amount_cents=0,
                note=f"request {request.id}",
            )
        except InvalidTransition as error:
            raise DomainError("decision", "cannot_approve") from error
        subscription.ends_on = clock.today()
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by_id = staff.id
    request.decided_at = clock.now()
    request.decision_message = message.strip()
    db.session.flush()
    _tell(request, "contract_request_decided")


def _tell(request: ContractRequest, template: str) -> None:
    user = request.user
    locale = user.locale or "en"
    new_path = request.new_path
    checkout = None
    if (
        request.status is RequestStatus.APPROVED
        and request.kind is RequestKind.PATH_CHANGE
        and new_path is not None
    ):
        checkout = public_url("checkout.start_plus", slug=new_path.slug)
    mail.send_template(
        user.email,
        template,
        locale,
        user=user,
        request=request,
        plan=plan_name(request.subscription, locale),
        new_path_title=(new_path.title_fr if locale == "fr" else new_path.title_en)
        if new_path
        else None,
        checkout=checkout,
        link=public_url("account.premium_tab"),
    )
