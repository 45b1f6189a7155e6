"""The demo university's licences, accreditations and seminars: the figures of the seed report's
sections 6, 7 and 9 for 2023-2024, and a few older accreditations so that the expiry warnings
show.

From the seed: 24 programs sent for licensing and 19 licensed (710400 bachelor in both forms is
one program, two rows), the 19 listed by code, name, level and form; 5 programs accredited by
НИРАС for 5 years; the two seminars with their dates, agencies and participants. Made up: the
five programs sent but not (yet) licensed, the licence numbers and dates, the dates of the
accreditation decisions, and the older accreditations below.

The older accreditations are dated so that on 26 November 2026 (when the demo was written) one
has expired, one expires within 3 months, one within 6 and one within 12; the warnings are
computed from the real date, so later on they move (and finally all show as expired).

Programs are looked up in the registry (demo.university) by code, level and form; a program the
registry does not hold (the PhD programs) is written by its code and name. `seed_accreditation_demo`
adds what is missing; never changes what is there: a row found by its natural key is left as the
academic department left it, and none is duplicated.
"""

import datetime

from django.db import transaction

from academics.choices import Level, StudyForm
from academics.models import Program
from accreditation.choices import AccreditationKind, LicenceStatus
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar

B, S, M, P = Level.BACHELOR, Level.SPECIALIST, Level.MASTER, Level.PHD
C, K = Level.SECONDARY, Level.SHORT_COURSE
DAY, EXT = StudyForm.DAY, StudyForm.EXTRAMURAL
D = datetime.date

NIRAS = "Аккредитация, рейтинг жана тастыктоочу көз карандысыз институту"
SAPATTUU = "Сапаттуу Билим"
AGENCIES = [
    {"name": NIRAS, "short_name": "НИРАС", "country": "Кыргыз Республикасы"},
    {
        "name": SAPATTUU,
        "short_name": "",
        "country": "Кыргыз Республикасы",
        "note": "Көз карандысыз аккредитациялык агенттик",
    },
]

# code, name, level, form, status, date sent, licence date, valid until (short courses only)
SENT = D(2023, 10, 16)
LICENSED = D(2024, 3, 22)
LICENCES = [
    ("550500", "Технологиялык билим берүү", B, DAY, LicenceStatus.GRANTED),
    ("580200", "Менеджмент", B, DAY, LicenceStatus.GRANTED),
    ("710400", "Программалык инженерия", B, DAY, LicenceStatus.GRANTED),
    ("710400", "Программалык инженерия", B, EXT, LicenceStatus.GRANTED),
    ("530800", "Эл аралык мамилелер", B, DAY, LicenceStatus.GRANTED),
    ("730100", "Токой иштери жана ландшафттык курулуш", B, DAY, LicenceStatus.GRANTED),
    ("520001", "Тармактык экономика", S, DAY, LicenceStatus.GRANTED),
    ("530003", "Котормо жана котормо таануу", S, EXT, LicenceStatus.GRANTED),
    (
        "610600",
        "Айыл чарба продукцияларын өндүрүүнүн жана кайра иштетүүнүн технологиясы",
        M,
        EXT,
        LicenceStatus.GRANTED,
    ),
    ("710400", "Программалык инженерия", M, DAY, LicenceStatus.GRANTED),
    ("580200", "Менеджмент", M, DAY, LicenceStatus.GRANTED),
    ("580100", "Экономика", P, DAY, LicenceStatus.GRANTED),
    (
        "610600",
        "Айыл чарба продукцияларын өндүрүүнүн жана кайра иштетүүнүн технологиясы",
        P,
        DAY,
        LicenceStatus.GRANTED,
    ),
    ("750500", "Курулуш", P, DAY, LicenceStatus.GRANTED),
    ("050709", "Башталгыч класстарда окутуу", C, DAY, LicenceStatus.GRANTED),
    ("", "Бухгалтердик эсеп", K, DAY, LicenceStatus.GRANTED),
    ("", "Электрондук финансылык отчеттуулук", K, DAY, LicenceStatus.GRANTED),
    ("", "1-С бухгалтерия КПП", K, DAY, LicenceStatus.GRANTED),
    ("", "Ишкердиктин негиздери жана бизнес пландоо", K, DAY, LicenceStatus.GRANTED),
    ("", "Frontend тиркемесин иштеп чыгуу", K, DAY, LicenceStatus.GRANTED),
    # Made up: sent in the year, not licensed (refused, or no answer yet).
    ("710500", "Маалыматтык коопсуздук", M, DAY, LicenceStatus.SENT),
    ("530100", "Лингвистика", M, DAY, LicenceStatus.SENT),
    (
        "690300",
        "Инфокоммуникациялык технологиялар жана байланыш системасы",
        P,
        DAY,
        LicenceStatus.REFUSED,
    ),
    ("080110", "Экономика жана бухгалтердик эсеп (тармактар боюнча)", C, EXT, LicenceStatus.SENT),
    ("", "Python тилинде программалоо", K, DAY, LicenceStatus.REFUSED),
]
# A short course's licence runs for three years here (made up), so the licence warnings show.
SHORT_COURSE_YEARS = 3

