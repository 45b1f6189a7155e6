"""Exam sessions: assessments, admission, grades before and after АКЖ, sheets and their audit."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academics.choices import Funding, Term
from academics.models import AcademicYear, Discipline, StaffMember, Student, StudyGroup
from academics.querysets import FacultyScopedQuerySet
from portal.collation import by_name
from portal.constraints import in_choices

from .choices import (
    AssessmentKind,
    Attempt,
    AttestationGrade,
    AttestationKind,
    ChangeSource,
    GradeValue,
    NotAdmittedReason,
    SheetAction,
    SheetStatus,
)


class ExamSession(models.Model):
    academic_year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("academic year"),
        on_delete=models.PROTECT,
        related_name="exam_sessions",
    )
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices)
    main_start = models.DateField(_("main period starts"), null=True, blank=True)
    main_end = models.DateField(_("main period ends"), null=True, blank=True)
    retake_start = models.DateField(_("АКЖ starts"), null=True, blank=True)
    retake_end = models.DateField(_("АКЖ ends"), null=True, blank=True)
    entry_deadline = models.DateField(
        _("entry deadline"),
        null=True,
        blank=True,
        help_text=_("after this day only the dean's office head can enter or reopen grades"),
    )
    # Raised by every write that can change the session's figures (sessions_app.figures); the
    # reports keep their stored figures of a session by it (reports.dashboard.snapshots).
    figures_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["-academic_year__start_year", "-term"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "term"], name="sessions_examsession_unique_term"
            ),
            in_choices("term", Term),
            models.CheckConstraint(
                condition=Q(main_start__isnull=True)
                | Q(main_end__isnull=True)
                | Q(main_start__lte=F("main_end")),
                name="sessions_examsession_main_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(retake_start__isnull=True)
                | Q(retake_end__isnull=True)
                | Q(retake_start__lte=F("retake_end")),
                name="sessions_examsession_retake_dates_ordered",
            ),
        ]

    def __str__(self):
        if self.term == Term.FIRST:
            return _("%(year)s, winter session") % {"year": self.academic_year}
        return _("%(year)s, summer session") % {"year": self.academic_year}

    def entry_closed(self, today):
        return self.entry_deadline is not None and today > self.entry_deadline


class AssessmentQuerySet(FacultyScopedQuerySet):
    faculty_path = "group__program__faculty"


class Assessment(models.Model):
    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("exam session"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("study group"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    examiner = models.ForeignKey(
        StaffMember,
        verbose_name=_("examiner"),
        on_delete=models.SET_NULL,
        related_name="assessments",
        null=True,
        blank=True,
    )
    date = models.DateField(_("date"), null=True, blank=True)
    # The АКЖ sheet is dated by the retake, not by the main exam.
    retake_date = models.DateField(_("retake (АКЖ) date"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["session", "group__name", "discipline__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "group", "discipline", "kind"],
                name="sessions_assessment_unique_per_group",
            ),
            in_choices("kind", AssessmentKind),
        ]

    def __str__(self):
        return f"{self.group} · {self.discipline} ({self.get_kind_display()})"


class GradeSheetQuerySet(FacultyScopedQuerySet):
    faculty_path = "assessment__group__program__faculty"


class GradeSheet(models.Model):
    """The grade sheet (ведомость) of one assessment and attempt: its state and its version."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="sheets"
    )
    attempt = models.CharField(_("attempt"), max_length=10, choices=Attempt.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    # Bumped by every save: a save made against an older version is refused (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GradeSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade sheet")
        verbose_name_plural = _("grade sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "attempt"], name="sessions_gradesheet_unique_attempt"
            ),
            in_choices("attempt", Attempt),
            in_choices("status", SheetStatus),
        ]
        permissions = [
            ("reopen_gradesheet", _("Can reopen a submitted or locked grade sheet")),
            ("enter_after_deadline", _("Can enter grades after the entry deadline")),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.get_attempt_display()}"

    @property
    def editable(self):
        return self.status == SheetStatus.DRAFT

    @property
    def date(self):
        """The day of this attempt: the exam's on the main sheet, the retake's on the АКЖ sheet
        (None until it is set: never the main exam's day)."""
        if self.attempt == Attempt.RETAKE:
            return self.assessment.retake_date
        return self.assessment.date


class AdmissionQuerySet(FacultyScopedQuerySet):
    # The group the student was in for the session, which the row keeps, not their group now.
    faculty_path = "group__program__faculty"


