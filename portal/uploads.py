"""The checks every uploaded spreadsheet passes before any reader parses it: its size, its real type
(by content, not by name), zip and XML bombs, and formulas where values belong.

Every upload entry point calls `check_upload`: the results import (sessions_app), the admin's
spreadsheet imports (django-import-export, academics.admin.SafeImportForm) and the survey import.
A refusal raises UploadRefused, whose messages name the file (and the cell, for a formula).
"""

import io
import os
import re
import zipfile
import zlib
from posixpath import normpath
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.conf import settings
from django.utils.translation import gettext as _

XLSX = "xlsx"
CSV = "csv"

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# An .xlsx of the largest results import (200 000 rows) unpacks to about 120 MB.
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# A workbook has a few dozen parts; thousands are a way to exhaust the reader.
MAX_MEMBERS = 1000
# Sheet XML compresses about 15:1; a big part far beyond that is padding (a zip bomb).
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
# Parts parsed whole (to find a DTD or broken XML); of bigger ones only the head is parsed, which
# is where a DTD, the only way to declare an entity, must stand.
WHOLE_PART_BYTES = 2 * 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

# What a file that is neither a workbook nor text starts with.
_BINARY_SIGNATURES = (
    b"%PDF",
    b"MZ",
    b"\x7fELF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
)
_OLE = b"\xd0\xcf\x11\xe0"  # an old .xls, or a password-protected workbook


class DoctypeFound(ValueError):
    """A sheet's XML declares a document type: never in a spreadsheet, the start of an XML bomb."""


class Refused(Exception):
    """A file refused whole; `messages` (one or several) say why. The base of every importer's
    refusal, so that each shows its messages the same way."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


class UploadRefused(Refused):
    """The upload is refused before any reader opens it; each message names the file."""


def max_bytes():
    return getattr(settings, "PORTAL_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_unpacked_bytes():
    return getattr(settings, "PORTAL_UPLOAD_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}"


def _refuse(filename, reason):
    return UploadRefused(f"“{filename}”: {reason}")


def _not_xlsx():
    return _(
        "this is not an Excel workbook (.xlsx), or it is damaged. Open it in Excel or LibreOffice "
        "and save it as “Excel Workbook (.xlsx)”, then upload that file."
    )


# The entry point


def check_upload(upload, filename=None, kinds=(XLSX, CSV), formulas=True):
    """Check an upload (an UploadedFile, bytes, a path or a binary stream) and return its kind,
    XLSX or CSV, found by its content. `formulas`: refuse formula cells in every sheet."""
    filename = filename or os.path.basename(str(getattr(upload, "name", "") or "")) or "—"
    stream, close = _stream(upload)
    try:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        if size == 0:
            raise _refuse(filename, _("the file is empty."))
        limit = max_bytes()
        if size > limit:
            raise _refuse(
                filename,
                _("the file is %(size)s MB; at most %(max)s MB can be uploaded.")
                % {"size": _megabytes(size), "max": _megabytes(limit)},
            )
        head = stream.read(8)
        stream.seek(0)
        if head.startswith(b"PK\x03\x04"):
            kind = XLSX
        elif head.startswith(_OLE):
            raise _refuse(
                filename,
                _(
                    "this is an old-format .xls workbook or a password-protected one. Save it as "
                    "“Excel Workbook (.xlsx)” without a password, then upload that file."
                ),
            )
        elif head.startswith(_BINARY_SIGNATURES):
            raise _refuse(filename, _wrong_kind(kinds))
        else:
            kind = CSV
        if kind not in kinds or (kind == CSV and filename.lower().endswith(".xlsx")):
            raise _refuse(filename, _wrong_kind(kinds))
        if kind == XLSX:
            _check_xlsx(stream, filename, formulas)
        else:
            _check_text(stream.read(), filename)
        return kind
    finally:
        if close:
            stream.close()
        else:
            stream.seek(0)


def _wrong_kind(kinds):
    if CSV in kinds:
        return _("this is neither a CSV file nor an Excel workbook (.xlsx).")
    return _not_xlsx()


def _stream(upload):
    if isinstance(upload, bytes | bytearray):
        return io.BytesIO(upload), True
    if isinstance(upload, str | os.PathLike):
        return open(upload, "rb"), True
    inner = getattr(upload, "file", None)  # Django's UploadedFile wraps the real file
    return (inner if inner is not None and hasattr(inner, "seek") else upload), False


# Text


def _check_text(data, filename):
    if b"\x00" in data:
        raise _refuse(filename, _("this is neither a CSV file nor an Excel workbook (.xlsx)."))
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse(
            filename,
            _(
                "row %(row)s: the text is not in UTF-8 (byte %(byte)s). Save the file as "
                "“CSV UTF-8” and upload it again."
            )
            % {"row": data[: error.start].count(b"\n") + 1, "byte": error.start + 1},
        ) from None


# Workbooks


def _check_xlsx(stream, filename, formulas):
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(filename, _not_xlsx()) from None
    with archive:
        check_archive(archive, filename)
        if formulas:
            refuse_formulas(archive, filename)


def check_archive(archive, filename):
    """The zip checks of an opened workbook, before a reader unpacks anything: its parts, its
    unpacked size, the compression ratio of big parts, and DTDs (XML entity bombs) in its XML."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(
            filename,
            _("the workbook holds %(count)s parts, more than %(max)s; it is not a plain workbook.")
            % {"count": len(infos), "max": MAX_MEMBERS},
        )
    names = {info.filename for info in infos}
    if any(part not in names for part in REQUIRED_PARTS):
        raise _refuse(filename, _not_xlsx())
    unpacked = sum(info.file_size for info in infos)
    limit = max_unpacked_bytes()
    if unpacked > limit:
        raise _refuse(
            filename,
            _("the workbook unpacks to %(size)s MB, more than the %(max)s MB allowed.")
            % {"size": _megabytes(unpacked), "max": _megabytes(limit)},
        )
    for info in infos:
        if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise _refuse(
                filename,
                _(
                    "the part “%(part)s” is compressed %(ratio)s times, far more than a "
                    "spreadsheet is; the file looks like a zip bomb."
                )
                % {"part": info.filename, "ratio": info.file_size // max(info.compress_size, 1)},
            )
    try:
        for info in infos:
            if info.filename.lower().endswith(XML_SUFFIXES) and not info.is_dir():
                _check_xml_part(archive, info)
    except (DefusedXmlException, ParseError, UnicodeError):
        raise _refuse(
            filename,
            _(
                "the workbook's XML holds a document type declaration or cannot be read; a "
                "spreadsheet saved by Excel or LibreOffice never does."
            ),
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError):
        raise _refuse(filename, _not_xlsx()) from None


def _check_xml_part(archive, info):
    """Parse a part with defusedxml, which refuses DTDs and entities: whole when it is small, else
    up to its root element (a DTD stands before it)."""
    if info.file_size <= WHOLE_PART_BYTES:
        defused_fromstring(archive.read(info), forbid_dtd=True)
        return
    with archive.open(info) as part:
        for _event, _element in defused_iterparse(part, events=("start",), forbid_dtd=True):
            return


# Formulas


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,20}:)?f[\s/>]")
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.\-]{0,20}):worksheet[\s>]")
_OVERLAP = 1024
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def scan_sheet(archive, path):
    """Count the rows and find the formula cells (their references, the first 20) of a sheet,
    reading its XML as a stream.

    A byte scan rather than an XML parser: in the XML of a sheet a "<" only ever opens markup
    (text holds "&lt;"), so a formula is exactly an <f> element, and this runs at disk speed.
    """
    rows, formulas, tail, row_tags = 0, [], b"", None
    with archive.open(path) as stream:
        while True:
            chunk = stream.read(1 << 20)
            final = not chunk
            buffer = tail + chunk
            if row_tags is None:
                if b"<!DOCTYPE" in buffer or b"<!ENTITY" in buffer:
                    raise DoctypeFound(path)
                # Excel writes <row>; some tools write <x:row> with a prefixed namespace.
                prefix = _ROOT_PREFIX.search(buffer)
                tag = b"<" + prefix.group(1) + b":row" if prefix else b"<row"
                row_tags = (tag + b" ", tag + b">")
            # A match starting in the last _OVERLAP bytes is left for the next round, which
            # sees it whole; so every match is counted once.
            limit = len(buffer) if final else max(len(buffer) - _OVERLAP, 0)
            rows += sum(buffer.count(tag, 0, limit) for tag in row_tags)
            if b"<f" in buffer or b":f" in buffer:
                for match in _FORMULA.finditer(buffer, 0, limit):
                    formulas.append(
                        _cell_reference(buffer, match.start()) if len(formulas) < 20 else None
                    )
            if final:
                break
            tail = buffer[limit:]
    return rows, formulas


