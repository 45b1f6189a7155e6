"""The council's resolution (ТОКТОМ): its figures, its text in any language, and its life
(create, edit, adopt), written only through the functions here.

The figures come from reports.achievement, never typed and never recomputed here. A draft
computes them on every rendering; adopting stores them (`Resolution.frozen_figures`) and the
adopted resolution renders from that JSON for ever. The title, the preamble and the first item
name the period through one function, `period_phrase`, fed from the same figures, so the term of
the title cannot disagree with the body nor with the data (the seed's draft had "I" in the title
and "II" in the body).

The notes ("the council notes: …") are a list of builders, `NOTES`: each takes the figures and
returns its bullet, or None when it has nothing to say. A later source of figures (licences,
accreditation) adds its part to `FIGURE_SOURCES` and its builder to `NOTES`; a resolution adopted
before it simply has no such key and keeps its text.
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from academics.choices import StudyForm
from accreditation import sections as accreditation_sections
from portal.dates import long_date
from portal.numbers import number
from surveys import results as survey_results

from ..achievement import By, Row, Stage, achievement_tables
from ..execution import previous as previous_execution
from ..execution import services as execution
from .models import (
    Resolution,
    ResolutionFrozen,
    ResolutionItem,
    ResolutionStatus,
    Verdict,
    in_language,
)

FIGURES_VERSION = 1
ROMAN = {1: "I", 2: "II"}

# --- The period: the one source of the term's words ---------------------------------------------


def term_numeral(term):
    """The term as the council writes it: I or II. Any other term is an error, not a guess."""
    try:
        return ROMAN[int(term)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"an exam session's term is 1 or 2, not {term!r}") from None


def period_phrase(academic_year, term):
    """“the II half of the 2023-2024 academic year”, in the active language: the only place the
    title, the preamble and the first item get the period from. Kyrgyz adds its case endings to
    the phrase in each sentence (…жылдыгы-ндагы, …жылдыгы-нда)."""
    return _("the %(term)s half of the %(year)s academic year") % {
        "term": term_numeral(term),
        "year": academic_year,
    }


def session_phrase(term):
    """The exam session of the term: winter after the I half, summer after the II."""
    if int(term) == 1:
        return _("the winter exam session")
    return _("the summer exam session")


def university_phrase(resolution):
    """The university as the title and the preamble name it: the resolution's own wording, else
    the portal's name in the document's language (in Kyrgyz, in the locative case)."""
    own = in_language(resolution, "university")
    if own:
        return own
    if settings.UNIVERSITY_NAME:
        return pgettext("resolution", "at %(university)s") % {
            "university": settings.UNIVERSITY_NAME
        }
    return pgettext("resolution", "at M. M. Adyshev Osh Technological University")


# --- Stored texts in the document's language -----------------------------------------------------


def missing_russian(resolution, items, figures):
    """What still lacks its Russian form, for the page to say (the document uses the Kyrgyz text
    meanwhile): labels, in the active language."""
    missing = []
    names = {
        "reporter_position": _("the reporter's position"),
        "controller": _("who controls the execution"),
        "university": _("the university, as the title names it"),
        "chair_position": _("the chair's title"),
        "secretary_position": _("the secretary's title"),
    }
    for name, label in names.items():
        if getattr(resolution, name) and not getattr(resolution, f"{name}_ru"):
            missing.append(label)
    for position, item in enumerate(items, start=2):
        lacking = [n for n in ("text", "responsible", "deadline") if getattr(item, n)]
        if any(not getattr(item, f"{n}_ru") for n in lacking):
            missing.append(_("item %(number)s") % {"number": position})
    accreditation = figures.get("accreditation") or {}
    for entry in accreditation.get("programs", []) + accreditation.get("institutional", []):
        label = _("the agency “%(agency)s”") % {"agency": entry["agency"]}
        if not entry.get("agency_ru") and label not in missing:
            missing.append(label)
    return missing


# --- The figures ----------------------------------------------------------------------------------


def _tenths(row, rate):
    """A rate of `row` (a Row property or count name: the one definition, reports.achievement) in
    per cent to one decimal, as the council's text gives it, rounded from the exact fraction.

    Rounding the 2-decimal rate again would be wrong one time in twenty (7/13 = 53.846… →
    53.85 → 53.9 instead of 53.8). A contingent ten times as large gives the same rate in tenths
    of a per cent, to two decimals, through the same definition.
    """
    counts = dict(row.counts)
    counts["contingent"] *= 10
    scaled = Row(row.scope, row.key, counts)
    value = getattr(scaled, rate) if rate.endswith("_pct") else scaled.pct(rate)
    return str((value * 10).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _stage_figures(row):
    counts = dict(row.counts)
    # Sums of the defined counts, named for the sentences that use them.
    counts["not_admitted"] = counts["not_admitted_valid"] + counts["not_admitted_invalid"]
    counts["owing"] = counts["owing_1"] + counts["owing_2"] + counts["owing_3_plus"]
    row = Row(row.scope, row.key, counts)
    return {
        **counts,
        "absolute_pct": _tenths(row, "absolute_pct"),
        "quality_pct": _tenths(row, "quality_pct"),
        "admitted_pct": _tenths(row, "admitted"),
        "not_admitted_pct": _tenths(row, "not_admitted"),
        "owing_pct": _tenths(row, "owing"),
    }


def _session_figures(session):
    # Both stages in one query.
    tables = achievement_tables(session, by=By.UNIVERSITY)
    before = {form: rows[0] for (stage, form), rows in tables.items() if stage == Stage.BEFORE}
    after = {form: rows[0] for (stage, form), rows in tables.items() if stage == Stage.AFTER}
    forms = {}
    for form in StudyForm.values:
        if form in before and before[form].counts["contingent"]:
            forms[form] = {
                "foreign": before[form].counts["foreign"],
                "before": _stage_figures(before[form]),
                "after": _stage_figures(after[form]),
            }
    return {"forms": forms}


def _accreditation_figures(session):
    # Licences sent and accreditations decided in the session's academic year (sections 6, 7).
    return accreditation_sections.resolution_figures(session.academic_year)


def _survey_figures(session):
    # The shares of the session's surveys ("Through students' eyes", section 8).
    return survey_results.resolution_figures(session.academic_year, session.term)


# Each source adds its key to the figures; the notes read them by key.
FIGURE_SOURCES = {
    "exam_session": _session_figures,
    "accreditation": _accreditation_figures,
    "surveys": _survey_figures,
}


def compute_figures(session):
    """The plain numbers every note is built from (JSON-serialisable: the frozen form)."""
    figures = {
        "version": FIGURES_VERSION,
        "period": {"academic_year": session.academic_year.name, "term": session.term},
    }
    for key, source in FIGURE_SOURCES.items():
        figures[key] = source(session)
    return figures


def figures_of(resolution):
    """The figures a resolution renders: frozen once adopted, computed now for a draft."""
    if resolution.is_adopted:
        return resolution.frozen_figures
    return compute_figures(resolution.session)


# --- Numbers as the document's language writes them -----------------------------------------------


def count(value):
    """4 083 in Kyrgyz and Russian, 4,083 in English."""
    return number(int(value))


def share(value):
    """A percentage figure to one decimal: 52,3 in Kyrgyz and Russian, 52.3 in English."""
    return number(Decimal(value), 1)


def students(value):
    """The count with its noun, agreeing as the document's language wants it: “1 студент”,
    “4 083 студента”, “11 студентов” in Russian; “4 083 студент” in Kyrgyz (a noun after a
    numeral stays singular). The one place a count of students gets its noun (the .po's plural
    rule of each language)."""
    value = int(value)
    return ngettext("%(count)s student", "%(count)s students", value) % {"count": count(value)}


def of_students(value):
    """The count with its noun after “of”: “из 21 студента”, “из 4 083 студентов” (English: “the
    4,083 students”)."""
    value = int(value)
    # Translators: after “of” (“Of the 4,083 students …”): in Russian the genitive, “21 студента”,
    # “5 студентов”, without the article.
    return ngettext("the %(count)s student", "the %(count)s students", value) % {
        "count": count(value)
    }


def _words(stage):
    """The placeholders of a stage's figures, formatted: each count also as `<name>_students`
    and `<name>_of_students`, with its noun agreeing."""
    words = {}
    for name, value in stage.items():
        if name.endswith("_pct"):
            words[name] = share(value)
            continue
        words[name] = count(value)
        words[f"{name}_students"] = students(value)
        words[f"{name}_of_students"] = of_students(value)
    return words


# --- The notes ----------------------------------------------------------------------------------


def _form(figures, form):
    return figures.get("exam_session", {}).get("forms", {}).get(form)


def note_schedule(figures):
    if not figures.get("exam_session", {}).get("forms"):
        return None
    return _(
        "The academic process in the day and extramural departments was organized according "
        "to the approved schedule;"
    )


def note_contingent(figures):
    day, extramural = _form(figures, StudyForm.DAY), _form(figures, StudyForm.EXTRAMURAL)
    sentences = []
    if day:
        sentences.append(
            _(
                "In the %(year)s academic year the day department of the university had "
                "%(contingent_students)s, of them %(budget)s on a budget basis and %(contract)s "
                "on a contract basis; %(foreign)s of its students came from abroad."
            )
            % {
                **_words(day["before"]),
                "foreign": count(day["foreign"]),
                "year": figures["period"]["academic_year"],
            }
        )
    if extramural:
        words = {**_words(extramural["before"]), "foreign": count(extramural["foreign"])}
        if extramural["before"]["budget"]:
            text = _(
                "The extramural department had %(contingent_students)s, %(budget)s on a budget "
                "basis and %(contract)s on a contract basis; of them %(foreign)s came from abroad."
            )
        else:  # as usual, and as the seed says it
            text = _(
                "The extramural department had %(contingent_students)s, all on a contract "
                "basis; of them %(foreign)s came from abroad."
            )
        sentences.append(text % words)
    return " ".join(sentences) or None


def note_day_session(figures):
    day = _form(figures, StudyForm.DAY)
    if not day:
        return None
    before, after = _words(day["before"]), _words(day["after"])
    session = session_phrase(figures["period"]["term"])
    return " ".join(
        [
            _(
                "Of %(contingent_of_students)s of the day department who took %(session)s "
                "(before АКЖ), %(budget)s studied on a budget basis and %(contract)s on a "
                "contract basis."
            )
            % {**before, "session": session},
            _(
                "%(admitted_students)s (%(admitted_pct)s%%) were admitted to the session and "
                "%(not_admitted_students)s (%(not_admitted_pct)s%%) were not, of them "
                "%(not_admitted_valid)s for a valid reason and %(not_admitted_invalid)s without "
                "one."
            )
            % before,
            _(
                "In the day department the absolute achievement before АКЖ was "
                "%(absolute_before)s%% and the quality achievement %(quality_before)s%%; after "
                "АКЖ the absolute achievement was %(absolute_after)s%% and the quality "
                "achievement %(quality_after)s%%."
            )
            % _rates(before, after),
        ]
    )


def note_extramural_session(figures):
    extramural = _form(figures, StudyForm.EXTRAMURAL)
    if not extramural:
        return None
    before = _words(extramural["before"])
    session = session_phrase(figures["period"]["term"])
    return " ".join(
        [
            _(
                "Of %(contingent_of_students)s of the extramural department, %(admitted)s "
                "were admitted to %(session)s, while %(not_admitted_students)s were not admitted "
                "for various reasons (academic or financial debts and the like): "
                "%(not_admitted_valid)s for a valid reason and %(not_admitted_invalid)s without "
                "one."
            )
            % {**before, "session": session},
            _(
                "%(passed_students)s (%(absolute_pct)s%%) passed the session in full, while "
                "%(owing_students)s (%(owing_pct)s%%) got “unsatisfactory” or did not appear."
            )
            % before,
        ]
    )


def note_extramural_rates(figures):
    extramural = _form(figures, StudyForm.EXTRAMURAL)
    if not extramural:
        return None
    return _(
        "In the extramural department the absolute achievement before АКЖ was "
        "%(absolute_before)s%% and the quality achievement %(quality_before)s%%; after АКЖ the "
        "absolute achievement was %(absolute_after)s%% and the quality achievement "
        "%(quality_after)s%%."
    ) % _rates(_words(extramural["before"]), _words(extramural["after"]))


def _rates(before, after):
    return {
        "absolute_before": before["absolute_pct"],
        "quality_before": before["quality_pct"],
        "absolute_after": after["absolute_pct"],
        "quality_after": after["quality_pct"],
    }


def note_licensing(figures):
    return accreditation_sections.licensing_note(figures.get("accreditation"))


def note_accreditation(figures):
    return accreditation_sections.accreditation_note(figures.get("accreditation"))


def note_surveys(figures):
    return survey_results.resolution_note(figures.get("surveys"))


# In the order of the seed's draft.
NOTES = [
    note_schedule,
    note_licensing,
    note_accreditation,
    note_contingent,
    note_day_session,
    note_extramural_session,
    note_extramural_rates,
    note_surveys,
]


def notes(figures):
    """The bullets the council notes, in the active language."""
    return [capfirst(text) for text in (build(figures) for build in NOTES) if text]


# --- The document -------------------------------------------------------------------------------


@dataclass
class DocumentItem:
    number: int
    text: str
    details: str = ""
    end: str = ";"  # the last item ends the resolution with "."


@dataclass
class Signature:
    title: str
    name: str


@dataclass
class Document:
    """Everything the page, the DOCX and the PDF print, already in the document's language."""

    language: str
    draft: bool
    marker: str
    heading: str
    council: str
    title: str
    preamble: str
    lead_in: str
    notes: list = field(default_factory=list)
    # "On the execution of the previous resolution": its paragraphs, none when no resolution was
    # adopted before this one (reports.execution.previous).
    execution_heading: str = ""
    execution: list = field(default_factory=list)
    hearing: str = ""
    resolves: str = ""
    items: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    # The stored texts still lacking their Russian form (a document in Russian only).
    missing_russian: list = field(default_factory=list)

    @property
    def filename_stem(self):
        period = self.figures["period"]
        status = "dolboor" if self.draft else "toktom"
        return f"{status}-{period['academic_year']}-{term_numeral(period['term'])}-{self.language}"


