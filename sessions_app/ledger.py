"""What a write is checked against: the stored assessments, sheets, admissions and grades of some
students, read in a fixed number of queries, and each student's standing in each assessment
(rules.Standing) as the rules see it.

The writers (sessions_app.services) read it under the sessions' row locks, so that what they
check is what they write over; the grade sheet reads it to list its students; the results
import reads it (without locks) to name the rows the rules refuse before it writes anything, and
adds what its file would change (`apply_*`) so that a retake row is checked against the main
grade of the same file. Keys may be any hashable: the import names the assessments and students
it has yet to create by keys of its own, for which nothing is stored.
"""

from typing import NamedTuple

from portal.chunks import chunked

from .models import Admission, Assessment, ExamSession, Grade, GradeSheet
from .rules import MAIN, RETAKE, SheetState, Standing, is_closed


class AssessmentFacts(NamedTuple):
    id: object
    kind: str
    group_id: object
    faculty_id: object
    session_id: object
    discipline: str


def facts_of(assessment):
    """The AssessmentFacts of an Assessment read with its group's program and discipline."""
    return AssessmentFacts(
        assessment.pk,
        assessment.kind,
        assessment.group_id,
        assessment.group.program.faculty_id,
        assessment.session_id,
        assessment.discipline.name,
    )


class AdmissionFacts(NamedTuple):
    id: int | None
    group_id: object
    admitted: bool
    reason: str
    note: str
    funding: str = ""  # the session's funding, on a main row


class GradeFacts(NamedTuple):
    id: int | None
    value: str
    points: int | None


class SheetFacts(NamedTuple):
    id: int | None
    status: str
    version: int


def lock_sessions(session_ids):
    """Lock the sessions' rows until the transaction ends, in one order so that two writers never
    wait for each other. Every write of grades, admissions and sheet states takes these locks
    first: the writes of one session follow each other, and each checks what the one before it
    committed (READ COMMITTED); sessions_app.outcomes relies on it too. Returns each session's
    entry deadline."""
    ids = sorted({pk for pk in session_ids if isinstance(pk, int)})
    deadlines = {}
    for chunk in chunked(ids):
        deadlines.update(
            ExamSession.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "entry_deadline")
        )
    return deadlines


