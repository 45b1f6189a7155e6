"""The fixed vocabularies of the academic structure (levels, forms, funding, staff ranks)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacultyKind(models.TextChoices):
    FACULTY = "faculty", _("faculty")
    COLLEGE = "college", _("college")


class DepartmentKind(models.TextChoices):
    GRADUATING = "graduating", _("graduating")
    SERVICE = "service", _("service")


class Level(models.TextChoices):
    BACHELOR = "bachelor", _("bachelor")
    SPECIALIST = "specialist", _("specialist")
    MASTER = "master", _("master")
    PHD = "phd", _("PhD")
    SECONDARY = "secondary", _("secondary professional")
    SHORT_COURSE = "short_course", _("short course")


class StudyForm(models.TextChoices):
    DAY = "day", _("day")
    EXTRAMURAL = "extramural", _("extramural")


class Funding(models.TextChoices):
    BUDGET = "budget", _("budget")
    CONTRACT = "contract", _("contract")


class StudentStatus(models.TextChoices):
    STUDYING = "studying", _("studying")
    ACADEMIC_LEAVE = "academic_leave", _("academic leave")
    EXPELLED = "expelled", _("expelled")
    GRADUATED = "graduated", _("graduated")


class Position(models.TextChoices):
    HEAD = "head", _("head of department")
    PROFESSOR = "professor", _("professor")
    DOCENT = "docent", _("docent")
    SENIOR_LECTURER = "senior_lecturer", _("senior lecturer")
    LECTURER = "lecturer", _("lecturer")
    ASSISTANT = "assistant", _("assistant")


class Degree(models.TextChoices):
    DOCTOR = "doctor", _("Doctor of Sciences")
    CANDIDATE = "candidate", _("Candidate of Sciences")
    PHD = "phd", _("PhD")
    NONE = "none", _("no degree")


class Title(models.TextChoices):
    PROFESSOR = "professor", _("professor")
    DOCENT = "docent", _("docent")
    NONE = "none", _("no title")


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("full-time")
    PART_TIME = "part_time", _("part-time")


class Term(models.IntegerChoices):
    FIRST = 1, _("I term (autumn)")
    SECOND = 2, _("II term (spring)")


class LoadLevel(models.TextChoices):
    HIGHER = "higher", _("higher professional")
    SECONDARY = "secondary", _("secondary professional")
