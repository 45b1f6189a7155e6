"""The one check every uploaded file passes before any reader parses it: its size, its real type
(by content, not by name), zip and XML bombs, and formulas where values belong. Spreadsheets
(check_upload, inspect_upload) and the attachments of reports on the execution of the council's
resolution (check_attachment: PDF, DOCX, XLSX, PNG, JPEG; a DOCX gets a workbook's zip and XML
checks) go through it.

Every import calls it: the results import (sessions_app.importer: its page, its background job
and the `import_results` command), the admin's spreadsheet imports (django-import-export,
academics.admin.SafeImportForm) and the survey import (page, admin and `import_survey`). The
limits are the settings PORTAL_UPLOAD_MAX_BYTES and PORTAL_UPLOAD_MAX_UNPACKED_BYTES.

A workbook is checked in bounded memory, whatever its zip headers claim: the sizes they declare
are checked first (a file that admits to being a bomb is refused before anything is unpacked),
then every part is inflated once, a chunk at a time, and refused the moment it produces one byte
more than its header declared. The same chunks feed defusedxml (no DTDs, no entities) and, for
a sheet, the byte scan that counts its rows and finds its formulas. A refusal raises
UploadRefused, whose messages name the file (and the part or the cell).
"""

import io
import os
import re
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from posixpath import normpath
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

XLSX = "xlsx"
CSV = "csv"

# The defaults of the settings PORTAL_UPLOAD_MAX_BYTES and PORTAL_UPLOAD_MAX_UNPACKED_BYTES (see
# portal/settings.py for how they were sized).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# A workbook has a few dozen parts; thousands are a way to exhaust the reader. Its central
# directory (about 100 bytes a part) is read whole by zipfile, so its size is bounded first.
MAX_MEMBERS = 1000
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 1024
# Sheet XML compresses about 20:1; a big part far beyond that is padding (a zip bomb).
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
# Parts parsed whole (to find a DTD or broken XML); of bigger ones only the head is parsed, which
# is where a DTD, the only way to declare an entity, must stand.
WHOLE_PART_BYTES = 2 * 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
REQUIRED_PARTS = ("[Content_Types].xml", WORKBOOK)
# Compressed bytes read at a time, and the most the decompressor may produce from them at once.
RAW_CHUNK = 64 * 1024
OUT_CHUNK = 1024 * 1024

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


class _Damaged(Exception):
    """The zip structure does not hold together (a bad offset, size or CRC)."""


@dataclass(frozen=True)
class SheetScan:
    """A sheet as the check saw it: its name, its XML part, its rows (the header included, blank
    rows too) and its formula cells (references like "C2", the first 20; None after them)."""

    name: str
    part: str
    rows: int
    formulas: list


@dataclass
class Inspection:
    """What the check found in an upload it let through: XLSX or CSV, and a workbook's sheets."""

    kind: str
    filename: str
    sheets: list = field(default_factory=list)

    def refuse_formulas(self, sheets=None):
        """Refuse the upload if one of `sheets` (by default every sheet) holds a formula, naming
        the sheet, the row and the column of the first ones: an import takes the values people
        typed, not what a formula last showed."""
        messages = []
        for sheet in self.sheets if sheets is None else sheets:
            if not sheet.formulas:
                continue
            cells = []
            for reference in sheet.formulas[:5]:
                match = _CELL.match(reference or "")
                if match:
                    cells.append(
                        _("row %(row)s, column %(column)s")
                        % {"row": match.group(2), "column": match.group(1)}
                    )
            messages.append(
                f"“{self.filename}”: "
                + ngettext(
                    "the sheet “%(sheet)s” holds %(count)s formula (%(cells)s). Import values "
                    "only: copy the cells and paste them as values, then save and upload the "
                    "file again.",
                    "the sheet “%(sheet)s” holds %(count)s formulas (%(cells)s). Import values "
                    "only: copy the cells and paste them as values, then save and upload the "
                    "file again.",
                    len(sheet.formulas),
                )
                % {
                    "sheet": sheet.name,
                    "count": len(sheet.formulas),
                    "cells": "; ".join(cells) or "?",
                }
            )
        if messages:
            raise UploadRefused(messages)


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


# The entry points


def check_upload(upload, filename=None, kinds=(XLSX, CSV), formulas=True):
    """Check an upload (an UploadedFile, bytes, a path or a binary stream) and return its kind,
    XLSX or CSV, found by its content. `formulas`: refuse formula cells in every sheet."""
    return inspect_upload(upload, filename, kinds, formulas).kind


