"""Reading the results workbook, and its limits: python-calamine reads the values (openpyxl takes
eight times as long on 100 000 rows); it returns the values Excel cached, so the sheet's XML is
scanned for formulas first, which are refused, as are files that are not a plain .xlsx within
the limits (size, unpacked size, rows, zip and XML bombs)."""

import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from posixpath import normpath
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from academics.widgets import normalize
from portal import uploads

from .results import ImportRefused

# Limits, checked before anything is parsed. 100 000 result rows make a file of about 4 MB that
# unpacks to about 60 MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 600 * 1024 * 1024
MAX_ROWS = 200_000

SHEET_NAMES = ("results", "натыйжалар", "результаты")


@dataclass
class Sheet:
    name: str
    headers: list  # the cells of the header row
    rows: object  # iterator of the following rows, each a list of cell values
    first_row: int  # 0-based index of the header row
    first_column: int  # 0-based index of the first column
    row_count: int
    _book: object = None

    def close(self):
        if self._book is not None:
            self._book.close()


def not_xlsx():
    return _(
        "This file is not an Excel workbook (.xlsx). Open it in Excel or LibreOffice and save it "
        "as “Excel Workbook (.xlsx)”, then import that file."
    )


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}"


def _as_stream(source):
    """A seekable binary stream and, when the source is a file on disk, its path."""
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), os.fspath(source)  # closed by the caller
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), None
    return source, None


def _size(stream):
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _parse_small_xml(archive, name):
    info = archive.getinfo(name)
    if info.file_size > 10 * 1024 * 1024:
        raise ImportRefused(not_xlsx())
    data = archive.read(name)
    # No DTDs: they are never in a workbook, and entity expansion is how XML bombs work.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ImportRefused(not_xlsx())
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise ImportRefused(not_xlsx()) from None


def _results_sheet(archive):
    """The name and the XML part of the results sheet."""
    workbook = _parse_small_xml(archive, "xl/workbook.xml")
    sheets = []
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            sheets.append((element.get("name", ""), rel_id))
    wanted = {normalize(name) for name in SHEET_NAMES}
    found = [(name, rel_id) for name, rel_id in sheets if normalize(name) in wanted]
    if not found:
        raise ImportRefused(
            _(
                "The workbook has no sheet named “results”; its sheets are: %(sheets)s. Name the "
                "sheet with the results “results” (or download the template)."
            )
            % {"sheets": ", ".join(f"“{name}”" for name, _rel in sheets) or "—"}
        )
    name, rel_id = found[0]
    targets = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for element in _parse_small_xml(archive, "xl/_rels/workbook.xml.rels").iter():
            if _local(element.tag) == "Relationship":
                targets[element.get("Id")] = element.get("Target", "")
    target = targets.get(rel_id, "")
    path = target.lstrip("/") if target.startswith("/") else normpath(f"xl/{target}")
    if not target or path not in archive.namelist():
        raise ImportRefused(not_xlsx())
    return name, path


def _scan_sheet(archive, path):
    """Count the rows and find the formula cells of a sheet (portal.uploads.scan_sheet, the one
    formula detector of every import)."""
    try:
        return uploads.scan_sheet(archive, path)
    except uploads.DoctypeFound:
        raise ImportRefused(not_xlsx()) from None


def _check_members(archive, skip):
    """Read every other part through zipfile, which stops at the declared size and checks the
    CRC: a part that unpacks to more than it declares (a zip bomb) fails here, not in memory."""
    for info in archive.infolist():
        if info.filename != skip and not info.is_dir():
            with archive.open(info) as member:
                while member.read(1 << 20):
                    pass


def read_sheet(source):
    """Open the results sheet, refusing what is not a plain .xlsx within the limits.

    Raises ImportRefused with a message for the person who made the file.
    """
    stream, path = _as_stream(source)
    try:
        _check_file(stream)
        name = _check_archive(stream, path)
        return _open_sheet(stream, path, name)
    finally:
        if path is not None:
            stream.close()


