"""The portal's number and date formats in templates: {% load portal_formats %}, then
{{ value|number }}, {{ rate|number:2 }}, {{ day|long_date }} (portal.numbers, portal.dates)."""

from django import template

from portal import dates, numbers

register = template.Library()


@register.filter
def number(value, places=None):
    """11 977 / 52,30 in Kyrgyz and Russian, 11,977 / 52.30 in English; "" for None."""
    if value is None or value == "":
        return ""
    return numbers.number(value, None if places is None else int(places))


@register.filter
def long_date(value):
    """ "2026-жылдын 15-июну", "15 июня 2026 г.", "June 15, 2026"."""
    return dates.long_date(value)