def inspect_upload(upload, filename=None, kinds=(XLSX, CSV), formulas=True):
    """Check an upload as check_upload() does and return the Inspection: its kind and, for a
    workbook, every sheet's rows and formula cells. With `formulas` False, formulas are reported,
    not refused: the caller refuses those of the sheets it reads (Inspection.refuse_formulas)."""
    filename = filename or _filename(upload)
    stream, close = _stream(upload)
    try:
        _check_size(stream, filename)
        kind = _kind(stream.read(8), filename, kinds)
        stream.seek(0)
        inspection = Inspection(kind, filename)
        if kind == XLSX:
            inspection.sheets = _inspect_xlsx(stream, filename)
        else:
            _check_text(stream.read(), filename)
        if formulas:
            inspection.refuse_formulas()
        return inspection
    finally:
        if close:
            stream.close()
        else:
            stream.seek(0)


def _filename(upload):
    named = upload if isinstance(upload, str | os.PathLike) else getattr(upload, "name", "")
    return os.path.basename(os.fspath(named or "")) or "—"


def _check_size(stream, filename):
    """Refuse an empty file or one over the upload limit; the stream is left at its start."""
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


def _kind(head, filename, kinds):
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
    return kind


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


def _inspect_xlsx(stream, filename):
    """The checks of a workbook, cheapest first: its directory, what its headers declare, then
    every part inflated once under a hard cap. Returns its sheets' SheetScans."""
    try:
        _check_directory(stream, filename)
        infos = zipfile.ZipFile(stream).infolist()  # the stream stays the caller's to close
    except (_Damaged, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(filename, _not_xlsx()) from None
    _check_declared(infos, filename)
    members = {info.filename: info for info in infos}
    try:
        sheets = _sheet_parts(stream, members, filename)
        scans = _check_parts(stream, infos, {part for _name, part in sheets}, filename)
    except (_Damaged, zlib.error, EOFError, OSError, struct.error):
        raise _refuse(filename, _not_xlsx()) from None
    return [SheetScan(name, part, *scans[part].result()) for name, part in sheets]


def _check_directory(stream, filename):
    """The part count and the directory size the zip's end record declares, before zipfile
    lists the parts: a 20 MB file can list some 400 000 parts, about 200 MB once zipfile has read
    them. zipfile's own reading of the record (private, but unchanged for many Python versions)
    is used, so that both see the same record."""
    record = zipfile._EndRecData(stream)
    if record is None:
        raise _Damaged
    count, directory_size = record[zipfile._ECD_ENTRIES_TOTAL], record[zipfile._ECD_SIZE]
    if count > MAX_MEMBERS:
        raise _too_many_parts(filename, count)
    if directory_size > MAX_DIRECTORY_BYTES:
        raise _refuse(filename, _not_xlsx())


def _too_many_parts(filename, count):
    return _refuse(
        filename,
        _("the workbook holds %(count)s parts, more than %(max)s; it is not a plain workbook.")
        % {"count": count, "max": MAX_MEMBERS},
    )


def _check_declared(infos, filename, required=REQUIRED_PARTS, not_kind=None):
    """What the zip's headers declare: the parts, their methods, the unpacked size and the
    compression ratio of big parts. A bomb that declares its sizes honestly is refused here, before
    anything is inflated; one that lies is refused by _inflate, which trusts these sizes only as
    a ceiling (so the total inflated is bounded by the declared total checked here)."""
    if len(infos) > MAX_MEMBERS:
        raise _too_many_parts(filename, len(infos))
    names = {info.filename for info in infos}
    not_kind = not_kind or _not_xlsx
    if len(names) != len(infos) or any(part not in names for part in required):
        raise _refuse(filename, not_kind())
    for info in infos:
        # Excel and Word write stored or deflated parts, never encrypted ones.
        encrypted = info.flag_bits & 0x1
        if encrypted or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(filename, not_kind())
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
                    "spreadsheet or a document ever is; the file looks like a zip bomb."
                )
                % {"part": info.filename, "ratio": info.file_size // max(info.compress_size, 1)},
            )


def _data_offset(stream, info):
    """Where a part's compressed bytes start: after its local header, whose name must be the
    directory's."""
    stream.seek(info.header_offset)
    header = stream.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _Damaged
    flags, name_length, extra_length = struct.unpack("<H18xHH", header[6:30])
    name = stream.read(name_length).decode("utf-8" if flags & 0x800 else "cp437", "replace")
    if name != info.orig_filename:
        raise _Damaged
    return info.header_offset + 30 + name_length + extra_length