def _check_file(stream):
    """The file's size and its first bytes: an .xlsx is a zip archive."""
    size = _size(stream)
    if size == 0:
        raise ImportRefused(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise ImportRefused(
            _(
                "The file is %(size)s MB; at most %(max)s MB can be imported at once. Split the "
                "results into several files, for example by faculty."
            )
            % {"size": _megabytes(size), "max": _megabytes(MAX_FILE_BYTES)}
        )
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _(
                "This is an old-format .xls workbook or a password-protected one. Save it as "
                "“Excel Workbook (.xlsx)” without a password, then import that file."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        raise ImportRefused(not_xlsx())


def _check_archive(stream, path):
    """The zip checks, the formula scan and the row count of the results sheet, before anything
    is parsed. Returns the sheet's name."""
    try:
        archive = zipfile.ZipFile(stream)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ImportRefused(not_xlsx()) from None
    with archive:
        if "xl/workbook.xml" not in names:
            raise ImportRefused(not_xlsx())
        # A zip bomb declares its true size here; an archive that lies about it fails the
        # CRC check while it is read.
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ImportRefused(
                _(
                    "The workbook unpacks to %(size)s MB, more than the %(max)s MB one import "
                    "may hold. Split the results into several files."
                )
                % {"size": _megabytes(unpacked), "max": _megabytes(MAX_UNPACKED_BYTES)}
            )
        try:
            # Parts, compression ratios and DTDs, before anything is parsed.
            uploads.check_archive(archive, os.path.basename(path) if path else "results.xlsx")
        except uploads.UploadRefused as refusal:
            raise ImportRefused(refusal.messages) from None
        try:
            name, part = _results_sheet(archive)
            rows, formulas = _scan_sheet(archive, part)
            _check_members(archive, skip=part)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise ImportRefused(not_xlsx()) from None
    if formulas:
        shown = ", ".join(ref for ref in formulas[:10] if ref)
        raise ImportRefused(
            _(
                "The sheet “%(sheet)s” holds %(count)s formulas (cells %(cells)s). Import "
                "values only: copy the sheet and paste it as values, then save and import again."
            )
            % {"sheet": name, "count": len(formulas), "cells": shown}
        )
    if rows > MAX_ROWS + 1:
        raise ImportRefused(
            _("The sheet has %(rows)s rows; at most %(max)s can be imported at once.")
            % {"rows": rows - 1, "max": MAX_ROWS}
        )
    return name


def _open_sheet(stream, path, name):
    """The sheet's values through python-calamine, with its header row taken off."""
    stream.seek(0)
    try:
        book = (
            CalamineWorkbook.from_path(path)
            if path is not None
            else CalamineWorkbook.from_filelike(stream)
        )
        sheet = book.get_sheet_by_name(name)
    except CalamineError as error:
        raise ImportRefused(
            _("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
            % {"error": error}
        ) from None
    start = sheet.start
    if start is None or sheet.height == 0:
        book.close()
        raise ImportRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": name})
    if start[0] != 0:
        book.close()
        raise ImportRefused(
            _(
                "The headers must be in row 1 of the sheet “%(sheet)s”; its first filled row "
                "is row %(row)s."
            )
            % {"sheet": name, "row": start[0] + 1}
        )
    rows = iter(sheet.iter_rows())
    headers = next(rows)
    return Sheet(name, headers, rows, start[0], start[1], sheet.height, book)


def count_rows(source):
    """The rows of the results sheet below its headers, counted from the sheet's XML without
    reading the cells (blank rows included): how big an import is, before it runs. Raises
    ImportRefused as read_sheet() does for a file that is not a readable .xlsx."""
    stream, path = _as_stream(source)
    try:
        stream.seek(0)
        if not stream.read(4).startswith(b"PK\x03\x04"):
            raise ImportRefused(not_xlsx())
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                _name, part = _results_sheet(archive)
                rows, _formulas = _scan_sheet(archive, part)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError):
            raise ImportRefused(not_xlsx()) from None
        return max(rows - 1, 0)
    finally:
        if path is not None:
            stream.close()
