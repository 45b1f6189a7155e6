"""The signed identity of the portal's workbooks (portal.workbook_identity): written very hidden,
read back as written, refused when missing or changed, and bound to its salt (a grade sheet's file
is not a summary sheet's)."""

import io

import openpyxl
import pytest

from portal import workbook_identity


def saved_and_opened(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_the_identity_comes_back_as_written_from_a_very_hidden_sheet():
    book = openpyxl.Workbook()
    workbook_identity.write(book, {"group": 7, "rows": [[1, "Ө-12", "5"]]}, "one")
    opened = saved_and_opened(book)
    assert opened[workbook_identity.SHEET].sheet_state == "veryHidden"
    assert workbook_identity.read(opened, "one") == {"group": 7, "rows": [[1, "Ө-12", "5"]]}


def test_a_missing_a_changed_or_another_salts_identity_is_refused():
    with pytest.raises(workbook_identity.IdentityMissing):
        workbook_identity.read(openpyxl.Workbook(), "one")
    book = openpyxl.Workbook()
    workbook_identity.write(book, {"group": 7}, "one")
    with pytest.raises(workbook_identity.IdentityChanged):
        workbook_identity.read(book, "another")
    token = book[workbook_identity.SHEET][workbook_identity.CELL].value
    book[workbook_identity.SHEET][workbook_identity.CELL] = token[:-3] + "xyz"
    with pytest.raises(workbook_identity.IdentityChanged):
        workbook_identity.read(book, "one")
