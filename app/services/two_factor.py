"""Two-factor sign-in: TOTP (RFC 6238) and single-use recovery codes."""

import hashlib
import hmac
import secrets

import pyotp
import segno
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.domain.numbers import is_ascii_digits
from app.extensions import db
from app.models import RecoveryCode, User

RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> str:
    """Inline SVG markup, so no image request and nothing for the CSP to allow."""
    return segno.make(uri, error="m").svg_inline(scale=4, title=title, dark="#000", light="#fff")


# Codes of the step before and after the current one still work: phones drift.
VALID_WINDOW = 1


def matching_step(secret: str, code: str) -> int | None:
    """The time step whose code `code` is (pyotp's verify, telling which step matched),
    or None."""
    code = code.replace(" ", "")
    if not is_ascii_digits(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock.now())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _spend_step(user: User, step: int) -> bool:
    """Record `step` as used, unless it (or a later one) already was: one conditional
    UPDATE, so two requests with the same code cannot both pass."""
    spent = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent:
        set_committed_value(user, "totp_last_step", step)
    return bool(spent)


def confirm_setup_code(user: User, secret: str, code: str) -> bool:
    """The code that proves the app is set up counts as used."""
    step = matching_step(secret, code)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def enable(user: User, secret: str) -> list[str]:
    """Turn 2FA on and return fresh recovery codes, shown once."""
    user.totp_secret = secret
    user.totp_enabled_at = clock.now()
    codes = _replace_recovery_codes(user)
    db.session.flush()
    return codes


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()
    db.session.flush()


def _replace_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.extend(RecoveryCode(code_hash=_digest(c)) for c in codes)
    return codes


def _digest(code: str) -> str:
    # 48 random bits per code: a fast hash is enough, and a lookup by digest is exact.
    return hashlib.sha256(code.encode()).hexdigest()


def check_second_factor(user: User, code: str) -> bool:
    """A current TOTP code, or an unused recovery code (which is then spent)."""
    code = code.strip().lower()
    if not user.has_two_factor:
        return False
    if is_ascii_digits(code.replace(" ", "")):
        step = matching_step(user.totp_secret, code)
        return step is not None and _spend_step(user, step)
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = clock.now()
    db.session.flush()
    return True
