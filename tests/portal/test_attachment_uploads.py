"""The upload check of attachments (portal.uploads.check_attachment): evidence of a report is a
PDF, a DOCX, an XLSX or an image, found by its content; anything else, a zip bomb or an XML bomb
dressed as a document, is refused with the file's name."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal import uploads
from tests.portal.test_uploads import EXE, PDF, billion_laughs, with_part

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)


def docx_bytes():
    document = docx.Document()
    document.add_paragraph("Лабораторияга 12 компьютер орнотулду")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    book = openpyxl.Workbook()
    book.active.append(["Кафедра", "Компьютер"])
    book.active.append(["ПК", "=1+2"])  # a formula is evidence here, not refused
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PDF, uploads.PDF),
        (PNG, uploads.PNG),
        (JPEG, uploads.JPEG),
        (docx_bytes(), uploads.DOCX_TYPE),
        (xlsx_bytes(), uploads.XLSX_TYPE),
    ],
)
def test_evidence_is_known_by_its_content(data, content_type):
    # The name says nothing: the content decides.
    assert uploads.check_attachment(SimpleUploadedFile("файл.bin", data)) == content_type


@pytest.mark.parametrize(
    "data",
    [EXE, b"plain text, not a document", b"PK\x03\x04broken zip"],
)
def test_what_is_not_evidence_is_refused_with_its_name(data):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_attachment(SimpleUploadedFile("акт.pdf", data))
    assert "акт.pdf" in refused.value.messages[0]


def test_an_empty_or_too_big_file_is_refused(settings):
    with pytest.raises(uploads.UploadRefused):
        uploads.check_attachment(SimpleUploadedFile("empty.pdf", b""))
    settings.PORTAL_UPLOAD_MAX_BYTES = 10
    with pytest.raises(uploads.UploadRefused):
        uploads.check_attachment(SimpleUploadedFile("big.pdf", PDF))


def test_a_zip_of_other_things_is_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", EXE)
    with pytest.raises(uploads.UploadRefused):
        uploads.check_attachment(SimpleUploadedFile("отчет.docx", buffer.getvalue()))


def test_bombs_dressed_as_documents_are_refused():
    document = docx_bytes()

    def zeros(member):  # 300 MB of zeros, about 300 KB compressed
        for _ in range(300):
            member.write(bytes(1024 * 1024))

    bomb = with_part(document, "word/media/padding.bin", zeros)
    with pytest.raises(uploads.UploadRefused) as refused, translation.override("en"):
        uploads.check_attachment(SimpleUploadedFile("bomb.docx", bomb))
    assert "zip bomb" in refused.value.messages[0]
    laughs = with_part(
        document,
        "word/document.xml",
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]><w:document '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol;'
        b"</w:document>",
    )
    with pytest.raises(uploads.UploadRefused) as refused, translation.override("en"):
        uploads.check_attachment(SimpleUploadedFile("laughs.docx", laughs))
    assert "document type declaration" in refused.value.messages[0]
    with pytest.raises(uploads.UploadRefused):
        uploads.check_attachment(SimpleUploadedFile("laughs.xlsx", billion_laughs(xlsx_bytes())))
