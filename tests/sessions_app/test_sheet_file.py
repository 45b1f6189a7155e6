"""The grade sheet as an .xlsx file: downloaded from its page, filled offline, uploaded back."""

import datetime
import io

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from academics import roles
from sessions_app import services, sheet_file
from sessions_app.choices import Attempt, ChangeSource, SheetStatus
from sessions_app.models import Admission, Grade, GradeChange
from tests import factories
from tests.html_forms import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def s():
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty))
    students = [
        factories.student(group=group, full_name=f"Студент {letter}", record_book=f"RB-{letter}")
        for letter in "ВБАГ"
    ]
    examiner = factories.staff_member(full_name="Асанов Болот")
    assessment = factories.assessment(group=group, kind="exam", examiner=examiner)
    services.ensure_admissions(assessment.session, group)
    return {
        "faculty": faculty,
        "group": group,
        "students": sorted(students, key=lambda st: st.full_name),
        "assessment": assessment,
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
    }


def url(name, assessment, attempt=Attempt.MAIN):
    return reverse(f"sessions:{name}", args=[assessment.pk, attempt])


def grades(assessment, attempt=Attempt.MAIN):
    return dict(
        Grade.objects.filter(assessment=assessment, attempt=attempt).values_list(
            "student__record_book", "value"
        )
    )


def download(client, user, assessment, attempt=Attempt.MAIN):
    client.force_login(user)
    response = client.get(url("sheet_download", assessment, attempt))
    assert response.status_code == 200
    assert response["Content-Type"] == sheet_file.CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def roster(wb):
    """record book -> (row, grade cell) of the visible sheet, found by the header row."""
    ws = wb.worksheets[0]
    head = next(row[0].row for row in ws.iter_rows() if row[0].value == "№")
    titles = [cell.value for cell in ws[head]]
    book, grade = titles.index("Record book №") + 1, titles.index("Grade") + 1
    found = {}
    for line in range(head + 1, ws.max_row + 1):
        if ws.cell(line, book).value:
            found[ws.cell(line, book).value] = ws.cell(line, grade)
    return found


