"""Money as integer minor units (cents) with its currency. Formatting for people happens
in templates (Babel), never here."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EURO = "EUR"


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str = EURO

    def __post_init__(self):
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError("Money holds an integer number of cents")

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100

    def times(self, factor: int) -> "Money":
        return Money(self.cents * factor, self.currency)


def parse_euros(text: str | None) -> int | None:
    """'49', '49.9', '49,90', '1 234,50' → cents; None when it is not an amount of euros
    with at most two decimals."""
    if text is None:
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned or cleaned.count(".") > 1:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        return None
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
