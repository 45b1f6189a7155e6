"""The council's resolution as files: DOCX (python-docx), what the council's secretary edits and
signs, and PDF (WeasyPrint), from the same `services.Document` as the page.

The university's letter layout is here once — A4 with its margins and font (`a4_docx`), the
signature block (`signature_block`), the PDF with the vendored DejaVu faces (`pdf_from_html`) —
and the other documents of the portal (the notices to students at risk) use it too."""

import logging
from io import BytesIO

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# A4 and the margins of the university's documents (also in static/css/resolution.css @page).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
# Has every Kyrgyz letter (ң, ө, ү) and is on every Windows machine a secretary opens this on.
DOCX_FONT = "Times New Roman"
DOCX_SIZE_PT = 14

# WeasyPrint logs each step of every PDF at INFO; the portal's log keeps its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class DocumentLibrariesMissing(RuntimeError):
    """WeasyPrint's native libraries (Pango, HarfBuzz) are not installed on this machine."""


# What a page answers (503) when asked for a PDF that DocumentLibrariesMissing prevents.
LIBRARIES_MISSING = _(
    "The PDF cannot be made on this server: the libraries WeasyPrint needs (Debian "
    "packages libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0) are not "
    "installed. Download the DOCX instead, or ask the administrator to run bin/serve, "
    "which installs them."
)


def _set_font(style, name, size_pt):
    style.font.name = name
    style.font.size = Pt(size_pt)
    # Word picks the font per script: name it for Cyrillic (hAnsi/cs) and East Asian text too.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def signature_block(docx, signatures):
    """Title on the left, the name on the right, a line to sign on between them."""
    if not signatures:
        return
    docx.add_paragraph().paragraph_format.space_after = Pt(12)
    table = docx.add_table(rows=0, cols=3)
    for signature in signatures:
        cells = table.add_row().cells
        cells[0].text = signature.title
        cells[1].text = "_" * 16
        cells[2].text = signature.name
        cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for cell, width in zip(cells, (Mm(85), Mm(40), Mm(40)), strict=True):
            cell.width = width
            cell.paragraphs[0].paragraph_format.space_before = Pt(12)


def a4_docx(title, language):
    """An empty .docx in the university's layout: A4, its margins, its font and size."""
    docx = Docx()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    for name in ("Normal", "List Bullet", "List Number"):
        _set_font(docx.styles[name], DOCX_FONT, DOCX_SIZE_PT)
    normal = docx.styles["Normal"].paragraph_format
    normal.space_after = Pt(4)
    normal.line_spacing = 1.15
    core = docx.core_properties
    core.title = title
    core.language = language
    return docx


def docx_bytes(docx):
    out = BytesIO()
    docx.save(out)
    return out.getvalue()


def render_docx(document):
    """The resolution as a .docx, A4, in the document's language."""
    docx = a4_docx(document.title, document.language)

    def paragraph(text="", align=None, bold=False, italic=False, indent=False, style=None):
        p = docx.add_paragraph(style=style)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Mm(12.5)
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
        return p

    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    if document.marker:
        paragraph(document.marker, WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    paragraph(document.heading, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    paragraph(document.council, WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    title = paragraph(document.title, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    title.paragraph_format.space_after = Pt(12)
    paragraph(document.preamble, justify, indent=True)
    paragraph(document.lead_in, justify, indent=True)
    for note in document.notes:
        paragraph(note, justify, style="List Bullet")
    if document.execution:
        heading = paragraph(document.execution_heading, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        heading.paragraph_format.space_before = Pt(8)
        for text in document.execution:
            paragraph(text, justify, indent=True)
    paragraph(document.hearing, justify, indent=True).paragraph_format.space_before = Pt(8)
    paragraph(document.resolves, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for item in document.items:
        # Numbered by us, not by Word's list: the numbers then match the page and the PDF.
        p = paragraph(align=justify, indent=True)
        p.add_run(f"{item.number}. ")
        p.add_run(item.text)
        if item.details:
            p.add_run(" ")
            p.add_run(item.details).italic = True
        p.add_run(item.end)
    signature_block(docx, document.signatures)
    return docx_bytes(docx)


def _weasyprint():
    # Imported only when a PDF is made: without its native libraries the portal still runs, and
    # the page offers the DOCX (DocumentLibrariesMissing).
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        # WeasyPrint loads Pango and HarfBuzz when imported; without them this is an OSError.
        raise DocumentLibrariesMissing(str(error)) from error
    return weasyprint


def pdf_html(document):
    return render_to_string("reports/resolution_pdf.html", {"document": document})


def pdf_from_html(html, *stylesheets):
    """A PDF of `html` in the university's layout: A4 with its margins (@page) and the vendored
    DejaVu faces of resolution.css, then `stylesheets` (static paths) of the document's own."""
    weasyprint = _weasyprint()
    css = [
        weasyprint.CSS(filename=finders.find(path)) for path in ("css/resolution.css", *stylesheets)
    ]
    return weasyprint.HTML(string=html).write_pdf(stylesheets=css)


def render_pdf(document):
    """The resolution as a PDF, A4 (@page in resolution.css), DejaVu fonts."""
    return pdf_from_html(pdf_html(document))
