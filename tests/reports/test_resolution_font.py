"""The resolution's PDF prints in the vendored serif (static/vendor/dejavu/, named in
static/css/resolution.css), so Ң, Ө, Ү come out in one face whatever fonts the server has."""

import re
import zlib
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from reports.resolutions import documents
from reports.resolutions import services as service
from tests.reports.test_resolution import build_world, new_resolution

pytestmark = pytest.mark.django_db


def test_the_stylesheet_names_vendored_fonts_that_exist():
    css = Path(finders.find("css/resolution.css"))
    urls = re.findall(r'url\("([^"]+\.woff2)"\)', css.read_text())
    assert urls
    for url in urls:
        assert (css.parent / url).resolve().is_file(), url


def _objects(pdf):
    """The PDF's bytes with its compressed streams (object streams too) inflated."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_the_pdf_embeds_the_vendored_serif():
    document = service.build_document(new_resolution(build_world()["session"]))
    pdf = _objects(documents.render_pdf(document))
    fonts = set(re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", pdf))
    assert fonts and all(name.startswith(b"DejaVu-Serif") for name in fonts), fonts