def _inflate(stream, info, filename):
    """Yield a part's bytes as the decompressor produces them, OUT_CHUNK at most at a time, from
    at most its declared compressed size. The decompressor is never asked for more than one byte
    beyond the size the header declares, and that byte is a refusal: a part that lies about its
    size is not inflated further. The CRC is checked at the end."""
    position, left = _data_offset(stream, info), info.compress_size
    room = info.file_size  # what the part may still produce
    # Some writers store an empty deflated part as no bytes at all, not an empty deflate block.
    deflated = info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if deflated else None
    crc = 0
    while (not inflate.eof) if inflate else left:
        data = inflate.unconsumed_tail if inflate else b""
        if not data and left:
            stream.seek(position)
            data = stream.read(min(RAW_CHUNK, left))
            if not data:
                raise _Damaged
            position, left = position + len(data), left - len(data)
        chunk = inflate.decompress(data, min(OUT_CHUNK, room + 1)) if inflate else data
        if len(chunk) > room:
            raise _refuse(
                filename,
                _(
                    "the part “%(part)s” unpacks to more than the %(size)s bytes its header "
                    "declares; the file is damaged or a zip bomb."
                )
                % {"part": info.filename, "size": info.file_size},
            )
        if not chunk and not data:
            raise _Damaged  # the compressed data ends before the part does
        room -= len(chunk)
        crc = zlib.crc32(chunk, crc)
        if chunk:
            yield chunk
    if room or crc != info.CRC:
        raise _Damaged


def _sheet_parts(stream, members, filename):
    """[(sheet name, XML part)] of a workbook, in the workbook's order, from its workbook part
    and that part's relationships (both small; parsed whole, as they stream)."""
    targets = {}
    if WORKBOOK_RELS in members:
        relationships = _Keep("Relationship")
        _parse_part(stream, members[WORKBOOK_RELS], relationships, filename)
        targets = {attrib.get("Id"): attrib.get("Target", "") for attrib in relationships.found}
    book = _Keep("sheet")
    _parse_part(stream, members[WORKBOOK], book, filename)
    sheets = []
    for attrib in book.found:
        target = targets.get(attrib.get("id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(f"xl/{target}")
        if not target or path not in members or path in (WORKBOOK, WORKBOOK_RELS):
            raise _Damaged  # a sheet without its part
        sheets.append((attrib.get("name", ""), path))
    return sheets


def _parse_part(stream, info, target, filename):
    if info.file_size > WHOLE_PART_BYTES:
        raise _Damaged  # the workbook's own parts are a few KB
    with _naming_part(info, filename):
        xml = _XmlCheck(whole=True, target=target)
        for chunk in _inflate(stream, info, filename):
            xml.feed(chunk)
        xml.close()


def _check_parts(stream, infos, sheet_parts, filename):
    """Inflate every other part once: XML through defusedxml, a sheet's XML also through the
    byte scan. Returns {sheet part: _SheetScan}."""
    scans = {}
    for info in infos:
        if info.filename in (WORKBOOK, WORKBOOK_RELS):
            continue  # read by _sheet_parts
        xml = None
        if info.filename.lower().endswith(XML_SUFFIXES):
            xml = _XmlCheck(whole=info.file_size <= WHOLE_PART_BYTES)
        scan = scans[info.filename] = _SheetScan() if info.filename in sheet_parts else None
        with _naming_part(info, filename):
            for chunk in _inflate(stream, info, filename):
                if xml is not None:
                    xml.feed(chunk)
                if scan is not None:
                    scan.feed(chunk)
            if xml is not None:
                xml.close()
        if scan is not None:
            scan.feed(b"", final=True)
    return scans


@contextmanager
def _naming_part(info, filename):
    """Turn an XML error in a part into a refusal that names the part."""
    try:
        yield
    except (DefusedXmlException, ParseError, UnicodeError):
        raise _refuse(
            filename,
            _(
                "the part “%(part)s” holds a document type declaration or cannot be read as "
                "XML; a file saved by Excel, Word or LibreOffice never does."
            )
            % {"part": info.filename},
        ) from None


# XML


class _RootReached(Exception):
    pass


class _Head:
    """A parser target that stops at the root element: the prolog, where a DTD stands, is read."""

    def start(self, tag, attrib):
        raise _RootReached


class _Ignore:
    """A parser target that keeps nothing: the whole part is parsed, no tree is built."""


class _Keep:
    """A parser target that keeps the attributes (by local name) of the elements named `tag`."""

    def __init__(self, tag):
        self.tag = tag
        self.found = []

    def start(self, tag, attrib):
        if _local(tag) == self.tag:
            self.found.append({_local(key): value for key, value in attrib.items()})


def _local(tag):
    return tag.rsplit("}", 1)[-1]


class _XmlCheck:
    """A part's XML fed to defusedxml chunk by chunk, which refuses DTDs and entities: the whole
    of a small part, of a big one up to its root element (a DTD, the only way to declare an
    entity, stands before it; the rest is never kept, only counted by the inflater)."""

    def __init__(self, whole, target=None):
        self.parser = DefusedXMLParser(
            target=target or (_Ignore() if whole else _Head()), forbid_dtd=True
        )
        self.done = False

    def feed(self, chunk):
        if self.done:
            return
        try:
            self.parser.feed(chunk)
        except _RootReached:
            self.done = True

    def close(self):
        if not self.done:
            self.parser.close()  # raises ParseError on broken or missing XML


# Rows and formulas


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,20}:)?f[\s/>]")
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.\-]{0,20}):worksheet[\s>]")
_OVERLAP = 1024
_CONTEXT = 256  # kept before the next round's first byte: the <c r="…"> of a formula cut off
_HEAD = 64 * 1024
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