# code, level, form, agency, decision date, term: the seed's five (2023-2024), then older ones.
ACCREDITATIONS = [
    ("690300", M, DAY, NIRAS, D(2024, 6, 14), 5),
    ("520800", M, DAY, NIRAS, D(2024, 6, 14), 5),
    ("610600", M, DAY, NIRAS, D(2024, 6, 14), 5),
    ("570400", B, DAY, NIRAS, D(2024, 6, 14), 5),
    ("080106", C, DAY, NIRAS, D(2024, 6, 14), 5),
    # Made up, for the warnings on 2026-11-26: expired; within 6 months; within 12 months.
    ("580100", B, DAY, NIRAS, D(2021, 6, 15), 5),
    ("710400", B, DAY, SAPATTUU, D(2022, 4, 28), 5),
    ("580400", B, DAY, SAPATTUU, D(2022, 10, 14), 5),
]
# Made up: the university's institutional accreditation, expiring within 3 months of 2026-11-26.
INSTITUTIONAL = (NIRAS, D(2021, 12, 20), 5)

SEMINARS = [
    ("«Аккредитация и СМК в образовании»", D(2024, 1, 9), NIRAS, 27),
    (
        "“Билим берүү программаларын ички баалоо жана баяндама жазуу”",
        D(2024, 3, 15),
        SAPATTUU,
        31,
    ),
]


def _program(code, name, level, form):
    lookup = {"code": code} if code else {"code": "", "name": name}
    return Program.objects.filter(level=level, form=form, **lookup).first()


def _licence(number, code, name, level, form, status):
    program = _program(code, name, level, form)
    if program is not None:
        key = {"program": program}
    else:
        key = {"program": None, "code": code, "name": name, "level": level, "form": form}
    if LicenceApplication.objects.filter(**key, date_sent=SENT).exists():
        return
    granted = status == LicenceStatus.GRANTED
    LicenceApplication.objects.create(
        **key,
        date_sent=SENT,
        status=status,
        licence_number=f"LS24{number:06d}" if granted else "",
        licence_date=LICENSED if granted else None,
        valid_until=(
            LICENSED.replace(year=LICENSED.year + SHORT_COURSE_YEARS)
            if granted and level == Level.SHORT_COURSE
            else None
        ),
        note="" if status != LicenceStatus.REFUSED else "Документтер толук эмес",
    )


@transaction.atomic
def seed_accreditation_demo():
    """Write the demo's agencies, licence applications, accreditations and seminars: adds what is
    missing; never changes what is there. Returns the number of rows of each model afterwards.

    An accreditation is found by its program (or none, for the institutional one) and decision
    date, a seminar by its topic and date: one whose agency was changed or renamed is still there.
    An agency is created only for a missing accreditation or seminar that names it."""
    agencies = {}

    def agency(name):
        if name not in agencies:
            row = next(row for row in AGENCIES if row["name"] == name)
            agencies[name], _ = Agency.objects.get_or_create(
                name=name, defaults={k: v for k, v in row.items() if k != "name"}
            )
        return agencies[name]

    for number, (code, name, level, form, status) in enumerate(LICENCES, start=100):
        _licence(number, code, name, level, form, status)

    for code, level, form, agency_name, decided, years in ACCREDITATIONS:
        program = _program(code, "", level, form)
        if program is None:
            continue  # the academic structure's demo has not been loaded
        _accreditation(AccreditationKind.PROGRAM, program, agency_name, decided, years, agency)
    agency_name, decided, years = INSTITUTIONAL
    _accreditation(AccreditationKind.INSTITUTIONAL, None, agency_name, decided, years, agency)

    for topic, day, agency_name, participants in SEMINARS:
        if not Seminar.objects.filter(topic=topic, date=day).exists():
            Seminar.objects.create(
                topic=topic,
                date=day,
                agency=agency(agency_name),
                participants=participants,
                participants_note="Профессордук-окутуучулук курам",
            )
    return [
        (model, model.objects.count())
        for model in (Agency, LicenceApplication, Accreditation, Seminar)
    ]


def _accreditation(kind, program, agency_name, decided, years, agency):
    if Accreditation.objects.filter(kind=kind, program=program, decision_date=decided).exists():
        return
    Accreditation.objects.create(
        kind=kind,
        program=program,
        agency=agency(agency_name),
        decision_date=decided,
        term_years=years,
    )
