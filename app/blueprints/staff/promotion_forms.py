"""The staff's promo code form. It only reads what was typed (numbers, dates, required
answers); the rules of a promo code come back from the service, all at once, and land
on their fields."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget

from app import clock
from app.blueprints.staff.catalog_forms import WholeNumberField
from app.web.forms import Form, strip

# What a datetime-local input sends, and what people type where it is a plain text box.
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


class PlatformDateTimeField(Field):
    """A date and time typed in the platform's time zone (Paris), held as UTC."""

    widget = DateTimeLocalInput()

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for pattern in LOCAL_FORMATS:
            try:
                local = datetime.strptime(text, pattern)
            except ValueError:
                continue
            self.data = local.replace(tzinfo=clock.zone()).astimezone(UTC)
            return
        self.data = None
        raise ValueError(_l("Enter a date and time, like 2027-03-01 09:00."))

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return self.data.astimezone(clock.zone()).strftime(LOCAL_FORMATS[0])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def upper(value):
    return value.upper() if isinstance(value, str) else value


KINDS = [
    SelectChoice("percent", _l("A percentage off")),
    SelectChoice("fixed", _l("An amount off")),
]
PLANS = [
    SelectChoice("solo", _l("Premium Solo")),
    SelectChoice("plus", _l("Premium Plus")),
]
FIELDS = (
    "code",
    "description",
    "kind",
    "percent",
    "amount",
    "months",
    "plans",
    "starts_at",
    "ends_at",
    "max_redemptions",
    "max_per_member",
)


class PromoForm(Form):
    code = StringField(
        _l("Code"),
        filters=[strip, upper],
        validators=[InputRequired(_l("Enter the code."))],
    )
    description = StringField(
        _l("Note for staff (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=200, message=_l("The note must be 200 characters or fewer.")),
        ],
    )
    kind = RadioField(
        _l("Kind of discount"),
        choices=KINDS,
        validators=[InputRequired(_l("Select the kind of discount."))],
    )
    percent = WholeNumberField(_l("Percentage off each month"))
    amount = StringField(_l("Amount off each month, in euros"), filters=[strip])
    months = WholeNumberField(
        _l("Number of months discounted"),
        validators=[InputRequired(_l("Enter the number of months discounted."))],
    )
    plans = CheckboxesField(_l("Plans"), choices=PLANS)
    starts_at = PlatformDateTimeField(_l("Valid from"))
    ends_at = PlatformDateTimeField(_l("Valid until (optional)"))
    max_redemptions = WholeNumberField(_l("Total number of uses (optional)"))
    max_per_member = WholeNumberField(
        _l("Uses per member"),
        default=1,
        validators=[InputRequired(_l("Enter the number of uses per member."))],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.kind.data == "percent" and self.percent.data is None and not self.percent.errors:
            self.percent.errors = [*self.percent.errors, _l("Enter the percentage off.")]
            ok = False
        if self.kind.data == "fixed" and not self.amount.data:
            self.amount.errors = [*self.amount.errors, _l("Enter the amount off.")]
            ok = False
        return ok

    def fill_from(self, promo) -> None:
        """The fields that are not columns of the promo code, for its edit page."""
        self.plans.data = [plan.value for plan in promo.plans]
        if promo.kind == "percent":
            self.percent.data = promo.value
        else:
            self.amount.data = f"{promo.value // 100}.{promo.value % 100:02d}"

    def values(self) -> dict:
        return {name: self[name].data for name in FIELDS}
