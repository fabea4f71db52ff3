"""Invoice arithmetic and numbering (French invoicing rules, Terms §3.3): prices are VAT
included, so the VAT is taken out of each line's amount; numbers run per series and per
year without a gap; a credit note never gives back more than was paid."""

from dataclasses import dataclass

# France's standard rate, which online courses bear: 20 % (in basis points).
STANDARD_VAT_BP = 2000
# Late-payment interest and the fixed collection fee compensate a loss: they are outside
# the scope of VAT (no service is supplied for them).
NO_VAT = 0

INVOICE_PREFIX = "F"
CREDIT_NOTE_PREFIX = "A"


def vat_in(total_cents: int, rate_bp: int) -> int:
    """The VAT inside an amount that includes it, rounded half up to the cent:
    20 % of a VAT-included €49.00 is €8.17 (49.00 * 20 / 120 = 8.1666…)."""
    if rate_bp == 0:
        return 0
    numerator = total_cents * rate_bp
    denominator = 10000 + rate_bp
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class Line:
    description: str
    amount_cents: int  # VAT included
    vat_rate_bp: int = STANDARD_VAT_BP

    @property
    def vat_cents(self) -> int:
        return vat_in(self.amount_cents, self.vat_rate_bp)

    def as_record(self) -> dict:
        return {
            "description": self.description,
            "amount_cents": self.amount_cents,
            "vat_rate_bp": self.vat_rate_bp,
            "vat_cents": self.vat_cents,
        }


def totals(lines: list[Line]) -> tuple[int, int]:
    """(total VAT included, VAT) of the lines, the VAT computed line by line."""
    return sum(line.amount_cents for line in lines), sum(line.vat_cents for line in lines)


def series(credit_note: bool, year: int) -> str:
    """Invoices and credit notes each have one numbering series per calendar year."""
    return f"{CREDIT_NOTE_PREFIX if credit_note else INVOICE_PREFIX}{year}"


def reference(series_name: str, number: int) -> str:
    """ "F2026-000042": what the document and the member quote."""
    return f"{series_name}-{number:06d}"


def refund_problem(amount_cents: int | None, paid_cents: int, refunded_cents: int) -> str | None:
    """Why a refund of `amount_cents` cannot be made on a payment of `paid_cents` of which
    `refunded_cents` are already given back (or reserved by a refund under way)."""
    if amount_cents is None or amount_cents <= 0:
        return "amount_positive"
    if amount_cents > paid_cents - refunded_cents:
        return "amount_too_high"
    return None