class Ledger:
    def __init__(self):
        self.assessments = {}  # id -> AssessmentFacts
        self.by_group = {}  # (session id, group id) -> [assessment id]
        self.sheets = {}  # (assessment id, attempt) -> SheetFacts
        self.admissions = {}  # (session id, student id, stage) -> AdmissionFacts
        self.grades = {}  # (assessment id, student id, attempt) -> GradeFacts
        self.students = {}  # student id -> Student, when asked for
        # quiet()'s index: the groups with a closed sheet, and who holds a grade in which group.
        self._closed = self._graded = None

    # Reading

    @classmethod
    def load(cls, assessment_ids=(), groups=(), student_ids=None, with_students=False, known=()):
        """The assessments `assessment_ids` and every assessment of the (session id, group id)
        pairs `groups`, their sheets, and the admissions and grades of `student_ids` in them (of
        every student of the groups' contingents when None). `known`: AssessmentFacts the caller
        has read already."""
        ledger = cls()
        for facts in known:
            ledger.add_assessment(facts)
        ledger._load_assessments(
            [pk for pk in assessment_ids if pk not in ledger.assessments], groups
        )
        ids = [pk for pk in ledger.assessments if isinstance(pk, int)]
        ledger._load_sheets(ids)
        sessions = {facts.session_id for facts in ledger.assessments.values()}
        sessions |= {session_id for session_id, _group_id in groups}
        if student_ids is None:
            pairs = set(groups) | {(f.session_id, f.group_id) for f in ledger.assessments.values()}
            student_ids = ledger._load_contingents(pairs, with_students)
        else:
            student_ids = {pk for pk in student_ids if isinstance(pk, int)}
        ledger._load_admissions(sessions, student_ids, with_students)
        ledger._load_grades(ids, student_ids)
        return ledger

    def _load_assessments(self, assessment_ids, groups):
        queries = []
        ids = [pk for pk in assessment_ids if isinstance(pk, int)]
        for chunk in chunked(ids):
            queries.append(Assessment.objects.filter(pk__in=chunk))
        by_session = {}
        for session_id, group_id in groups:
            if isinstance(session_id, int) and isinstance(group_id, int):
                by_session.setdefault(session_id, set()).add(group_id)
        for session_id, group_ids in by_session.items():
            for chunk in chunked(group_ids):
                queries.append(Assessment.objects.filter(session_id=session_id, group_id__in=chunk))
        for queryset in queries:
            for row in queryset.values_list(
                "id",
                "kind",
                "group_id",
                "group__program__faculty_id",
                "session_id",
                "discipline__name",
            ):
                self.add_assessment(AssessmentFacts(*row))

    def add_groups(self, groups, student_ids):
        """Add the assessments of more (session id, group id) pairs, with their sheets and the
        grades of `student_ids` in them."""
        known = set(self.assessments)
        self._load_assessments((), [pair for pair in groups if pair not in self.by_group])
        added = [pk for pk in self.assessments if pk not in known and isinstance(pk, int)]
        self._load_sheets(added)
        self._load_grades(added, {pk for pk in student_ids if isinstance(pk, int)})

    def add_assessment(self, facts):
        if facts.id not in self.assessments:
            self.assessments[facts.id] = facts
            self.by_group.setdefault((facts.session_id, facts.group_id), []).append(facts.id)

    def _load_sheets(self, assessment_ids):
        self._closed = self._graded = None
        for chunk in chunked(assessment_ids):
            for pk, assessment_id, attempt, status, version in GradeSheet.objects.filter(
                assessment_id__in=chunk
            ).values_list("id", "assessment_id", "attempt", "status", "version"):
                self.sheets[(assessment_id, attempt)] = SheetFacts(pk, status, version)

    def _load_contingents(self, pairs, with_students):
        """The main admissions of the groups' sessions (with their students when asked): every
        student listed on the groups' sheets. Returns their ids."""
        student_ids = set()
        by_session = {}
        for session_id, group_id in pairs:
            if isinstance(session_id, int) and isinstance(group_id, int):
                by_session.setdefault(session_id, set()).add(group_id)
        for session_id, group_ids in by_session.items():
            queryset = Admission.objects.filter(
                session_id=session_id, stage=MAIN, group_id__in=group_ids
            )
            if with_students:
                queryset = queryset.select_related("student")
            for admission in queryset:
                self._keep_admission(admission, with_students)
                student_ids.add(admission.student_id)
        return student_ids

    def _load_admissions(self, session_ids, student_ids, with_students):
        session_ids = [pk for pk in session_ids if isinstance(pk, int)]
        if not session_ids or not student_ids:
            return
        for chunk in chunked(student_ids):
            queryset = Admission.objects.filter(session_id__in=session_ids, student_id__in=chunk)
            if with_students:
                queryset = queryset.select_related("student")
            for admission in queryset:
                self._keep_admission(admission, with_students)

    def _keep_admission(self, admission, with_students):
        key = (admission.session_id, admission.student_id, admission.stage)
        self.admissions[key] = AdmissionFacts(
            admission.pk,
            admission.group_id,
            admission.admitted,
            admission.reason,
            admission.note,
            admission.funding,
        )
        if with_students:
            self.students[admission.student_id] = admission.student

    def _load_grades(self, assessment_ids, student_ids):
        self._closed = self._graded = None
        if not assessment_ids or not student_ids:
            return
        wanted = set(student_ids)
        for chunk in chunked(assessment_ids):
            for pk, assessment_id, student_id, attempt, value, points in Grade.objects.filter(
                assessment_id__in=chunk
            ).values_list("id", "assessment_id", "student_id", "attempt", "value", "points"):
                if student_id in wanted:
                    self.grades[(assessment_id, student_id, attempt)] = GradeFacts(
                        pk, value, points
                    )

    # What the rules see

    def contingent(self, session_id, group_id):
        """The students whose main admission of the session is in the group: its sheets' list."""
        return [
            student_id
            for (session, student_id, stage), facts in self.admissions.items()
            if stage == MAIN and session == session_id and facts.group_id == group_id
        ]

    def grade(self, assessment_id, student_id, attempt):
        return self.grades.get((assessment_id, student_id, attempt))

    def value(self, assessment_id, student_id, attempt):
        grade = self.grades.get((assessment_id, student_id, attempt))
        return grade.value if grade is not None else ""

    def admission(self, session_id, student_id, stage):
        return self.admissions.get((session_id, student_id, stage))

    def status(self, assessment_id, attempt):
        sheet = self.sheets.get((assessment_id, attempt))
        return sheet.status if sheet is not None else ""

    def statuses(self, assessment_id):
        return {MAIN: self.status(assessment_id, MAIN), RETAKE: self.status(assessment_id, RETAKE)}

    def version(self, assessment_id, attempt):
        sheet = self.sheets.get((assessment_id, attempt))
        return sheet.version if sheet is not None else 0

    def standing(self, assessment_id, student_id, overrides=None):
        """The student's standing in the assessment: outside its group's contingent when the
        student's main admission of the session is in another group, or missing. `overrides`
        maps admission keys to the AdmissionFacts (or None: no row) to see instead."""
        facts = self.assessments[assessment_id]
        main_key = (facts.session_id, student_id, MAIN)
        retake_key = (facts.session_id, student_id, RETAKE)
        if overrides:
            main = overrides[main_key] if main_key in overrides else self.admissions.get(main_key)
            retake = (
                overrides[retake_key]
                if retake_key in overrides
                else self.admissions.get(retake_key)
            )
        else:
            main, retake = self.admissions.get(main_key), self.admissions.get(retake_key)
        in_group = main is not None and main.group_id == facts.group_id
        return Standing(
            main_admitted=main.admitted if in_group else None,
            main_reason=main.reason if in_group else "",
            retake_admitted=retake.admitted if retake is not None else None,
            retake_reason=retake.reason if retake is not None else "",
            main_value=self.value(assessment_id, student_id, MAIN),
            retake_value=self.value(assessment_id, student_id, RETAKE),
        )

    def quiet(self, session_id, group_id, student_id):
        """Whether nothing of the group could refuse a change of the student's admission: none
        of its sheets is submitted or locked, and the student holds no grade in it. (The rules
        then look at the reason alone.)"""
        if self._closed is None:
            self._closed = {
                (facts.session_id, facts.group_id)
                for (assessment_id, _attempt), sheet in self.sheets.items()
                if is_closed(sheet.status)
                for facts in (self.assessments.get(assessment_id),)
                if facts is not None
            }
            self._graded = set()
            for assessment_id, graded_student, _attempt in self.grades:
                facts = self.assessments.get(assessment_id)
                if facts is not None:
                    self._graded.add((facts.session_id, facts.group_id, graded_student))
        return (session_id, group_id) not in self._closed and (
            session_id,
            group_id,
            student_id,
        ) not in self._graded

    def group_sheets(self, session_id, group_id, student_id, overrides=None):
        """A rules.SheetState for each assessment of the group in the session, for the student
        (with the admissions of `overrides`, as standing() takes them)."""
        return [
            SheetState(
                self.assessments[assessment_id].discipline,
                self.standing(assessment_id, student_id, overrides),
                self.statuses(assessment_id),
            )
            for assessment_id in self.by_group.get((session_id, group_id), ())
        ]

    # What a write (or an import's file) would change, for checks that follow it

    def apply_admission(self, session_id, student_id, stage, facts):
        self.admissions[(session_id, student_id, stage)] = facts

    def apply_grade(self, assessment_id, student_id, attempt, value, points=None):
        self._closed = self._graded = None
        key = (assessment_id, student_id, attempt)
        if value:
            old = self.grades.get(key)
            self.grades[key] = GradeFacts(old.id if old else None, value, points)
        else:
            self.grades.pop(key, None)