def item_text(text):
    """The item's text without its closing punctuation: the document ends each item itself
    (";", the last "."). An abbreviation's dot stays (“ж.б.у.с.”)."""
    text = text.strip().rstrip(";,").rstrip()
    if text.endswith(".") and not re.search(r"(^|[\s.])\w{1,3}\.$", text):
        text = text[:-1].rstrip()
    return text


def _item_details(item):
    responsible = in_language(item, "responsible")
    deadline = in_language(item, "deadline")
    if responsible and deadline:
        return _("(responsible: %(responsible)s; deadline: %(deadline)s)") % {
            "responsible": responsible,
            "deadline": deadline,
        }
    if responsible:
        return _("(responsible: %(responsible)s)") % {"responsible": responsible}
    if deadline:
        return _("(deadline: %(deadline)s)") % {"deadline": deadline}
    return ""


def _signatures(resolution):
    """The signature block: the council's chair and secretary, those filled."""
    people = [
        (_("Chair of the academic council"), "chair"),
        (_("Secretary of the academic council"), "secretary"),
    ]
    return [
        Signature(
            in_language(resolution, f"{role}_position") or default,
            getattr(resolution, f"{role}_name"),
        )
        for default, role in people
        if getattr(resolution, f"{role}_name")
    ]


def _council_line(resolution):
    date = long_date(resolution.council_date)
    if resolution.protocol_number:
        return _("Academic council, minutes No. %(number)s of %(date)s") % {
            "number": resolution.protocol_number,
            "date": date,
        }
    return _("Academic council of %(date)s") % {"date": date}