class Admission(models.Model):
    """Whether a student may sit the session (main) or the retake period (АКЖ).

    The main-stage row also records the group the student was in for the session: the session's
    contingent is its main-stage admissions, whatever group the student moves to later.
    """

    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("exam session"),
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="admissions"
    )
    group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("study group"),
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Attempt.choices)
    admitted = models.BooleanField(_("admitted"), default=True)
    reason = models.CharField(
        _("reason not admitted"), max_length=10, choices=NotAdmittedReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    # The student's funding for the session (main stage; "" on an АКЖ row): the session's figures
    # by funding read it, so that a later change of Student.funding leaves them as they were.
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AdmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "student", "stage"], name="sessions_admission_unique_stage"
            ),
            in_choices("stage", Attempt),
            in_choices("reason", NotAdmittedReason, blank=True),
            # Admitted: no reason. Not admitted: the reason's kind is required.
            models.CheckConstraint(
                condition=Q(admitted=True, reason="")
                | Q(admitted=False, reason__in=["valid", "invalid"]),
                name="sessions_admission_reason_iff_not_admitted",
            ),
            in_choices("funding", Funding, blank=True),
            # The main row holds the session's funding; an АКЖ row follows it and holds none.
            models.CheckConstraint(
                condition=Q(stage=Attempt.MAIN, funding__in=Funding.values)
                | Q(stage=Attempt.RETAKE, funding=""),
                name="sessions_admission_funding_iff_main",
            ),
        ]
        indexes = [models.Index(fields=["session", "stage", "group"])]

    def __str__(self):
        return f"{self.student} · {self.session} · {self.get_stage_display()}"

    def clean(self):
        if self.admitted and self.reason:
            raise ValidationError({"reason": _("An admitted student has no reason kind.")})
        if not self.admitted and not self.reason:
            raise ValidationError({"reason": _("Say whether the reason is valid or not.")})


class AdmissionList(models.Model):
    """A group's admission page at one stage of a session, and its version: raised by every change
    of an admission on it, so that a save made on an older page is merged, never reverts."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        StudyGroup, verbose_name=_("study group"), on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Attempt.choices)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("admission list")
        verbose_name_plural = _("admission lists")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "group", "stage"], name="sessions_admissionlist_unique_stage"
            ),
            in_choices("stage", Attempt),
        ]

    def __str__(self):
        return f"{self.group} · {self.session} · {self.get_stage_display()}"


class GradeQuerySet(FacultyScopedQuerySet):
    faculty_path = "assessment__group__program__faculty"


class Grade(models.Model):
    """One attempt at one assessment: a retake is its own row and never overwrites the main one.

    Written only by services.record_grades, which checks the sheet and writes the audit.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="grades"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="grades"
    )
    attempt = models.CharField(_("attempt"), max_length=10, choices=Attempt.choices)
    value = models.CharField(_("grade"), max_length=10, choices=GradeValue.choices)
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"))

    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "student", "attempt"], name="sessions_grade_unique_attempt"
            ),
            in_choices("attempt", Attempt),
            in_choices("value", GradeValue),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__lte=100),
                name="sessions_grade_points_range",
            ),
        ]
        indexes = [models.Index(fields=["student", "attempt"])]

    def __str__(self):
        return f"{self.student} · {self.assessment} · {self.get_value_display()}"


class AppendOnly(models.Model):
    """A record that is written once and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Audit records cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit records cannot be deleted."))


class ChangeRecord(AppendOnly):
    """A line of an audit trail: who made the change, when, from where (page, import...) and
    why."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"))
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)
    reason = models.CharField(_("reason"), max_length=250, blank=True)

    class Meta:
        abstract = True


class GradeChangeQuerySet(FacultyScopedQuerySet):
    faculty_path = "assessment__group__program__faculty"


