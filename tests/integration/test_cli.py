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
    assert db.session.scalar(select(func.count(User.id))) == 4
    minor = db.session.scalar(select(User).where(User.email == "minor@atelier.example"))
    from datetime import date

    from app.domain.eligibility import Eligibility, assess

    assert assess(minor.date_of_birth, minor.country, False, date.today()).status is (
        Eligibility.NEEDS_CONSENT
    )
