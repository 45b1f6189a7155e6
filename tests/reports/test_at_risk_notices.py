"""The notices to students at risk, read back: the DOCX with python-docx, the PDF's text with
pdftotext. Each names the university, the date, the student and group, every owed assessment with
its grade and the date to settle it by (the retake's, else the end of АКЖ, else the dean's office's
schedule), the dean's office to go to and the dean's signature line; a group's file holds a page
per student at risk, in Kyrgyz or Russian."""

import datetime
import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from academics import roles
from portal.dates import long_date
from reports.at_risk import notices
from reports.at_risk.risk import students_at_risk
from tests import factories
from tests.reports.test_at_risk import World

pytestmark = pytest.mark.django_db

UNIVERSITY_KY = "М. М. Адышев атындагы Ош технологиялык университети"


@pytest.fixture
def w():
    """One student owes three assessments: the first with its own retake date, the others with
    the session's АКЖ end; another owes one; a third passed."""
    world = World()
    world.session.retake_end = datetime.date(2024, 7, 10)
    world.session.save()
    exams = world.assessments(world.session)
    exams[0].retake_date = datetime.date(2024, 7, 3)
    exams[0].save()
    world.first = world.student("Өмүрбекова Айгерим")
    world.second = world.student("Асанов Бакыт")
    world.grades(world.session, world.first, ("2", "absent", "", "5", "pass"))
    world.grades(world.session, world.second, ("5", "5", "5", "2", "pass"))
    world.grades(world.session, world.student("Жумабеков"), ("5", "5", "5", "5", "pass"))
    world.exams_list = exams
    world.dean = factories.user(role=roles.DEAN_OFFICE, faculty=world.faculty)
    return world


def _docx_text(content):
    document = Document(BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return document, "\n".join(lines)


def _pdf_pages(content):
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode().split("\f")[:-1] or [result.stdout.decode()]


def test_one_students_docx_says_what_they_owe_by_when_and_where_to_go(client, w):
    client.force_login(w.dean)
    url = reverse("reports:at_risk_notice", args=[w.session.pk, w.first.pk, "docx"])
    response = client.get(url, {"lang": "ky"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document, text = _docx_text(response.content)
    assert document.paragraphs[0].text == UNIVERSITY_KY
    assert "Энергетика" in text
    assert "Өмүрбекова Айгерим" in text and w.group.name in text
    with translation.override("ky"):
        retake, akzh_end = long_date(datetime.date(2024, 7, 3)), long_date(w.session.retake_end)
        today = long_date(timezone.localdate())
    assert today in text and "№" in text
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in document.tables[0].rows}
    first, second, third = (exam.discipline.name for exam in w.exams_list[:3])
    assert rows[first][3] == retake  # the assessment's own retake date
    assert rows[second][3] == akzh_end and rows[third][3] == akzh_end  # else the end of АКЖ
    assert rows[first][2].startswith("2") and rows[third][2] == "баа жок"
    assert "Асанов" not in text
    # The dean's signature line: the title, a line to sign on.
    assert "Факультеттин деканы" in text and "_" * 16 in text


def test_without_dates_the_notice_says_by_the_deans_offices_schedule(w):
    w.session.retake_end = None
    w.session.save()
    entry = next(e for e in students_at_risk(w.session) if e.student == w.second)
    notice = notices.build_notice(entry, w.session, "after", "ru")
    assert [line.by_when for line in notice.owed] == [_schedule("ru")]
    assert notice.addressee.endswith(w.group.name) or w.group.name in notice.addressee
    assert notice.university == _university("ru")


def _schedule(language):
    with translation.override(language):
        return translation.gettext("by the dean's office's schedule")


def _university(language):
    with translation.override(language):
        return translation.gettext("M. M. Adyshev Osh Technological University")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is not installed")
def test_a_groups_pdf_has_a_page_per_student_at_risk_in_russian(client, w):
    client.force_login(w.dean)
    url = reverse("reports:at_risk_group_notices", args=[w.session.pk, w.group.pk, "pdf"])
    response = client.get(url, {"lang": "ru"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = _pdf_pages(response.content)
    assert len(pages) == 2
    entries = [e for e in students_at_risk(w.session) if e.group == w.group]
    for page, entry in zip(pages, entries, strict=True):
        assert entry.student.full_name in page
        assert _university("ru").split()[0] in page
        for owed in entry.owed:
            assert owed.discipline.name in page
    with translation.override("ru"):
        assert long_date(w.session.retake_end) in " ".join(pages[0].split())


def test_a_groups_docx_has_a_page_per_student_in_kyrgyz(client, w):
    client.force_login(w.dean)
    url = reverse("reports:at_risk_group_notices", args=[w.session.pk, w.group.pk, "docx"])
    response = client.get(url)
    document, text = _docx_text(response.content)
    assert text.count(UNIVERSITY_KY) == 2
    breaks = document.element.body.xml.count('w:type="page"')
    assert breaks == 1
    assert "Өмүрбекова Айгерим" in text and "Асанов Бакыт" in text


def test_a_student_not_at_risk_has_no_notice(client, w):
    client.force_login(w.dean)
    passed = w.group.students.get(full_name="Жумабеков")
    url = reverse("reports:at_risk_notice", args=[w.session.pk, passed.pk, "pdf"])
    assert client.get(url).status_code == 404
