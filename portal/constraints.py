"""Database constraints shared by the apps' models."""

from django.db import models
from django.db.models import Q


def in_choices(field, choices, blank=False):
    """A check that `field` holds one of `choices` (and "" when `blank`), in the database itself."""
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}), name=f"%(app_label)s_%(class)s_{field}_valid"
    )
