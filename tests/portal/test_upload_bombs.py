"""Zip parts that lie about their size, built here: a 1 MB workbook whose headers declare its
sheet as 4 KB while its deflate stream inflates to 1 GiB, refused by every import in bounded
memory (measured with tracemalloc, and as the resident size of a fresh process); and the rest of
what the one upload check must refuse or let through."""

import io
import json
import random
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from academics.models import Student
from portal import uploads
from sessions_app import importer
from sessions_app.models import Grade
from surveys.importer import SurveyRefused, import_survey
from surveys.models import Survey
from tests.portal.test_uploads import (
    billion_laughs,
    formula_xlsx,
    plain_xlsx,
    post_admin,
    post_results,
    post_survey,
    student_rows,
    with_part,
)
from tests.sessions_app.test_importer import good_rows, workbook
from tests.surveys.exports import xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
GIB = 1024 * MB
DECLARED = 4096  # what the lying sheet's headers say it unpacks to
SHEET = "xl/worksheets/sheet1.xml"
# How much more than its baseline a process may take to refuse the GiB bomb.
MEMORY_BUDGET = 50 * MB
LIES = "more than the 4096 bytes its header declares"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


# Building zips by hand: zipfile cannot write a part whose headers lie.


def deflated(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def deflated_with_padding(head, padding):
    """A raw deflate stream of `head` and then `padding` MiB of spaces (whitespace after the
    root element: still well-formed XML). A full flush resets the compressor, so every MiB of
    spaces compresses to the same block: it is compressed once and repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)]
    spaces = b" " * MB
    block = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    return b"".join(parts + [block] * padding + [compressor.flush()])


def zip_of(members):
    """A zip archive of (name, deflated bytes, CRC, size) members: the local and the central
    headers both declare `size` and `CRC`, whatever the deflated bytes inflate to."""
    out, directory = io.BytesIO(), []
    for name, raw, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 33, crc, len(raw), size, len(encoded), 0)  # 33: 1980-01-01
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields) + encoded + raw)
        directory.append(
            struct.pack("<4sH5H3I5H2I", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + encoded
        )
    start, listing, count = out.tell(), b"".join(directory), len(directory)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(listing), start, 0)
    out.write(listing + end)
    return out.getvalue()


def lying(data, part=SHEET, padding=None):
    """The workbook `data` rebuilt so that `part`, padded with spaces to DECLARED bytes, is what
    its headers declare (size and CRC: zipfile, which stops at the declared size, finds nothing
    wrong), while its deflate stream goes on: `padding` (bytes) after the declared ones, or
    the MiB count of spaces given to deflated_with_padding()."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = []
    for info in source.infolist():
        content = source.read(info)
        if info.filename != part:
            members.append((info.filename, deflated(content), zlib.crc32(content), len(content)))
            continue
        head = content.ljust(DECLARED)
        assert len(head) == DECLARED
        if isinstance(padding, bytes):
            raw = deflated(head + padding)
        else:
            raw = deflated_with_padding(head, padding)
        members.append((part, raw, zlib.crc32(head), DECLARED))
    return zip_of(members)


@pytest.fixture(scope="session")
def gib_bomb(tmp_path_factory):
    """A results workbook (two rows of good_rows()) whose sheet declares 4 KB and inflates to
    1 GiB and 4 KB: about 1 MB on disk, built once per test session."""
    path = tmp_path_factory.mktemp("bombs") / "bomb.xlsx"
    path.write_bytes(lying(workbook(good_rows()[:2]), padding=1024))
    return path


def test_the_hostile_file_is_1_mb_and_really_inflates_to_a_gib(gib_bomb):
    assert 0.5 * MB < gib_bomb.stat().st_size < 1.5 * MB
    archive = zipfile.ZipFile(gib_bomb)
    info = archive.getinfo(SHEET)
    assert info.file_size == DECLARED
    # zipfile stops at the declared size and finds the CRC right: it sees a plain sheet.
    assert archive.read(SHEET).rstrip().endswith(b"</worksheet>")
    # The deflate stream itself goes on to a GiB, inflated here a MiB at a time.
    with open(gib_bomb, "rb") as file:
        file.seek(info.header_offset + 30 + len(SHEET))
        inflate, produced = zlib.decompressobj(-zlib.MAX_WBITS), 0
        while not inflate.eof:
            raw = inflate.unconsumed_tail or file.read(4096)
            produced += len(inflate.decompress(raw, MB))
    assert produced == GIB + DECLARED


# Every entry point, in bounded memory


def refused_by_check_upload(path, client):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(path)
    return str(refused.value)


def refused_by_results_import(path, client):
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_results(path)
    return str(refused.value)


def refused_by_results_page(path, client):
    response = post_results(client, path.read_bytes(), name=path.name)
    assert response.status_code == 400
    return " ".join(response.context["refused"])


def refused_by_results_command(path, client):
    stderr = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_results", str(path), stderr=stderr)
    assert refused.value.returncode == 1  # the exit status of manage.py
    return stderr.getvalue()


def refused_by_survey_import(path, client):
    with pytest.raises(SurveyRefused) as refused:
        import_survey(path.read_bytes(), path.name, "Hostile")
    return str(refused.value)


def refused_by_survey_page(path, client):
    response = post_survey(client, path.read_bytes(), path.name)
    assert response.status_code == 400
    return " ".join(response.context["refused"])


def refused_by_admin_import(path, client):
    response = post_admin(client, path.read_bytes(), path.name)
    return " ".join(response.context["form"].errors["import_file"])


ENTRY_POINTS = [
    refused_by_check_upload,
    refused_by_results_import,
    refused_by_results_page,
    refused_by_results_command,
    refused_by_survey_import,
    refused_by_survey_page,
    refused_by_admin_import,
]


@pytest.mark.django_db
@pytest.mark.parametrize("refused_by", ENTRY_POINTS, ids=lambda f: f.__name__[11:])
def test_a_sheet_that_inflates_to_a_gib_is_refused_in_bounded_memory(gib_bomb, client, refused_by):
    tracemalloc.start()
    try:
        with translation.override("en"):
            message = refused_by(gib_bomb, client)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BUDGET, f"{peak / MB:.0f} MB"
    assert "“bomb.xlsx”" in message and f"“{SHEET}”" in message and LIES in message
    assert not Grade.objects.exists() and not Student.objects.exists()
    assert not Survey.objects.exists()


# The resident size of a fresh process (what tracemalloc does not see: zlib's and calamine's
# own buffers), under an address-space cap so that a regression fails instead of taking the
# machine down. Each entry point first reads a plain file, so that what it loads on first use
# is in the baseline.
PROBE = textwrap.dedent(
    """
    import json, os, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from import_export.formats import base_formats
    from academics.admin import SafeImportForm
    from academics.resources import StudentResource
    from portal import uploads
    from sessions_app import importer
    from surveys import importer as surveys

    def admin_form(path):
        upload = SimpleUploadedFile(os.path.basename(path), open(path, "rb").read())
        form = SafeImportForm(
            [base_formats.XLSX, base_formats.CSV], [StudentResource], data={},
            files={"import_file": upload},
        )
        form.is_valid()
        if "import_file" in form.errors:
            raise uploads.Refused(form.errors["import_file"])

    entry = {
        "check_upload": uploads.check_upload,
        "results_import": importer.check_workbook,
        "survey_import": lambda path: surveys.parse(open(path, "rb").read(), "bomb.xlsx"),
        "admin_import": admin_form,
    }[sys.argv[1]]
    entry(sys.argv[3])
    if sys.argv[1] == "results_import":
        entry = importer.import_results
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        entry(sys.argv[2])
        message = None
    except uploads.Refused as refused:
        message = " ".join(refused.messages)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"grown": after - before, "message": message}))
    """
)


@pytest.mark.parametrize(
    "entry", ["check_upload", "results_import", "survey_import", "admin_import"]
)
def test_a_fresh_process_refuses_the_gib_bomb_within_its_memory_budget(gib_bomb, tmp_path, entry):
    plain = tmp_path / ("answers.xlsx" if entry == "survey_import" else "plain.xlsx")
    if entry == "survey_import":
        plain.write_bytes(xlsx_bytes())
    elif entry == "admin_import":
        plain.write_bytes(plain_xlsx(student_rows()))
    else:
        plain.write_bytes(workbook(good_rows()))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, entry, str(gib_bomb), str(plain)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["grown"] < MEMORY_BUDGET, f"{probe['grown'] / MB:.0f} MB"
    assert probe["message"] and "bomb.xlsx" in probe["message"] and SHEET in probe["message"]


# Parts that lie, and bombs that do not


class CountingReads(io.BytesIO):
    """A file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_a_part_that_inflates_beyond_its_declared_size_is_refused_without_reading_it_all():
    # 2 MB of noise after the declared 4 KB: it barely compresses, so reading it through would
    # read 2 MB of the file.
    noise = random.Random(7).randbytes(2 * MB)
    data = lying(workbook(good_rows()[:2]), padding=noise)
    upload = CountingReads(data)
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(upload, "lies.xlsx")
    assert str(refused.value).startswith("“lies.xlsx”: the part “xl/worksheets/sheet1.xml”")
    assert LIES in str(refused.value)
    assert upload.read_bytes < 256 * 1024


def test_a_part_that_lies_in_another_part_is_refused_too():
    # A shared strings part, a style sheet: every part is inflated under the same cap.
    data = lying(workbook(good_rows()[:2]), part="xl/styles.xml", padding=bytes(MB))
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(data, "styles.xlsx")
    assert "“xl/styles.xml”" in str(refused.value) and LIES in str(refused.value)


def test_an_honest_ratio_bomb_is_refused_before_anything_is_inflated():
    # 50 MB of zeros, which compress to 50 KB: under the unpacked cap, far above the ratio.
    data = with_part(
        plain_xlsx(student_rows()),
        "xl/media/pad.bin",
        lambda m: [m.write(bytes(MB)) for _ in range(50)],
    )
    upload = CountingReads(data)
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(upload, "ratio.xlsx")
    assert "“xl/media/pad.bin” is compressed" in str(refused.value)
    assert "zip bomb" in str(refused.value)
    # The directory is read, none of the parts.
    assert upload.read_bytes < 10 * 1024


def test_a_workbook_over_the_unpacked_limit_is_refused_before_anything_is_inflated(settings):
    settings.PORTAL_UPLOAD_MAX_UNPACKED_BYTES = 5000
    upload = CountingReads(plain_xlsx(student_rows()))
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(upload, "big.xlsx")
    assert "unpacks to" in str(refused.value) and "0.0 MB allowed" in str(refused.value)
    assert upload.read_bytes < 3 * 1024


def test_a_directory_of_more_parts_than_a_workbook_has_is_refused_before_it_is_listed(
    monkeypatch,
):
    listed = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: listed.append(self))
    data = plain_xlsx(student_rows())
    monkeypatch.setattr(uploads, "MAX_MEMBERS", 5)
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(data, "many.xlsx")
    assert "parts, more than 5" in str(refused.value)
    assert listed == []


def test_an_xml_entity_bomb_in_a_small_part_is_refused_naming_the_part():
    data = billion_laughs(plain_xlsx(student_rows()))
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(data, "laughs.xlsx")
    message = str(refused.value)
    assert message.startswith("“laughs.xlsx”: the part “xl/sharedStrings.xml”")
    assert "document type declaration" in message


def test_a_part_whose_crc_is_wrong_is_refused():
    data = bytearray(plain_xlsx(student_rows()))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    wrong = struct.pack("<I", info.CRC ^ 1)
    data[info.header_offset + 14 : info.header_offset + 18] = wrong
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(SHEET.encode()))
    data[central + 16 : central + 20] = wrong
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(bytes(data), "damaged.xlsx")
    assert "“damaged.xlsx”: this is not an Excel workbook (.xlsx), or it is damaged" in str(
        refused.value
    )


def test_formulas_are_still_refused_with_their_cell_by_every_import():
    data = formula_xlsx(student_rows(), "C2")
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(data, "f.xlsx")
    assert "“f.xlsx”: the sheet “Sheet” holds 1 formula (row 2, column C)" in str(refused.value)

    book = openpyxl.load_workbook(io.BytesIO(workbook(good_rows())))
    book["results"]["Q3"] = "=2+3"
    buffer = io.BytesIO()
    book.save(buffer)
    with translation.override("en"), pytest.raises(importer.ImportRefused) as refused:
        importer.check_workbook(buffer.getvalue(), "results.xlsx")
    assert "the sheet “results” holds 1 formula (row 3, column Q)" in str(refused.value)


def test_a_formula_or_a_row_cut_between_two_chunks_is_still_seen():
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 3000))
    formula = b'<row r="3000"><c r="B3000"><f>1+1</f><v>2</v></c></row>'
    xml = b"<worksheet><sheetData>" + rows + formula + b"</sheetData></worksheet>"
    # A round counts what starts before its last KB: cut so that the <row>, the <c> and the <f>
    # of the formula's cell each straddle that line.
    for tag in (b'<row r="3000"', b'<c r="B3000"', b"<f>"):
        at = xml.index(tag)
        for cut in range(at + 1024 - len(tag), at + 1024 + 2):
            scan = uploads._SheetScan()
            scan.feed(xml[:cut])
            scan.feed(xml[cut:])
            scan.feed(b"", final=True)
            assert scan.result() == (3000, ["B3000"]), (tag, cut)


# What must still pass


def test_a_workbook_with_inline_strings_passes():
    # openpyxl's write-only mode writes strings inline, as the benchmark's workbook has them.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("results")
    keys = list(good_rows()[0])
    sheet.append(keys)
    for row in good_rows():
        sheet.append([row[key] for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert b"inlineStr" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    inspection = uploads.inspect_upload(data, "inline.xlsx")
    assert [(s.name, s.rows, s.formulas) for s in inspection.sheets] == [("results", 10, [])]
    checked = importer.check_workbook(data)
    assert (checked.sheet, checked.rows) == ("results", 9)


@pytest.mark.django_db
def test_a_plain_workbook_imports_through_the_one_check():
    assert importer.import_results(workbook(good_rows())).ok


def test_stored_parts_and_zip64_headers_pass():
    # Some tools store parts uncompressed, or write zip64 extra fields; both are plain zips.
    source = zipfile.ZipFile(io.BytesIO(plain_xlsx(student_rows())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            with archive.open(info.filename, "w", force_zip64=True) as member:
                member.write(source.read(info))
    assert uploads.check_upload(buffer.getvalue(), "stored.xlsx") == uploads.XLSX


def test_an_empty_part_deflated_to_no_bytes_at_all_passes():
    source = zipfile.ZipFile(io.BytesIO(plain_xlsx(student_rows())))
    members = [
        (info.filename, deflated(content), zlib.crc32(content), len(content))
        for info in source.infolist()
        for content in [source.read(info)]
    ]
    members.append(("xl/media/empty.bin", b"", 0, 0))
    assert uploads.check_upload(zip_of(members), "empty-part.xlsx") == uploads.XLSX


def test_the_limits_are_the_settings(settings):
    assert uploads.max_bytes() == settings.PORTAL_UPLOAD_MAX_BYTES
    assert uploads.max_unpacked_bytes() == settings.PORTAL_UPLOAD_MAX_UNPACKED_BYTES
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000
    with translation.override("en"), pytest.raises(importer.ImportRefused) as refused:
        importer.check_workbook(workbook(good_rows()))
    assert str(refused.value).endswith("at most 0.0 MB can be uploaded.")