def _cell_reference(buffer, position):
    # The <c r="B12"> that holds the <f>: the closest r="..." before it.
    at = buffer.rfind(b' r="', 0, position)
    if at < 0:
        return "?"
    end = buffer.find(b'"', at + 4, at + 24)
    return buffer[at + 4 : end].decode("ascii", "replace") if end > 0 else "?"


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def sheet_parts(archive):
    """[(sheet name, XML part)] of a workbook, in the workbook's order."""
    workbook = defused_fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
    targets = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        rels = defused_fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
        for element in rels.iter():
            if _local(element.tag) == "Relationship":
                targets[element.get("Id")] = element.get("Target", "")
    names = set(archive.namelist())
    sheets = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rel_id, "")
        path = target.lstrip("/") if target.startswith("/") else normpath(f"xl/{target}")
        if target and path in names:
            sheets.append((element.get("name", ""), path))
    return sheets


def refuse_formulas(archive, filename):
    """Refuse a workbook with a formula in any sheet, naming the sheet, the row and the column of
    the first ones: an import takes the values people typed, not what a formula last showed."""
    try:
        sheets = sheet_parts(archive)
    except (DefusedXmlException, ParseError, KeyError):
        raise _refuse(filename, _not_xlsx()) from None
    messages = []
    for name, path in sheets:
        try:
            _rows, formulas = scan_sheet(archive, path)
        except DoctypeFound:
            raise _refuse(filename, _not_xlsx()) from None
        if not formulas:
            continue
        cells = []
        for reference in formulas[:5]:
            match = _CELL.match(reference or "")
            if match:
                cells.append(
                    _("row %(row)s, column %(column)s")
                    % {"row": match.group(2), "column": match.group(1)}
                )
        messages.append(
            f"“{filename}”: "
            + _(
                "the sheet “%(sheet)s” holds %(count)s formulas (%(cells)s). Import values only: "
                "copy the cells and paste them as values, then save and upload the file again."
            )
            % {"sheet": name, "count": len(formulas), "cells": "; ".join(cells) or "?"}
        )
    if messages:
        raise UploadRefused(messages)
