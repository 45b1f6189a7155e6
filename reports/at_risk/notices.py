"""The notice to a student at risk, in the university's letter layout: the university's name as
the head, the date and number line, the student and group, what they owe — each assessment with
its discipline and grade — by when, where to go, and the dean's signature line. One student's, or
a group's in one file (a page each); DOCX and PDF, in Kyrgyz or Russian, with the resolution's
layout, fonts and tools (reports.resolutions.documents).

By when: the assessment's retake (АКЖ) date where set, else the end of the session's АКЖ, else
"by the dean's office's schedule"."""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from portal.dates import long_date
from sessions_app.choices import AssessmentKind

from ..resolutions import documents
from ..resolutions.models import in_language
from ..resolutions.services import Signature
from .words import describe, grade_words, stage_words

LANGUAGES = ("ky", "ru")


@dataclass
class OwedLine:
    discipline: str
    kind: str
    grade: str
    by_when: str


@dataclass
class Notice:
    """One notice, already in its language: what the DOCX and the PDF print."""

    language: str
    university: str
    faculty: str
    date_line: str
    heading: str
    addressee: str
    lead: str
    reasons: list
    owed_heading: str = ""
    owed: list = field(default_factory=list)  # [OwedLine]
    columns: tuple = ()
    where: str = ""
    signatures: list = field(default_factory=list)


def notice_language(value):
    return value if value in LANGUAGES else settings.LANGUAGE_CODE


def _university():
    return settings.UNIVERSITY_NAME or _("M. M. Adyshev Osh Technological University")


def by_when(assessment, session):
    """The date the owed assessment is to be settled by, in words."""
    date = assessment.retake_date or session.retake_end
    return long_date(date) if date else _("by the dean's office's schedule")


def build_notice(entry, session, stage, language, today=None):
    """The notice of one at-risk entry (reports.at_risk.risk.AtRisk) in `language`."""
    language = notice_language(language)
    today = today or timezone.localdate()
    with translation.override(language):
        faculty = in_language(entry.faculty, "name")  # inside the language's override
        owed = [
            OwedLine(
                o.assessment.discipline.name,
                str(AssessmentKind(o.kind).label),
                grade_words(o.grade),
                by_when(o.assessment, session),
            )
            for o in entry.owed
        ]
        return Notice(
            language=language,
            university=_university(),
            faculty=faculty,
            date_line=f"{long_date(today)}  № ________",
            heading=_("NOTICE"),
            addressee=_("To %(name)s, student of group %(group)s")
            % {
                "name": entry.student.full_name,
                "group": entry.group.name,
            },
            lead=_(
                "By the results of the exam session (%(session)s, %(stage)s) you are among the "
                "students at academic risk:"
            )
            % {"session": session, "stage": stage_words(stage)},
            reasons=[capfirst(describe(reason, stage)) for reason in entry.reasons],
            owed_heading=_("What you owe, and by when") if owed else "",
            owed=owed,
            columns=(_("Discipline"), _("Kind"), _("Grade"), _("To be settled by")),
            where=_(
                "Come to the dean's office of %(faculty)s to settle your debt and learn the "
                "schedule."
            )
            % {"faculty": faculty},
            signatures=[Signature(_("Dean of the faculty"), "")],
        )


def render_docx(notices):
    """The notices as one .docx, a page each."""
    docx = documents.a4_docx(notices[0].heading if notices else "", notices[0].language)
    for index, notice in enumerate(notices):
        if index:
            docx.add_page_break()
        _docx_notice(docx, notice)
    return documents.docx_bytes(docx)


def _docx_notice(docx, notice):
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    def paragraph(text, align=None, bold=False, space_after=None):
        p = docx.add_paragraph()
        if align is not None:
            p.alignment = align
        p.add_run(text).bold = bold
        if space_after is not None:
            p.paragraph_format.space_after = Pt(space_after)
        return p

    paragraph(notice.university, center, bold=True)
    paragraph(notice.faculty, center)
    paragraph(notice.date_line, space_after=12)
    paragraph(notice.addressee, right, space_after=12)
    paragraph(notice.heading, center, bold=True)
    paragraph(notice.lead)
    for reason in notice.reasons:
        docx.add_paragraph(reason, style="List Bullet")
    if notice.owed:
        paragraph(notice.owed_heading, bold=True).paragraph_format.space_before = Pt(8)
        table = docx.add_table(rows=1, cols=len(notice.columns))
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, notice.columns, strict=True):
            cell.text = heading
            cell.paragraphs[0].runs[0].bold = True
        for line in notice.owed:
            cells = table.add_row().cells
            values = (line.discipline, line.kind, line.grade, line.by_when)
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    paragraph(notice.where).paragraph_format.space_before = Pt(8)
    documents.signature_block(docx, notice.signatures)


def pdf_html(notices):
    return render_to_string("reports/at_risk_notice_pdf.html", {"notices": notices})


def render_pdf(notices):
    """The notices as one PDF, a page each (the resolution's layout and fonts)."""
    return documents.pdf_from_html(pdf_html(notices), "css/at_risk.css")
