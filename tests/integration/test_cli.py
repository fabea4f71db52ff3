from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, User


def test_users_create_makes_a_verified_staff_account(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Boss@Example.org",
            "--name",
            "Boss",
            "--password",
            "a long staff passphrase",
            "--role",
            "staff",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role is Role.STAFF and user.is_verified


def test_users_create_refuses_a_weak_password_and_duplicates(runner):
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--password",
            "password123",
        ]
    )
    assert weak.exit_code != 0
    args = [
        "users",
        "create",
        "--email",
        "b@example.org",
        "--name",
        "B",
        "--password",
        "a long passphrase",
    ]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output


def test_demo_data_is_idempotent(runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "demo-learner-2026" in first.output
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    # The four demo people, the Premium Solo learner one quiz away from a certificate and
    # three peers whose work waits to be assessed.
    assert db.session.scalar(select(func.count(User.id))) == 8
    assert "solo@atelier.example / demo-solo-2026" in first.output
    minor = db.session.scalar(select(User).where(User.email == "minor@atelier.example"))
    from datetime import date

    from app.domain.eligibility import Eligibility, assess

    assert assess(minor.date_of_birth, minor.country, False, date.today()).status is (
        Eligibility.NEEDS_CONSENT
    )


def test_the_demo_learner_is_one_quiz_away_from_a_certificate(runner):
    from app.access import Feature, can
    from app.models import Course
    from app.services import learning

    assert runner.invoke(args=["demo-data"]).exit_code == 0
    learner = db.session.scalar(select(User).where(User.email == "solo@atelier.example"))
    course = db.session.scalar(select(Course).where(Course.slug == "html-css-first-pages"))
    with runner.app.test_request_context():
        assert can(learner, Feature.EXERCISES)
        page = learning.course_page(learner, course)
    assert page.progress.chapters_done == page.progress.chapters_total - 1
    assert page.progress.exercises_left == 1 and page.certificate is None


def test_the_demo_subscriber_bought_premium_solo_as_a_learner_would(runner):
    """The demo's Premium page tells a true story: a card kept by the gateway, the first
    month charged and invoiced, the next payment due a month later, and the withdrawal
    right gone with the first use of the exercises (Terms §3.3, §6.1)."""
    from app.domain.periods import anniversary
    from app.models import Invoice, Payment, PaymentMethod, PaymentStatus, Subscription

    def payment_method_of(user):
        (method,) = db.session.scalars(
            select(PaymentMethod.id).where(PaymentMethod.user_id == user.id)
        ).all()
        return method

    assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    learner = db.session.scalar(select(User).where(User.email == "solo@atelier.example"))
    (subscription,) = db.session.scalars(
        select(Subscription).where(Subscription.user_id == learner.id)
    ).all()
    assert subscription.payment_method_id == payment_method_of(learner)
    assert subscription.current_period_end == anniversary(subscription.current_period_start, 1)
    assert subscription.first_access_at is not None
    (payment,) = db.session.scalars(select(Payment).where(Payment.user_id == learner.id)).all()
    assert payment.status is PaymentStatus.SUCCEEDED and payment.amount_cents == 2000
    (invoice,) = db.session.scalars(select(Invoice).where(Invoice.user_id == learner.id)).all()
    assert invoice.payment_id == payment.id