def document_languages():
    return [code for code, _name in settings.LANGUAGES]


def _document_items(resolution, items, words):
    """Item 1 (the report accepted), the council's items, and the control line, numbered."""
    document_items = [
        DocumentItem(
            1,
            _(
                "The information of %(reporter)s on the results of the academic work "
                "%(university)s in %(period)s and on the tasks ahead is found “%(verdict)s” "
                "and accepted"
            )
            % {
                **words,
                "reporter": resolution.reporter_name,
                "verdict": capfirst(Verdict(resolution.verdict).label),
            },
        )
    ]
    for item in items:
        document_items.append(
            DocumentItem(
                len(document_items) + 1,
                item_text(in_language(item, "text")),
                _item_details(item),
            )
        )
    document_items.append(
        DocumentItem(
            len(document_items) + 1,
            _("Control over the execution of the resolution is entrusted to %(controller)s")
            % {"controller": in_language(resolution, "controller")},
        )
    )
    document_items[-1].end = "."
    return document_items


def build_document(resolution, language=None, items=None):
    """The resolution's text in `language` (Kyrgyz by default, whatever the interface's)."""
    language = language if language in document_languages() else settings.LANGUAGE_CODE
    figures = figures_of(resolution)
    items = list(resolution.items.all()) if items is None else items
    execution_text = previous_execution.section(resolution, language, timezone.localdate())
    with translation.override(language):
        period = figures["period"]
        words = {
            "university": university_phrase(resolution),
            "period": period_phrase(period["academic_year"], period["term"]),
            "reporter": f"{in_language(resolution, 'reporter_position')} "
            f"{resolution.reporter_name}",
        }
        title = (
            _(
                "Report on the results of the academic work %(university)s in %(period)s and on "
                "the tasks ahead"
            )
            % words
        )
        document = Document(
            language=language,
            draft=not resolution.is_adopted,
            marker="" if resolution.is_adopted else _("DRAFT"),
            heading=_("RESOLUTION"),
            council=_council_line(resolution),
            title=title.upper(),
            preamble=capfirst(
                _(
                    "Having heard and discussed the report of %(reporter)s on the results of the "
                    "academic work %(university)s in %(period)s and on the tasks ahead, the "
                    "academic council of the university notes:"
                )
                % words
            ),
            lead_in=_("As a result, the following work was done:"),
            notes=notes(figures),
            execution_heading=(
                _("On the execution of the previous resolution of the academic council")
                if execution_text
                else ""
            ),
            execution=execution_text,
            hearing=capfirst(
                _(
                    "Having heard and discussed the report of %(reporter)s, the academic council "
                    "of the university"
                )
                % words
            ),
            resolves=_("RESOLVES:"),
            items=_document_items(resolution, items, words),
            signatures=_signatures(resolution),
            figures=figures,
        )
    if language == "ru":  # said in the interface's language, not the document's
        document.missing_russian = missing_russian(resolution, items, figures)
    return document


