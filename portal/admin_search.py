"""The admin's search through the portal's one matching rule (portal.text): "эргешова" finds
"Эргешова", "омурбеков" finds "Өмүрбеков", on SQLite (whose LIKE folds only ASCII letters) as on
PostgreSQL. The changelist's box and the autocomplete pickers both ask get_search_results."""

from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates
from django.db.models import CharField, Q, TextField

from .text import SearchKey, search_key

# Django's prefixes of a search field: ^ starts with, = exact, @ full-text search.
_PREFIXES = "^=@"


class FoldedSearchAdmin:
    """A ModelAdmin mixin: every word typed is found in any text field of `search_fields`, letter
    case and ё ң ө ү ignored; a field that holds no text (a year) is searched as Django does."""

    def get_search_results(self, request, queryset, search_term):
        words = (search_key(search_term) or "").split()
        fields = [name.lstrip(_PREFIXES) for name in self.get_search_fields(request)]
        if not words or not fields:
            return queryset, False
        keys = {}
        for index, path in enumerate(fields):
            if _holds_text(self.model, path):
                keys[path] = f"_search_key_{index}"
        queryset = queryset.alias(**{alias: SearchKey(path) for path, alias in keys.items()})
        for word in words:
            match = Q()
            for path in fields:
                lookup = f"{keys[path]}__contains" if path in keys else f"{path}__icontains"
                match |= Q(**{lookup: word})
            queryset = queryset.filter(match)
        duplicates = any(lookup_spawns_duplicates(self.model._meta, path) for path in fields)
        return queryset, duplicates


def _holds_text(model, path):
    field = get_fields_from_path(model, path)[-1]
    return isinstance(field, (CharField, TextField))
