"""Email addresses as Kith keeps them: validated and lower-cased, one rule for every
part that takes one (signing up, inviting a colleague, an invitation for one address)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from kith.errors import Invalid


def normalize_email(email: str) -> str:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(f"That is not a valid email address: {exc}", code="invalid_email") from exc
    return result.normalized.lower()
