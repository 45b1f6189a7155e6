"""The signed identity a workbook the portal writes carries on a hidden sheet, so that the filled
file, uploaded back, is known for what it is and trusted only if nobody changed it: the grade
sheet's file (sessions_app.sheet_file) and the group summary sheet (reports.summary).

One place for how it is written (django.core.signing, compressed, on the sheet "portal", cell A1,
very hidden: Excel's own menus cannot show it) and read back; each caller says its own refusals.
"""

from django.core import signing

SHEET = "portal"
CELL = "A1"


class IdentityMissing(Exception):
    """The workbook has no identity sheet: it was not downloaded from the portal."""


class IdentityChanged(Exception):
    """The identity's signature does not hold: someone changed it."""


def write(book, payload, salt):
    """Sign `payload` (JSON-able) with `salt` and keep it on the workbook's hidden sheet."""
    hidden = book.create_sheet(SHEET)
    hidden[CELL] = signing.dumps(payload, salt=salt, compress=True)
    hidden.sheet_state = "veryHidden"
    hidden.protection.sheet = True
    return hidden


def read(book, salt):
    """The payload `write` signed with `salt`; IdentityMissing or IdentityChanged otherwise.
    Kept for ever (max_age None): a sheet may be filled a month after its download."""
    if SHEET not in book.sheetnames:
        raise IdentityMissing
    value = book[SHEET][CELL].value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return signing.loads("" if value is None else str(value), salt=salt)
    except signing.BadSignature:
        raise IdentityChanged from None