class _SheetScan:
    """Count the rows and find the formula cells (their references, the first 20) of a sheet,
    fed its XML chunk by chunk.

    A byte scan rather than an XML parser: in the XML of a sheet a "<" only ever opens markup
    (text holds "&lt;"), so a formula is exactly an <f> element, and this runs at disk speed.
    """

    def __init__(self):
        self.rows, self.formulas, self.row_tags = 0, [], None
        self.tail, self.counted = b"", 0  # the bytes carried over, and how many were counted

    def result(self):
        return self.rows, self.formulas

    def feed(self, chunk, final=False):
        buffer = self.tail + chunk
        if self.row_tags is None:
            if len(buffer) < _HEAD and not final:
                self.tail = buffer  # the root element's prefix is in the head
                return
            # Excel writes <row>; some tools write <x:row> with a prefixed namespace.
            prefix = _ROOT_PREFIX.search(buffer, 0, _HEAD)
            tag = b"<" + prefix.group(1) + b":row" if prefix else b"<row"
            self.row_tags = (tag + b" ", tag + b">")
        # This round counts the matches that start from `counted` to `limit` (searching past
        # `limit`, so that one across it is seen whole); the next round counts from `limit` on.
        # So every match is counted once.
        start = self.counted
        limit = len(buffer) if final else max(len(buffer) - _OVERLAP, start)
        self.rows += sum(buffer.count(tag, start, limit + len(tag) - 1) for tag in self.row_tags)
        if b"<f" in buffer or b":f" in buffer:
            for match in _FORMULA.finditer(buffer, start, limit + _OVERLAP // 2):
                if match.start() >= limit:
                    break
                self.formulas.append(
                    _cell_reference(buffer, match.start()) if len(self.formulas) < 20 else None
                )
        keep = max(limit - _CONTEXT, 0)
        self.tail, self.counted = buffer[keep:], limit - keep


def _cell_reference(buffer, position):
    # The <c r="B12"> that holds the <f>: the closest r="..." before it.
    at = buffer.rfind(b' r="', 0, position)
    if at < 0:
        return "?"
    end = buffer.find(b'"', at + 4, at + 24)
    return buffer[at + 4 : end].decode("ascii", "replace") if end > 0 else "?"


# Attachments: evidence people attach (a report on the execution of the council's resolution)


PDF = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
_IMAGES = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
DOCUMENT = "word/document.xml"


def check_attachment(upload, filename=None):
    """Check an attachment (PDF, DOCX, XLSX, PNG or JPEG) and return its content type, found by
    its content, not its name: the size limit, then for a DOCX or an XLSX every check a workbook
    passes (zip and XML bombs; formulas are evidence here, not data, and stay), for the others
    their signature. Raises UploadRefused naming the file."""
    filename = filename or _filename(upload)
    stream, close = _stream(upload)
    try:
        _check_size(stream, filename)
        head = stream.read(8)
        stream.seek(0)
        if head.startswith(b"%PDF-"):
            return PDF
        for signature, content_type in _IMAGES:
            if head.startswith(signature):
                return content_type
        if head.startswith(b"PK\x03\x04"):
            return _office_type(stream, filename)
        raise _refuse(filename, _not_attachment())
    finally:
        if close:
            stream.close()
        else:
            stream.seek(0)


def _not_attachment():
    return _(
        "only PDF, Word (.docx), Excel (.xlsx) and images (PNG, JPEG) can be attached; this file "
        "is none of them, or it is damaged."
    )


def _office_type(stream, filename):
    """A DOCX or an XLSX, checked in bounded memory as a workbook is (_inspect_xlsx)."""
    try:
        _check_directory(stream, filename)
        infos = zipfile.ZipFile(stream).infolist()
    except (_Damaged, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(filename, _not_attachment()) from None
    names = {info.filename for info in infos}
    if WORKBOOK in names:
        stream.seek(0)
        _inspect_xlsx(stream, filename)
        return XLSX_TYPE
    if DOCUMENT not in names or "[Content_Types].xml" not in names:
        raise _refuse(filename, _not_attachment())
    # _check_declared's checks, with the document's part in place of the workbook's.
    _check_declared(infos, filename, ("[Content_Types].xml", DOCUMENT), _not_attachment)
    try:
        _check_parts(stream, infos, set(), filename)
    except (_Damaged, zlib.error, EOFError, OSError, struct.error):
        raise _refuse(filename, _not_attachment()) from None
    return DOCX_TYPE
