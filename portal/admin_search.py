"""The admin's search through the portal's one matching rule (portal.text): "эргешова" finds
"Эргешова", "омурбеков" finds "Өмүрбеков", on SQLite (whose LIKE folds only ASCII letters) as on
PostgreSQL. The changelist's box and the autocomplete pickers both ask get_search_results."""

from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates
from django.db.models import CharField, Q, TextField

from .text import SearchKey, SearchKeyed, search_key

# Django's prefixes of a search field: ^ starts with, = exact, @ full-text search.
_PREFIXES = "^=@"


class FoldedSearchAdmin:
    """A ModelAdmin mixin: every word typed is found in any text field of `search_fields`, letter
    case and ё ң ө ү ignored; a field that holds no text (a year) is searched as Django does."""

    def get_search_results(self, request, queryset, search_term):
        words = (search_key(search_term) or "").split()
        paths = [name.lstrip(_PREFIXES) for name in self.get_search_fields(request)]
        if not words or not paths:
            return queryset, False
        lookups, computed = [], {}
        for index, path in enumerate(paths):
            lookup = _lookup(self.model, path)
            if lookup is None:  # a text field with no stored key: its key computed per row
                lookup = computed[f"_search_key_{index}"] = path
                lookups.append(f"_search_key_{index}__contains")
            else:
                lookups.append(lookup)
        queryset = queryset.alias(**{alias: SearchKey(path) for alias, path in computed.items()})
        for word in words:
            match = Q()
            for lookup in lookups:
                match |= Q(**{lookup: word})
            queryset = queryset.filter(match)
        duplicates = any(lookup_spawns_duplicates(self.model._meta, path) for path in paths)
        return queryset, duplicates


def _lookup(model, path):
    """The lookup of a typed word in `path`: the stored key of a SearchKeyed model's source
    field, Django's icontains for a field that holds no text, None for any other text field."""
    field = get_fields_from_path(model, path)[-1]
    owner = field.model
    if issubclass(owner, SearchKeyed) and field.name in owner.search_key_sources:
        prefix = path.rpartition("__")[0]
        return f"{prefix}__search_key__contains" if prefix else "search_key__contains"
    if isinstance(field, (CharField, TextField)):
        return None
    return f"{path}__icontains"