# --- Writing: create, edit, adopt ---------------------------------------------------------------

# The "resolves" items a new resolution starts with: the seed's draft, in Kyrgyz, the language
# the council writes in, with their Russian forms for the document in Russian. They are the
# council's own text, kept and edited as data, not interface strings (the first item, on the
# report itself, and the control line are generated). Each item: (text, responsible, deadline,
# text_ru, responsible_ru, deadline_ru).
DEFAULT_ITEMS = [
    (
        "Университеттин материалдык-техникалык базасы жогорулатылсын, б.а. заманбап "
        "лабораториялык жабдыктар менен камсыздалсын",
        "кафедра башчылары, АЧБ",
        "окуу жылынын аягына чейин",
        "Укрепить материально-техническую базу университета, т. е. обеспечить его современным "
        "лабораторным оборудованием",
        "заведующие кафедрами, АХЧ",
        "до конца учебного года",
    ),
    (
        "Күндүзгү жана сырттан окуу бөлүмдөрү боюнча практиканын бардык түрлөрү окуу "
        "пландардын жана окуу процессинин жадыбалынын негизинде уюштурулуп, практика "
        "аяктагандан кийин тиешелүү практика жетекчилери студенттерден практика өткөндүгү "
        "тууралуу отчетторду кабыл алышсын жана ОБгө маалымат беришсин; практика боюнча "
        "мобилдүүлүктү уюштуруу максатында алыскы жана жакынкы чет өлкөлөр менен келишимдер "
        "түзүлсүн жана студенттер жөнөтүлсүн",
        "тиешелүү кафедра башчылары, практика жетекчилери, ОБ",
        "окуу процессинин графиги боюнча",
        "Все виды практики на очном и заочном отделениях организовать на основе учебных планов "
        "и графика учебного процесса; по окончании практики соответствующим руководителям "
        "практики принять от студентов отчёты о её прохождении и представить сведения в "
        "учебный отдел; для организации мобильности по практике заключить договоры со "
        "странами дальнего и ближнего зарубежья и направить туда студентов",
        "соответствующие заведующие кафедрами, руководители практики, учебный отдел",
        "по графику учебного процесса",
    ),
    (
        "Жогорку жана орто кесиптик билим берүү программаларындагы мамлекеттик аттестациялык "
        "сынак (бүтүрүүчү квалификациялык жумушту коргоо) бекитилген жадыбалда уюштурулсун "
        "(б.а. башка мөөнөткө жылдыруу токтотулсун) жана өткөрүү көзөмөлгө алынсын",
        "кафедра башчылары, декандар, ГТКнын директору, ОБ",
        "МАКтын жадыбалы боюнча",
        "Государственный аттестационный экзамен (защиту выпускной квалификационной работы) по "
        "программам высшего и среднего профессионального образования организовать по "
        "утверждённому графику (т. е. прекратить перенос на другие сроки) и взять его "
        "проведение под контроль",
        "заведующие кафедрами, деканы, директор ГТК, учебный отдел",
        "по графику ГАК",
    ),
    (
        "Бүтүрүүчү квалификациялык жумуштар антиплагиат программасынан өткөрүлсүн",
        "кафедра башчылары, директорлор, ГТКнын директору, ОБ",
        "МАКтын жадыбалы боюнча",
        "Проверить выпускные квалификационные работы в системе «Антиплагиат»",
        "заведующие кафедрами, директора, директор ГТК, учебный отдел",
        "по графику ГАК",
    ),
    (
        "Жогорку жана орто кесиптик билим берүү программаларынын билим берүү ишмердүүлүгүн "
        "баалоо үчүн программалык жана институционалдык аккредитацияга даярдыктар көрүлсүн, "
        "уюштурулсун жана өткөрүлсүн",
        "",
        "",
        "Для оценки образовательной деятельности по программам высшего и среднего "
        "профессионального образования подготовить, организовать и провести программную и "
        "институциональную аккредитацию",
        "",
        "",
    ),
]

