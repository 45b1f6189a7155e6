"""Long lists of ids cut into pieces a query can take: SQLite accepts at most 999 bound parameters
in one statement, so every `IN (...)` over an unbounded list of ids goes through `chunked`."""

# Below SQLite's 999 bound parameters per query, with room to spare.
IN_CHUNK = 900


def chunked(items, size=IN_CHUNK):
    """`items` as consecutive lists of at most `size`."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