def upload(client, assessment, wb, attempt=Attempt.MAIN, name="filled.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    file = SimpleUploadedFile(name, buffer.getvalue(), content_type=sheet_file.CONTENT_TYPE)
    return client.post(url("sheet_upload", assessment, attempt), {"file": file}, follow=True)


def said(response):
    return [str(message) for message in response.context["messages"]]


def test_the_download_holds_the_header_the_roster_in_order_and_the_values(client, s):
    first, second, *_ = s["students"]
    sheet = services.open_sheet(s["assessment"], Attempt.MAIN)
    services.record_grades(sheet, {first.pk: "5", second.pk: 91}, s["dean"], version=0)
    wb = download(client, s["dean"], s["assessment"])
    ws = wb.worksheets[0]
    texts = [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value]
    assert texts[0] == "M. M. Adyshev Osh Technological University"
    assert s["assessment"].discipline.name in texts
    assert s["group"].name in texts
    assert "Асанов Болот" in texts
    cells = roster(wb)
    assert list(cells) == ["RB-А", "RB-Б", "RB-В", "RB-Г"]
    assert [cell.value or "" for cell in cells.values()] == ["5", "91", "", ""]
    assert ws.protection.sheet
    assert not cells["RB-В"].protection.locked
    assert ws.cell(cells["RB-В"].row, 2).protection.locked
    assert wb[sheet_file.IDENTITY_SHEET].sheet_state == "veryHidden"
    assert ws.data_validations.dataValidation


def test_two_changed_cells_are_saved_with_the_file_as_their_source(client, s):
    wb = download(client, s["dean"], s["assessment"])
    cells = roster(wb)
    cells["RB-А"].value = "4"
    cells["RB-В"].value = 95  # points, as Excel stores a typed number
    response = upload(client, s["assessment"], wb)
    assert response.status_code == 200
    assert grades(s["assessment"]) == {"RB-А": "4", "RB-В": "5"}
    changes = GradeChange.objects.filter(assessment=s["assessment"])
    assert {change.source for change in changes} == {ChangeSource.SHEET_FILE}
    assert {change.changed_by for change in changes} == {s["dean"]}
    assert Grade.objects.get(student__record_book="RB-В").points == 95
    assert any("2 grades changed" in message for message in said(response))


def test_the_same_file_uploaded_twice_changes_nothing_the_second_time(client, s):
    wb = download(client, s["dean"], s["assessment"])
    roster(wb)["RB-Б"].value = "3"
    upload(client, s["assessment"], wb)
    before = GradeChange.objects.count()
    response = upload(client, s["assessment"], wb)
    assert GradeChange.objects.count() == before
    assert grades(s["assessment"]) == {"RB-Б": "3"}
    assert any("nothing had changed" in message for message in said(response))


def test_only_changed_cells_are_written_and_others_work_is_kept(client, s):
    first, second, *_ = s["students"]
    wb = download(client, s["dean"], s["assessment"])
    # Someone saves on the page after the download; the file leaves that cell as it was.
    sheet = services.open_sheet(s["assessment"], Attempt.MAIN)
    services.record_grades(sheet, {second.pk: "5"}, s["dean"], version=sheet.version)
    roster(wb)["RB-А"].value = "4"
    upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {"RB-А": "4", "RB-Б": "5"}


def test_a_cell_changed_meanwhile_by_someone_else_is_a_conflict_to_resolve(client, s):
    first = s["students"][0]
    wb = download(client, s["dean"], s["assessment"])
    sheet = services.open_sheet(s["assessment"], Attempt.MAIN)
    services.record_grades(sheet, {first.pk: "5"}, s["dean"], version=sheet.version)
    roster(wb)["RB-А"].value = "3"
    roster(wb)["RB-Б"].value = "4"
    response = upload(client, s["assessment"], wb)
    assert response.status_code == 409
    assert grades(s["assessment"]) == {"RB-А": "5"}
    html = response.content.decode()
    assert f'name="pick-{first.pk}"' in html
    assert f'name="theirs-{first.pk}"' in html
    # Resolved on the page as any clash: the file's 3 is chosen; its other change is kept.
    form = submitted(html, form_id="sheet-form")
    assert form[f"grade-{s['students'][1].pk}"] == "4"
    form[f"pick-{first.pk}"] = "mine"
    client.post(url("sheet", s["assessment"]), form, follow=True)
    assert grades(s["assessment"]) == {"RB-А": "3", "RB-Б": "4"}


@pytest.mark.parametrize(
    "spoil, cell_hint",
    [
        (lambda wb, cells: setattr(cells["RB-А"], "value", "7x"), "D"),
        (lambda wb, cells: wb.worksheets[0].cell(cells["RB-Б"].row, 3, "RB-NOBODY"), "C"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file_naming_the_cell(client, s, spoil, cell_hint):
    wb = download(client, s["dean"], s["assessment"])
    cells = roster(wb)
    cells["RB-Г"].value = "5"  # a good change, not written either
    spoil(wb, cells)
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {}
    messages = " ".join(said(response))
    row = cells["RB-А"].row if cell_hint == "D" else cells["RB-Б"].row
    assert f"{cell_hint}{row}:" in messages
    assert "Nothing was saved" in messages


def test_a_tampered_identity_is_refused(client, s):
    wb = download(client, s["dean"], s["assessment"])
    hidden = wb[sheet_file.IDENTITY_SHEET]
    identity = signing.loads(hidden["A1"].value, salt=sheet_file.SALT)
    identity["r"][0][2] = "5"  # pretend the page showed something else
    hidden["A1"] = signing.dumps(identity, salt="forged", compress=True)
    roster(wb)["RB-А"].value = "4"
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {}
    assert any("cell A1" in message and "changed" in message for message in said(response))


def test_a_file_of_another_sheet_is_refused(client, s):
    other = factories.assessment(group=s["group"], session=s["assessment"].session)
    wb = download(client, s["dean"], other)
    roster(wb)["RB-А"].value = "4"
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {} and grades(other) == {}
    assert any("another grade sheet" in message for message in said(response))


def test_a_workbook_not_from_the_portal_is_refused(client, s):
    client.force_login(s["dean"])
    wb = Workbook()
    wb.active["A1"] = "RB-А"
    response = upload(client, s["assessment"], wb)
    assert any("not a grade sheet downloaded" in message for message in said(response))


def test_a_renamed_file_fails_the_upload_check(client, s):
    client.force_login(s["dean"])
    file = SimpleUploadedFile("sheet.xlsx", b"%PDF-1.4 not a workbook")
    response = client.post(url("sheet_upload", s["assessment"]), {"file": file}, follow=True)
    assert any("not an Excel workbook" in message for message in said(response))


def test_a_student_no_longer_on_the_sheet_is_refused_naming_the_cell(client, s):
    wb = download(client, s["dean"], s["assessment"])
    leaver = s["students"][2]
    leaver.group = factories.group(program=s["group"].program)
    leaver.save()
    # The sheet lists the session's contingent: the student leaves it with their admission.
    Admission.objects.filter(student=leaver).delete()
    roster(wb)["RB-А"].value = "4"
    response = upload(client, s["assessment"], wb)
    messages = " ".join(said(response))
    assert grades(s["assessment"]) == {}
    assert f"C{roster(wb)['RB-В'].row}:" in messages
    assert "not on this sheet any more" in messages


def test_a_submitted_sheet_refuses_the_upload_with_the_rules_message(client, s):
    wb = download(client, s["dean"], s["assessment"])
    sheet = services.open_sheet(s["assessment"], Attempt.MAIN)
    services.submit_sheet(sheet, s["dean"])
    roster(wb)["RB-А"].value = "4"
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {}
    assert any("read-only until it is reopened" in message for message in said(response))
    assert services.open_sheet(s["assessment"], Attempt.MAIN).status == SheetStatus.SUBMITTED


def test_another_facultys_staff_can_neither_download_nor_upload(client, s):
    wb = download(client, s["dean"], s["assessment"])
    roster(wb)["RB-А"].value = "4"
    stranger = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty())
    client.force_login(stranger)
    assert client.get(url("sheet_download", s["assessment"])).status_code == 404
    buffer = io.BytesIO()
    wb.save(buffer)
    file = SimpleUploadedFile("f.xlsx", buffer.getvalue())
    assert client.post(url("sheet_upload", s["assessment"]), {"file": file}).status_code == 404
    assert grades(s["assessment"]) == {}


def test_a_reader_without_grade_rights_cannot_upload(client, s):
    wb = download(client, s["dean"], s["assessment"])
    roster(wb)["RB-А"].value = "4"
    reader = factories.user(role=roles.VICE_RECTOR)
    client.force_login(reader)
    buffer = io.BytesIO()
    wb.save(buffer)
    file = SimpleUploadedFile("f.xlsx", buffer.getvalue())
    assert client.post(url("sheet_upload", s["assessment"]), {"file": file}).status_code == 403
    assert grades(s["assessment"]) == {}


def test_the_retake_sheet_round_trips_its_owing_students(client, s):
    first, second, third, fourth = s["students"]
    sheet = services.open_sheet(s["assessment"], Attempt.MAIN)
    services.record_grades(
        sheet, {first.pk: "2", second.pk: "5", third.pk: "4", fourth.pk: "3"}, s["dean"], 0
    )
    wb = download(client, s["dean"], s["assessment"], Attempt.RETAKE)
    cells = roster(wb)
    assert list(cells) == ["RB-А"]
    ws = wb.worksheets[0]
    titles = [cell.value for cell in ws[cells["RB-А"].row - 1]]
    assert ws.cell(cells["RB-А"].row, titles.index("Main session") + 1).value == "2"
    cells["RB-А"].value = "3"
    response = upload(client, s["assessment"], wb, Attempt.RETAKE)
    assert grades(s["assessment"], Attempt.RETAKE) == {"RB-А": "3"}
    assert grades(s["assessment"])["RB-А"] == "2"
    assert response.redirect_chain[-1][0].endswith(url("sheet", s["assessment"], Attempt.RETAKE))


def test_the_sheet_page_offers_the_download_and_the_upload(client, s):
    client.force_login(s["dean"])
    html = client.get(url("sheet", s["assessment"])).content.decode()
    assert url("sheet_download", s["assessment"]) in html
    assert url("sheet_upload", s["assessment"]) in html
    assert 'enctype="multipart/form-data"' in html


def test_a_grade_typed_for_a_student_not_admitted_is_refused_naming_the_cell(client, s):
    barred = s["students"][1]
    services.set_admissions(
        s["assessment"].session, s["group"], Attempt.MAIN, {barred.pk: (False, "invalid", "")}, None
    )
    wb = download(client, s["dean"], s["assessment"])
    cells = roster(wb)
    assert cells["RB-Б"].protection.locked
    # Someone unprotects the sheet and types there anyway.
    cells["RB-Б"].value = "5"
    cells["RB-А"].value = "4"
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {}
    assert any(f"D{cells['RB-Б'].row}: " in message for message in said(response))


def test_after_the_deadline_the_dean_office_upload_is_refused(client, s):
    session = s["assessment"].session
    wb = download(client, s["dean"], s["assessment"])
    session.entry_deadline = datetime.date(2000, 1, 1)
    session.save()
    roster(wb)["RB-А"].value = "4"
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {}
    assert any("deadline" in message for message in said(response))


def test_a_record_book_that_looks_like_a_formula_round_trips(client, s):
    odd = factories.student(group=s["group"], full_name="Яковлев", record_book="-17")
    services.ensure_admissions(s["assessment"].session, s["group"])
    wb = download(client, s["dean"], s["assessment"])
    cells = roster(wb)
    assert "'-17" in cells
    cells["'-17"].value = "3"
    upload(client, s["assessment"], wb)
    assert Grade.objects.get(student=odd).value == "3"


def test_a_formula_in_the_file_fails_the_upload_check(client, s):
    wb = download(client, s["dean"], s["assessment"])
    roster(wb)["RB-А"].value = "=2+3"
    response = upload(client, s["assessment"], wb)
    assert grades(s["assessment"]) == {}
    assert any("formula" in message for message in said(response))