# The fields of an item, in the order of the tuples above (the form's and the writer's).
ITEM_FIELDS = ("text", "responsible", "deadline", "text_ru", "responsible_ru", "deadline_ru")


def can_edit(user):
    """The vice-rector's office (reports.change_resolution) and superusers edit resolutions."""
    return user.has_perm("reports.change_resolution")


def _check_draft(resolution):
    if resolution.status != ResolutionStatus.DRAFT:
        raise ResolutionFrozen(_("An adopted resolution cannot be changed."))


@transaction.atomic
def create_resolution(fields, items=None):
    """A new draft with `fields` (a dict of Resolution fields) and its items: `items` as
    ITEM_FIELDS tuples, by default the seed's."""
    resolution = Resolution(**fields)
    resolution.full_clean()
    resolution.save()
    _write_items(resolution, DEFAULT_ITEMS if items is None else items)
    return resolution


def _write_items(resolution, items):
    # Rewritten whole, numbered 1…n: reordering never collides with the (resolution, order) key.
    ResolutionItem.objects.filter(resolution=resolution).delete()
    ResolutionItem.objects.bulk_create(
        ResolutionItem(
            resolution=resolution,
            order=order,
            # An item of three (text, responsible, deadline) has no Russian forms yet.
            **{name: (v or "").strip() for name, v in zip(ITEM_FIELDS, item, strict=False)},
        )
        for order, item in enumerate(items, start=1)
    )


