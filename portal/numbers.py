"""How the portal writes a number: the one rounding rule of every rate (`percent`) and the one
format of every figure on a page, in a chart, an export's text or a document (`number`).

Kyrgyz and Russian group thousands with a no-break space (U+00A0, Django's "ru" and our
portal/formats/ky) and write a decimal comma: 11 977, 52,3; English writes 11,977 and 52.3. The
separators come from the active language's format module, so a page, its charts
(`chart_format`) and the resolution agree."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat


def percent(part, whole):
    """part / whole in per cent, rounded half up to 2 decimals; 0 of nothing is 0."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def number(value, places=None):
    """`value` as the active language writes it, thousands always grouped: 11 977 and 52,30 in
    Kyrgyz and Russian, 11,977 and 52.30 in English. `places` fixes the decimals (None keeps the
    value's own); a count is written with none."""
    if value is None:
        return ""
    if isinstance(value, int):
        places = 0 if places is None else places
    elif isinstance(value, float):
        value = Decimal(str(value))
    if places is not None and not isinstance(value, int):
        # Django's number_format cuts the extra decimals (52.29 -> 52,2); the portal rounds.
        value = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


class NumberFormat:
    """`number` for a long table: the separators are looked up once, not once a number."""

    def __init__(self):
        self.decimal = formats.get_format("DECIMAL_SEPARATOR")
        self.thousand = formats.get_format("THOUSAND_SEPARATOR")
        self.grouping = formats.get_format("NUMBER_GROUPING")

    def __call__(self, value, places):
        if not isinstance(value, int):
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        return numberformat.format(
            value, self.decimal, places, self.grouping, self.thousand, force_grouping=True
        )


def chart_format():
    """The active language's separators for the dashboard's script, which formats the charts'
    axes and tooltips with them (browsers do not all know Kyrgyz)."""
    return {
        "decimal": formats.get_format("DECIMAL_SEPARATOR"),
        "group": formats.get_format("THOUSAND_SEPARATOR"),
        "grouping": formats.get_format("NUMBER_GROUPING"),
    }
