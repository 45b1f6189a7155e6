"""The demo's council resolutions: the seed's resolution adopted on the winter session of the demo
year, its items assigned and executed to a realistic spread of statuses as of the day the demo is
loaded, and the next council's draft on the summer session, which opens with that execution.

The demo's data is of a past academic year while the portal is used today, so the deadlines are
counted from today: of the open items one is overdue, one due within the reminders' fortnight,
one due later.
Every write goes through the services that the pages use (reports.resolutions.services.adopt,
reports.execution.services), as the demo's users: the dean's offices report, the vice-rector
reviews, so the items' histories read as they would after a term of use.

Run once: only while the database holds no resolution at all. After that the resolutions are
their users' (a report reviewed, a deadline moved, the draft edited or deleted): a later run adds
nothing and changes nothing. A unit or a demo user that is no longer there is left out, not made.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from academics.models import Department, Faculty
from reports.execution import services as execution
from reports.execution.models import DeadlineKind, UnitKind
from reports.resolutions import services as resolutions
from reports.resolutions.models import Resolution
from sessions_app.models import ExamSession

from .sessions import TERM
from .university import START_YEAR

# The winter session's council sits after it; the next council after the summer session.
ADOPTED_TERM = 1
ADOPTED_COUNCIL = datetime.date(START_YEAR + 1, 2, 28)
DRAFT_COUNCIL = datetime.date(START_YEAR + 1, 8, 29)
PROTOCOL = "6"

# The people of the seed's resolution (the reporter and the controller are the seed's own; the
# demo's vice-rector is the same Мамытов), with the Russian forms the document in Russian needs.
PEOPLE = {
    "reporter_name": "У.Ж. Мамытов",
    "reporter_position": "Окуу иштери боюнча проректор",
    "reporter_position_ru": "проректор по учебной работе",
    "controller": "ОшТУнун окуу иштери боюнча проректору У.Ж. Мамытов",
    "controller_ru": "проректор ОшТУ по учебной работе У.Ж. Мамытов",
    "chair_name": "А.Т. Касымов",
    "chair_position": "Окумуштуулар кеңешинин төрагасы, ректор",
    "chair_position_ru": "Председатель учёного совета, ректор",
    "secretary_name": "Н.Б. Абдыраева",
    "secretary_position": "Окумуштуулар кеңешинин окумуштуу катчысы",
    "secretary_position_ru": "Учёный секретарь учёного совета",
}

VICE_RECTOR = "prorektor"
ACADEMIC_DEPARTMENT = "okuu.bolumu"
# The dean's office that reports for a faculty's (or its departments') part (demo_admin's users).
DEAN_OFFICES = {"itbf": "dekanat.itbf", "ebf": "dekanat.ebf"}


@dataclass(frozen=True)
class Report:
    """A report on one part and its review: accept True/False, or None (still awaiting review).
    `unit`: ("faculty", code), ("department", short name) or ("user", username)."""

    unit: tuple
    text: str
    progress: int
    accept: bool | None = True
    comment: str = ""
    attachment: tuple = ()  # (file name, lines of the page)


@dataclass(frozen=True)
class ItemPlan:
    """Who executes an item of the seed (by its order), its deadline in days from today, what
    was reported, and the reason it was cancelled, if it was."""

    order: int
    days: int
    faculties: tuple = ()
    departments: tuple = ()
    users: tuple = ()
    reports: list = field(default_factory=list)
    cancelled: str = ""


MAK_SCHEDULE = (
    "МАКтын жадыбалы 2023-2024.pdf",
    [
        "M. M. Adyshev atyndagy Osh tehnologiyalyk universiteti",
        "Mamlekettik attestaciyalyk komissiyanyn (MAK) jadybaly, 2023-2024-okuu jyly",
        "",
        "ITBF   710400 Programmalyk injeneriya          03.06.2024 - 08.06.2024",
        "ITBF   710100 Informatika jana esepto tehnikasy 10.06.2024 - 14.06.2024",
        "EBF    580100 Ekonomika                         03.06.2024 - 07.06.2024",
        "EBF    580200 Menejment                         10.06.2024 - 13.06.2024",
        "GTK    orto kesiptik bilim beruu programmalary  17.06.2024 - 22.06.2024",
        "",
        "Okuu bolumu",
    ],
)

# The seed's items (reports.resolutions.services.DEFAULT_ITEMS), by order: 1 the laboratories,
# 2 the practice, 3 the state attestation, 4 the anti-plagiarism check, 5 the accreditation. The
# document numbers them from 2 (its item 1 is the report itself).
ITEMS = [
    # In progress, due within a fortnight: one part done, one partly, one awaiting review.
    ItemPlan(
        1,
        10,
        departments=("ПК", "ИЭТ", "ЭБ", "ФБЭ"),
        reports=[
            Report(
                ("department", "ПК"),
                "Программалык камсыздоо кафедрасынын 3 лабораториясы жаңы жабдуулар менен "
                "камсыздалды: 36 компьютер, 3 интерактивдүү такта жана 3 проектор орнотулду. "
                "Жабдуулар университеттин балансына алынды.",
                100,
            ),
            Report(
                ("department", "ИЭТ"),
                "Эсептөө техникасы лабораториясына 12 компьютер алынды; тармактык жабдууларды "
                "(коммутатор, роутер) сатып алууга тендер жарыяланды.",
                40,
                comment="Тендердин жыйынтыгын кийинки отчетто көрсөткүлө.",
            ),
            Report(
                ("department", "ЭБ"),
                "Экономика жана бизнес кафедрасынын «1С: Бухгалтерия» лабораториясы 20 компьютер "
                "менен жабдылды, программанын лицензиясы 2 жылга сатылып алынды.",
                60,
                accept=None,
            ),
        ],
    ),
    # Overdue: the academic department's part accepted in part, a department's report returned.
    ItemPlan(
        2,
        -9,
        departments=("ПК", "ММ"),
        users=(ACADEMIC_DEPARTMENT,),
        reports=[
            Report(
                ("user", ACADEMIC_DEPARTMENT),
                "Практика боюнча 12 келишим түзүлдү, анын ичинен 4 келишим жакынкы чет "
                "өлкөлөрдүн ишканалары менен (Казакстан, Өзбекстан). Өндүрүштүк практикага 214 "
                "студент жөнөтүлдү; практиканын жадыбалы факультеттерге жеткирилди.",
                70,
            ),
            Report(
                ("department", "ММ"),
                "Менеджмент жана маркетинг кафедрасынын студенттери практикадан өтүштү, "
                "отчеттору кабыл алынды.",
                100,
                accept=False,
                comment="Практикадан өткөн студенттердин саны жана практика базалары "
                "көрсөтүлгөн эмес; ОБгө берилген маалыматтын көчүрмөсүн тиркегиле.",
            ),
        ],
    ),
    # Done: every part accepted at 100%, one after a first report was returned.
    ItemPlan(
        3,
        -20,
        faculties=("itbf", "ebf"),
        users=(ACADEMIC_DEPARTMENT,),
        reports=[
            Report(
                ("faculty", "itbf"),
                "МАК бекитилген жадыбал боюнча өттү.",
                100,
                accept=False,
                comment="Корголгон жумуштардын саны жана жылдырылган коргоолор тууралуу "
                "маалымат жок; толуктагыла.",
            ),
            Report(
                ("faculty", "itbf"),
                "ИТБФ боюнча МАК бекитилген жадыбал боюнча өттү: 186 бүтүрүүчү квалификациялык "
                "жумуш корголду, бир дагы коргоо башка мөөнөткө жылдырылган жок. МАКтын "
                "протоколдору ОБгө тапшырылды.",
                100,
            ),
            Report(
                ("faculty", "ebf"),
                "ЭБФ боюнча мамлекеттик аттестациялык сынактар жадыбал боюнча өткөрүлдү: 142 "
                "бүтүрүүчү коргоого чыгып, 139у ийгиликтүү коргоду; мөөнөттү жылдыруу болгон жок.",
                100,
            ),
            Report(
                ("user", ACADEMIC_DEPARTMENT),
                "МАКтын жадыбалы ректордун буйругу менен бекитилип, факультеттерге жана "
                "колледжге жеткирилди; МАКтын отурумдары көзөмөлгө алынды. Бекитилген жадыбал "
                "тиркелди.",
                100,
                attachment=MAK_SCHEDULE,
            ),
        ],
    ),
    # Cancelled: the check became part of the state attestation's schedule (item 4 of the text).
    ItemPlan(
        4,
        30,
        departments=("ПК", "ЭБ"),
        users=(ACADEMIC_DEPARTMENT,),
        cancelled="Токтомдун 4-пункту менен бириктирилди: бүтүрүүчү квалификациялык жумуштарды "
        "антиплагиат программасынан өткөрүү МАКтын жадыбалына киргизилип, ошол пункттун "
        "алкагында көзөмөлдөнөт.",
    ),
    # Not started, due later.
    ItemPlan(5, 120, faculties=("itbf", "ebf"), users=(ACADEMIC_DEPARTMENT,)),
]


@dataclass
class Seeded:
    adopted: Resolution | None = None
    draft: Resolution | None = None


def _session(term):
    return (
        ExamSession.objects.select_related("academic_year")
        .filter(academic_year__start_year=START_YEAR, term=term)
        .first()
    )


def _demo_users():
    names = [VICE_RECTOR, ACADEMIC_DEPARTMENT, *DEAN_OFFICES.values()]
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return {user.username: user for user in users}


def _plan(item_plan, today, users):
    """The execution Plan of an item: its units as the demo still has them."""
    return execution.Plan(
        DeadlineKind.DATE,
        today + datetime.timedelta(days=item_plan.days),
        faculties=list(Faculty.objects.filter(code__in=item_plan.faculties).order_by("code")),
        departments=list(
            Department.objects.filter(
                short_name__in=item_plan.departments, faculty__code__in=DEAN_OFFICES
            ).order_by("name")
        ),
        users=[users[name] for name in item_plan.users if name in users],
    )


def _responsible(assignment, unit):
    kind, key = unit
    lookup = {
        "faculty": {"kind": UnitKind.FACULTY, "faculty__code": key},
        "department": {"kind": UnitKind.DEPARTMENT, "department__short_name": key},
        "user": {"kind": UnitKind.USER, "user__username": key},
    }[kind]
    return assignment.responsibles.select_related("department__faculty").filter(**lookup).first()


def _reporter(responsible, users):
    """The demo user who reports on a part: the person named, or the dean's office."""
    if responsible.kind == UnitKind.USER:
        return responsible.user
    if responsible.kind == UnitKind.FACULTY:
        code = responsible.faculty.code
    else:
        code = responsible.department.faculty.code
    return users.get(DEAN_OFFICES.get(code))


