"""Form answers as a browser posts them."""

from datetime import date


def date_fields(value: date | str, name: str = "date_of_birth") -> dict[str, str]:
    """A date as the three boxes of a date input post it: 2007-03-27 is 27, 3 and 2007."""
    when = date.fromisoformat(value) if isinstance(value, str) else value
    return {
        f"{name}-day": str(when.day),
        f"{name}-month": str(when.month),
        f"{name}-year": str(when.year),
    }


def typed_date(day: str, month: str, year: str, name: str = "date_of_birth") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
