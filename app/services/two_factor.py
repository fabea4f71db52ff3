"""Two-factor sign-in: TOTP (RFC 6238) and single-use recovery codes."""

import hashlib
import secrets

import pyotp
import segno
from sqlalchemy import select

from app import clock
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


def code_is_valid(secret: str, code: str) -> bool:
    return pyotp.TOTP(secret).verify(code.replace(" ", ""), valid_window=1)


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
    if code.replace(" ", "").isdigit():
        return code_is_valid(user.totp_secret, code)
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
