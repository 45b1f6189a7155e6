"""The one rounding rule of every rate the portal shows: a share in per cent, rounded half up to
2 decimals. The session figures (reports.achievement), the staff, load and attestation sections
and the survey shares (surveys.results) all round through `percent`, so the same fraction is the
same number on every page, export and document."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part, whole):
    """part / whole in per cent, rounded half up to 2 decimals; 0 of nothing is 0."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