@transaction.atomic
def update_resolution(resolution, fields, items):
    """Change a draft's fields and replace its items, in one transaction; an adopted one (even
    adopted meanwhile by someone else) refuses."""
    current = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _check_draft(current)
    for name, value in fields.items():
        setattr(resolution, name, value)
    resolution.full_clean()
    resolution.save()
    _write_items(resolution, items)
    return resolution


@transaction.atomic
def adopt(resolution, user, plans=None):
    """Adopt a draft: its figures are computed once more and frozen with it, for good, as is the
    execution of the previous resolution (the text generated now where none was typed), and its
    items become assignments (`plans`: {item id: execution.services.Plan}; an item without one
    gets the plan its texts suggest)."""
    current = Resolution.objects.select_for_update().select_related("session__academic_year")
    current = current.get(pk=resolution.pk)
    _check_draft(current)
    current.frozen_figures = compute_figures(current.session)
    previous_execution.freeze(current, timezone.localdate())
    current.status = ResolutionStatus.ADOPTED
    current.adopted_at = timezone.now()
    current.adopted_by = user
    try:
        with transaction.atomic():
            current.save(_adopting=True)
    except IntegrityError:
        raise ValidationError(
            _("Another resolution on this exam session has already been adopted.")
        ) from None
    execution.create_assignments(current, plans or {}, user)
    return current