def pdf(lines):
    """A one-page PDF of ASCII `lines`, written by hand: a real file for the demo's download
    without a PDF library in the demo's dependencies."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    text = "BT /F1 11 Tf 56 800 Td 16 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode("ascii")


def _report(assignment, report, users):
    """Write one report and its review as the demo's users, if they still can."""
    responsible = _responsible(assignment, report.unit)
    reporter = responsible and _reporter(responsible, users)
    if reporter is None or not execution.can_report(reporter, responsible):
        return
    files = []
    if report.attachment:
        name, lines = report.attachment
        files.append(SimpleUploadedFile(name, pdf(lines), content_type="application/pdf"))
    written = execution.submit_report(responsible, reporter, report.text, report.progress, files)
    reviewer = users.get(VICE_RECTOR)
    if report.accept is not None and reviewer is not None and execution.can_review(reviewer):
        execution.review_report(written, reviewer, report.accept, report.comment)


def _execute(resolution, users):
    for item_plan in ITEMS:
        assignment = resolution.assignments.filter(item__order=item_plan.order).first()
        if assignment is None:
            continue
        for report in item_plan.reports:
            _report(assignment, report, users)
        manager = users.get(VICE_RECTOR)
        if item_plan.cancelled and manager is not None and execution.can_manage(manager):
            execution.cancel(assignment, manager, item_plan.cancelled, version=None)


@transaction.atomic
def seed_execution_demo(today=None):
    """The seed's resolution adopted on the demo year's winter session and executed as of `today`
    (by default the local date), and a draft on the summer session: once, while no resolution
    exists and the demo's sessions and vice-rector are there. Returns what it made (Seeded)."""
    seeded = Seeded()
    if Resolution.objects.exists():
        return seeded
    today = today or timezone.localdate()
    users = _demo_users()
    winter, summer = _session(ADOPTED_TERM), _session(TERM)
    if winter is None or summer is None or VICE_RECTOR not in users:
        return seeded
    resolution = resolutions.create_resolution(
        {**PEOPLE, "session": winter, "council_date": ADOPTED_COUNCIL, "protocol_number": PROTOCOL}
    )
    plans = {}
    for item in resolution.items.all():
        item_plan = next((p for p in ITEMS if p.order == item.order), None)
        if item_plan is not None:
            plans[item.pk] = _plan(item_plan, today, users)
    seeded.adopted = resolutions.adopt(resolution, users[VICE_RECTOR], plans)
    _execute(seeded.adopted, users)
    seeded.draft = resolutions.create_resolution(
        {**PEOPLE, "session": summer, "council_date": DRAFT_COUNCIL}
    )
    return seeded
