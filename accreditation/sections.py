"""Sections 6, 7 and 9 of the council report (licensing, accreditation, seminars) and the notes
the council's resolution takes from them: each figure defined once, here.

A year is an academic year, 1 September to 31 August: a licence application counts in the year
it was sent, an accreditation in the year of its decision, a seminar in the year it was held.

The seed counts *programs*, not rows: "710400 Программалык инженерия (бакалавр, күндүзгү,
сырттан)" is one of its 19 licensed programs although it is licensed in two forms. A program
here is its code and name (or a course's name) at one level; its forms are listed beside it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from academics.choices import Level, StudyForm
from academics.models import AcademicYear
from portal.numbers import number

from .choices import AccreditationKind, LicenceStatus
from .models import Accreditation, LicenceApplication, Seminar

LEVEL_ORDER = {value: index for index, value in enumerate(Level.values)}
FORM_ORDER = {value: index for index, value in enumerate(StudyForm.values)}


def start_year_of(academic_year):
    """2023 from an AcademicYear, "2023-2024" or 2023."""
    if isinstance(academic_year, AcademicYear):
        return academic_year.start_year
    if isinstance(academic_year, int):
        return academic_year
    return AcademicYear.parse_name(academic_year)


def year_dates(academic_year):
    """The first and the last day of an academic year."""
    start = start_year_of(academic_year)
    return datetime.date(start, 9, 1), datetime.date(start + 1, 8, 31)


def year_name(academic_year):
    start = start_year_of(academic_year)
    return f"{start}-{start + 1}"


@dataclass
class ProgramLine:
    """One program as the report lists it: code, name, level and the forms of its rows."""

    code: str
    name: str
    level: str
    forms: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def level_label(self):
        return Level(self.level).label

    @property
    def form_labels(self):
        return [StudyForm(form).label for form in sorted(set(self.forms), key=FORM_ORDER.get)]

    @property
    def label(self):
        return f"{self.code} {self.name}" if self.code else self.name


def _program_key(row):
    """A coded program is its code at a level (its name may be spelt differently from one form
    to another); a program without a code, its name at a level."""
    program = row.program
    code, name, level = (
        (program.code, program.name, program.level) if program else (row.code, row.name, row.level)
    )
    return ((code, "") if code else ("", name)) + (level,), (code, name, level)


def _lines(rows):
    lines = {}
    for row in rows:
        key, (code, name, level) = _program_key(row)
        line = lines.setdefault(key, ProgramLine(code, name, level))
        line.forms.append(row.program.form if row.program is not None else row.form)
        line.rows.append(row)
    return sorted(
        lines.values(), key=lambda line: (LEVEL_ORDER.get(line.level, 99), line.code, line.name)
    )


# --- Section 6: licensing ---------------------------------------------------------------------


@dataclass
class Licensing:
    sent: int  # programs whose documents were sent in the year
    granted: int  # of them, programs that obtained a licence
    sent_programs: list
    granted_programs: list
    applications: int  # rows: one per program and form


def licensing(academic_year):
    first, last = year_dates(academic_year)
    rows = list(
        LicenceApplication.objects.filter(date_sent__range=(first, last)).select_related("program")
    )
    granted_rows = [row for row in rows if row.status == LicenceStatus.GRANTED]
    sent_programs, granted_programs = _lines(rows), _lines(granted_rows)
    return Licensing(
        sent=len(sent_programs),
        granted=len(granted_programs),
        sent_programs=sent_programs,
        granted_programs=granted_programs,
        applications=len(rows),
    )


# --- Section 7: accreditation -----------------------------------------------------------------


@dataclass
class AgencyTerm:
    """The programs one agency accredited for one term: "5 programs by НИРАС for 5 years"."""

    agency: object
    years: int
    programs: list

    @property
    def count(self):
        return len(self.programs)


@dataclass
class Accreditations:
    programs: list  # ProgramLine, with .rows the Accreditation objects
    institutional: list  # Accreditation objects
    by_agency: list  # AgencyTerm

    @property
    def count(self):
        return len(self.programs)


def accreditations(academic_year):
    first, last = year_dates(academic_year)
    rows = list(
        Accreditation.objects.filter(decision_date__range=(first, last))
        .select_related("program", "agency")
        .order_by("decision_date", "pk")
    )
    program_rows = [row for row in rows if row.kind == AccreditationKind.PROGRAM]
    groups = {}
    for row in program_rows:
        groups.setdefault((row.agency, row.term_years), []).append(row)
    by_agency = [
        AgencyTerm(agency, years, _lines(group))
        for (agency, years), group in sorted(
            groups.items(), key=lambda item: (-len(item[1]), str(item[0][0]), item[0][1])
        )
    ]
    return Accreditations(
        programs=_lines(program_rows),
        institutional=[row for row in rows if row.kind == AccreditationKind.INSTITUTIONAL],
        by_agency=by_agency,
    )


# --- Section 9: seminars ----------------------------------------------------------------------


def seminars(academic_year):
    first, last = year_dates(academic_year)
    return list(Seminar.objects.filter(date__range=(first, last)).select_related("agency"))


# --- The council's resolution -----------------------------------------------------------------


def resolution_figures(academic_year):
    """The plain numbers of the notes (JSON-serialisable: an adopted resolution freezes them)."""
    licences = licensing(academic_year)
    accredited = accreditations(academic_year)
    return {
        "year": year_name(academic_year),
        "licences": {"sent": licences.sent, "granted": licences.granted},
        "programs": [
            {
                "agency": group.agency.full_label,
                "agency_ru": group.agency.full_label_ru,
                "years": group.years,
                "count": group.count,
            }
            for group in accredited.by_agency
        ],
        "institutional": [
            {
                "agency": row.agency.full_label,
                "agency_ru": row.agency.full_label_ru,
                "years": row.term_years,
            }
            for row in accredited.institutional
        ],
    }


def _count(value):
    return number(int(value))


def agency_label(item):
    """The agency of a figures' entry in the active language: its Russian label in Russian when
    the academic department filled it (figures frozen before it existed have none), else the
    Kyrgyz one."""
    if translation.get_language() == "ru" and item.get("agency_ru"):
        return item["agency_ru"]
    return item["agency"]


def licensing_note(figures):
    """ "24 билим берүү программага лицензия алуу үчүн документтер жөнөтүлүп, 19 лицензия
    алынды", or None when no application was sent in the year."""
    if not figures or not figures["licences"]["sent"]:
        return None
    return _(
        "In the %(year)s academic year documents were sent to obtain licences for %(sent)s "
        "educational programs, and licences were obtained for %(granted)s of them."
    ) % {
        "year": figures["year"],
        "sent": _count(figures["licences"]["sent"]),
        "granted": _count(figures["licences"]["granted"]),
    }


def accreditation_note(figures):
    """ "5 программа НИРАС тарабынан 5 жылдык мөөнөткө аккредитациядан өттү", one sentence per
    agency and term; None when nothing was accredited in the year."""
    if not figures:
        return None
    sentences = [
        _(
            "In the %(year)s academic year %(count)s programs were accredited by %(agency)s "
            "for a term of %(years)s years."
        )
        % {
            "year": figures["year"],
            "count": _count(group["count"]),
            "agency": agency_label(group),
            "years": _count(group["years"]),
        }
        for group in figures["programs"]
    ]
    sentences += [
        _(
            "The university passed institutional accreditation by %(agency)s for a term of "
            "%(years)s years."
        )
        % {"agency": agency_label(item), "years": _count(item["years"])}
        for item in figures["institutional"]
    ]
    return " ".join(sentences) or None


def notes_from_figures(figures):
    return [note for note in (licensing_note(figures), accreditation_note(figures)) if note]


def resolution_notes(academic_year):
    """The council's notes on licensing and accreditation for `academic_year` (an AcademicYear,
    "2023-2024" or 2023), in the active language."""
    return notes_from_figures(resolution_figures(academic_year))