class GradeChange(ChangeRecord):
    """The audit trail of grades: every change, who made it, when, from where and why."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="changes"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="grade_changes"
    )
    attempt = models.CharField(_("attempt"), max_length=10, choices=Attempt.choices)
    old_value = models.CharField(_("old value"), max_length=10, blank=True)
    new_value = models.CharField(_("new value"), max_length=10, blank=True)
    old_points = models.PositiveSmallIntegerField(_("old points"), null=True, blank=True)
    new_points = models.PositiveSmallIntegerField(_("new points"), null=True, blank=True)

    objects = GradeChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-changed_at", "-id"]
        constraints = [in_choices("source", ChangeSource), in_choices("attempt", Attempt)]
        indexes = [models.Index(fields=["assessment", "attempt", "changed_at"])]

    def __str__(self):
        return f"{self.student}: {self.old_value or '—'} → {self.new_value or '—'}"


class AdmissionChangeQuerySet(FacultyScopedQuerySet):
    # The group the change was made in (a student moved between faculties is the new
    # faculty's; the old group's history page names the move).
    faculty_path = "group__program__faculty"


class AdmissionChange(ChangeRecord):
    """The audit trail of admissions: every change of who may sit the session or АКЖ, and why
    not, with who made it, when, from where and why. A row made for a student who joins the
    session's contingent has no old value; a student moved between groups names both."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.PROTECT, related_name="+"
    )
    student = models.ForeignKey(
        Student,
        verbose_name=_("student"),
        on_delete=models.PROTECT,
        related_name="admission_changes",
    )
    group = models.ForeignKey(
        StudyGroup, verbose_name=_("study group"), on_delete=models.PROTECT, related_name="+"
    )
    old_group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("previous group"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Attempt.choices)
    old_admitted = models.BooleanField(_("was admitted"), null=True)
    new_admitted = models.BooleanField(_("admitted"))
    old_reason = models.CharField(
        _("old reason"), max_length=10, choices=NotAdmittedReason.choices, blank=True
    )
    new_reason = models.CharField(
        _("new reason"), max_length=10, choices=NotAdmittedReason.choices, blank=True
    )
    old_note = models.CharField(_("old note"), max_length=250, blank=True)
    new_note = models.CharField(_("new note"), max_length=250, blank=True)
    old_funding = models.CharField(
        _("old funding"), max_length=20, choices=Funding.choices, blank=True
    )
    new_funding = models.CharField(
        _("new funding"), max_length=20, choices=Funding.choices, blank=True
    )

    objects = AdmissionChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission change")
        verbose_name_plural = _("admission changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            in_choices("source", ChangeSource),
            in_choices("stage", Attempt),
            in_choices("old_reason", NotAdmittedReason, blank=True),
            in_choices("new_reason", NotAdmittedReason, blank=True),
            in_choices("old_funding", Funding, blank=True),
            in_choices("new_funding", Funding, blank=True),
        ]
        indexes = [models.Index(fields=["session", "group", "changed_at"])]

    def __str__(self):
        return f"{self.student}: {self.old_admitted} → {self.new_admitted}"


class SheetEventQuerySet(FacultyScopedQuerySet):
    faculty_path = "sheet__assessment__group__program__faculty"


class SheetEvent(AppendOnly):
    """Submitting, locking and reopening a sheet, and changing the examiner of its assessment (on
    the main sheet), with who, when and why; for an examiner, `reason` says who it was and who it
    is now, by name (a name stays readable after the staff member's row is gone)."""

    sheet = models.ForeignKey(
        GradeSheet, verbose_name=_("grade sheet"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=SheetAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))
    reason = models.CharField(_("reason"), max_length=250, blank=True)

    objects = SheetEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sheet event")
        verbose_name_plural = _("sheet events")
        ordering = ["-at", "-id"]
        constraints = [in_choices("action", SheetAction)]

    def __str__(self):
        return f"{self.sheet}: {self.get_action_display()}"


class StateAttestationQuerySet(FacultyScopedQuerySet):
    faculty_path = "program__faculty"


class StateAttestation(models.Model):
    """One part of the state final attestation (МАК) of one program in one academic year; its
    list of students is its entries.

    The study form, level and faculty are the program's and are not stored twice. A program's
    list is what a commission's protocol holds, and small enough to enter on one admin page.
    """

    academic_year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("academic year"),
        on_delete=models.PROTECT,
        related_name="state_attestations",
    )
    program = models.ForeignKey(
        "academics.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="state_attestations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttestationKind.choices)

    objects = StateAttestationQuerySet.as_manager()

    class Meta:
        verbose_name = _("state attestation")
        verbose_name_plural = _("state attestations")
        ordering = ["-academic_year__start_year", "program__code", "program__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "program", "kind"],
                name="sessions_stateattestation_unique_per_program",
            ),
            in_choices("kind", AttestationKind),
        ]

    def __str__(self):
        return f"{self.program} · {self.get_kind_display()} · {self.academic_year}"


