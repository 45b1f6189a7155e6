"""Names in Kyrgyz alphabetical order: а б в г д е ё ж з и й к л м н ң о ө п р с т у ү ф х ц ч ш
щ ъ ы ь э ю я. Sorting by code point puts ё, ң, ө and ү after я (they lie outside the basic
Cyrillic block), so a list sorted that way is not what a dean's office reads as alphabetical."""

KYRGYZ_ALPHABET = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
_RANK = {letter: index for index, letter in enumerate(KYRGYZ_ALPHABET)}
# Letters outside the alphabet (Latin, digits, spaces) sort before it by code point, which keeps
# a space (between surname and name) before any letter.
_OUTSIDE = -1


def kyrgyz_key(text):
    """A sort key for `text` in Kyrgyz alphabetical order, letter case ignored."""
    return tuple((_RANK[c], 0) if c in _RANK else (_OUTSIDE, ord(c)) for c in (text or "").lower())
