"""Merge, never revert: what a page's save may write when someone else saved since it was loaded.

A page sends, for each cell (a grade, an admission row), the value it started from and the value
the person wants. Against what is stored now:
- a cell the person did not change is left as it is now, whoever changed it since;
- a cell only the person changed is written;
- a cell both changed to the same value needs nothing;
- a cell both changed to different values is a conflict: nothing at all is written until the
  person has chosen, for each, which value stays.
"""

from django.utils.translation import gettext as _

from .errors import Conflict, Conflicts


def merge(wanted, started, current, blank):
    """The cells to write ({key: value}) and how many cells someone else changed meanwhile,
    or Conflicts. `started` and `current` map keys to values; a key missing from them is
    `blank`."""
    writes, others, conflicts = {}, 0, {}
    for key, want in wanted.items():
        start = started.get(key, blank)
        now = current.get(key, blank)
        if now != start:
            others += 1
        if want == start or want == now:
            continue
        if now == start:
            writes[key] = want
        else:
            conflicts[key] = Conflict(start, want, now)
    if conflicts:
        raise Conflicts(
            _(
                "Someone else changed the same cells after you opened the page: nothing was "
                "saved. Choose which value stays in each marked row, then save again."
            ),
            conflicts,
            current,
        )
    return writes, others