class AttestationEntryQuerySet(FacultyScopedQuerySet):
    faculty_path = "attestation__program__faculty"


class AttestationEntry(models.Model):
    """A student on the list of a state attestation: admitted by the rector's decree (буйрук
    чыкты), sat it, the grade, and whether an admitted student could not take it in time.

    The database keeps the steps in order: a grade needs `sat`, `sat` needs `ordered`, and "not
    in time" is said only of an admitted student who did not sit.
    """

    attestation = models.ForeignKey(
        StateAttestation,
        verbose_name=_("state attestation"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    student = models.ForeignKey(
        Student,
        verbose_name=_("student"),
        on_delete=models.PROTECT,
        related_name="attestation_entries",
    )
    ordered = models.BooleanField(_("admitted by decree"), default=False)
    sat = models.BooleanField(pgettext_lazy("state attestation", "sat"), default=False)
    grade = models.CharField(_("grade"), max_length=1, choices=AttestationGrade.choices, blank=True)
    not_in_time = models.BooleanField(
        _("not in time"),
        default=False,
        help_text=_("admitted, but could not take it in time"),
    )

    objects = AttestationEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("state attestation entry")
        verbose_name_plural = _("state attestation entries")
        ordering = ["attestation", by_name("student__full_name"), "student__record_book"]
        constraints = [
            models.UniqueConstraint(
                fields=["attestation", "student"], name="sessions_attestationentry_unique_student"
            ),
            in_choices("grade", AttestationGrade, blank=True),
            models.CheckConstraint(
                condition=Q(sat=False) | Q(ordered=True),
                name="sessions_attestationentry_sat_needs_ordered",
            ),
            models.CheckConstraint(
                condition=Q(grade="") | Q(sat=True),
                name="sessions_attestationentry_grade_needs_sat",
            ),
            models.CheckConstraint(
                condition=Q(not_in_time=False) | Q(ordered=True, sat=False),
                name="sessions_attestationentry_not_in_time_admitted_not_sat",
            ),
        ]

    def __str__(self):
        return f"{self.student} · {self.attestation}"

    def clean(self):
        errors = {}
        if self.sat and not self.ordered:
            errors["sat"] = _("Only a student admitted by decree can sit.")
        if self.grade and not self.sat:
            errors["grade"] = _("Only a student who sat has a grade.")
        if self.not_in_time and not (self.ordered and not self.sat):
            errors["not_in_time"] = _("“Not in time” is for an admitted student who did not sit.")
        # In an admin inline the parent may not be saved yet; its program is known all the same.
        try:
            program_id = self.attestation.program_id
        except ObjectDoesNotExist:
            program_id = None
        if program_id and self.student_id:
            if not Student.objects.filter(
                pk=self.student_id, group__program_id=program_id
            ).exists():
                errors["student"] = _("The student does not study in the attestation's program.")
        if errors:
            raise ValidationError(errors)


class StudentOutcome(models.Model):
    """What one student's grades in one exam session add up to, at each stage: the number of
    assessments passed, of "absent", and the lowest and highest of the 5/4/3 grades — for the
    grades of the group's assessments the student sat in that group.

    The lowest and highest are NULL, not "", when no 5/4/3 grade counts: SQL's MIN and MAX of
    nothing, which the reports test for.

    Kept current by sessions_app.outcomes, which the grade service calls on every write, so that
    the reports (reports.achievement) aggregate one row per student of a session instead of every
    grade of it. Derived data: sessions_app.outcomes.computed() recomputes it from the grades.
    """

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="+")
    ok_before = models.PositiveSmallIntegerField(default=0)
    absent_before = models.PositiveSmallIntegerField(default=0)
    low_before = models.CharField(max_length=1, null=True, blank=True)  # noqa: DJ001
    high_before = models.CharField(max_length=1, null=True, blank=True)  # noqa: DJ001
    ok_after = models.PositiveSmallIntegerField(default=0)
    absent_after = models.PositiveSmallIntegerField(default=0)
    low_after = models.CharField(max_length=1, null=True, blank=True)  # noqa: DJ001
    high_after = models.CharField(max_length=1, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("student's session outcome")
        verbose_name_plural = _("students' session outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "student", "group"], name="sessions_outcome_unique"
            )
        ]

    def __str__(self):
        return f"{self.student_id} · {self.session_id}"
