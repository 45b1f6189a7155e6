"""The demo university: a made-up Osh technological university at the scale of the seed report.

`build_plan()` turns the fixed tables below and seeded random streams into every row, without
touching the database, so the same plan comes out on every run and every machine. `seed_demo()`
writes it, and runs again on every `bin/serve`: it adds what is missing; never changes what is
there. A row is there when its natural key is (a faculty's code, a department's name, a group's
name in the year, a student's record book...) or, renamed since, when it is still recognised (a
faculty by its name, a department by its short name in its faculty, a group by any of its
students). A group's students, and a department's disciplines, staff and teaching loads, are added
only with their group or department: once it is there, they are its users' to move, renumber or
delete. So a second run on an untouched database changes nothing, and a run after the demo was
used leaves what its users changed as they left it.

The totals are the seed report's, for 2023-2024: the programs of its section 1, 520 study groups,
4 083 day and 7 894 extramural students, 482 teaching staff of whom 194 hold a degree (40.2 %),
547 203 planned and 551 233 performed teaching hours.
"""

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction

from academics.choices import (
    Degree,
    DepartmentKind,
    Employment,
    FacultyKind,
    Funding,
    Level,
    LoadLevel,
    Position,
    StudentStatus,
    StudyForm,
    Term,
    Title,
)
from academics.models import (
    AcademicYear,
    Department,
    Discipline,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
    TeachingLoad,
)

START_YEAR = 2023

DAY, EXTRAMURAL = StudyForm.DAY, StudyForm.EXTRAMURAL
BOTH = (DAY, EXTRAMURAL)
GRADUATING, SERVICE = DepartmentKind.GRADUATING, DepartmentKind.SERVICE

# --- The structure -------------------------------------------------------------------------------

# code, name, short name, kind
FACULTIES = [
    ("ebf", "Экономика жана башкаруу факультети", "ЭБФ", FacultyKind.FACULTY),
    ("itbf", "Информациялык технологиялар жана байланыш факультети", "ИТБФ", FacultyKind.FACULTY),
    ("kaf", "Курулуш жана архитектура факультети", "КАФ", FacultyKind.FACULTY),
    ("ef", "Энергетика факультети", "ЭФ", FacultyKind.FACULTY),
    ("tmkf", "Транспорт жана машина куруу факультети", "ТМКФ", FacultyKind.FACULTY),
    ("tdf", "Технология жана дизайн факультети", "ТДФ", FacultyKind.FACULTY),
    ("aaf", "Айыл чарба жана агроинженерия факультети", "ААФ", FacultyKind.FACULTY),
    ("gemf", "Гуманитардык жана эл аралык мамилелер факультети", "ГЭМФ", FacultyKind.FACULTY),
    ("gtk", "Гуманитардык-технологиялык колледж", "ГТК", FacultyKind.COLLEGE),
]

# faculty code, short name (unique in the demo: the tables below refer to it), name, kind
DEPARTMENTS = [
    ("ebf", "ЭБ", "Экономика жана бизнес кафедрасы", GRADUATING),
    ("ebf", "ММ", "Менеджмент жана маркетинг кафедрасы", GRADUATING),
    ("ebf", "ФБЭ", "Финансы жана бухгалтердик эсеп кафедрасы", GRADUATING),
    ("ebf", "ДТС", "Дене тарбия жана спорт кафедрасы", SERVICE),
    ("itbf", "ПК", "Программалык камсыздоо кафедрасы", GRADUATING),
    ("itbf", "ИЭТ", "Информатика жана эсептөө техникасы кафедрасы", GRADUATING),
    ("itbf", "БИТ", "Байланыш жана инфокоммуникациялык технологиялар кафедрасы", GRADUATING),
    ("itbf", "ЖМ", "Жогорку математика кафедрасы", SERVICE),
    ("itbf", "Физ", "Физика кафедрасы", SERVICE),
    ("kaf", "КӨ", "Курулуш өндүрүшү кафедрасы", GRADUATING),
    ("kaf", "Арх", "Архитектура кафедрасы", GRADUATING),
    ("kaf", "АЖГ", "Автомобиль жолдору жана геодезия кафедрасы", GRADUATING),
    ("kaf", "ИГ", "Инженердик графика жана сызма геометрия кафедрасы", SERVICE),
    ("ef", "ЭЭ", "Электр энергетикасы кафедрасы", GRADUATING),
    ("ef", "ЖЭ", "Жылуулук энергетикасы кафедрасы", GRADUATING),
    ("ef", "ЭЖА", "Электр менен жабдуу жана автоматташтыруу кафедрасы", GRADUATING),
    ("ef", "ЭКТК", "Эмгекти коргоо жана тиричилик коопсуздугу кафедрасы", SERVICE),
    ("tmkf", "ТП", "Транспорттук процесстер кафедрасы", GRADUATING),
    ("tmkf", "АТр", "Автомобиль транспорту кафедрасы", GRADUATING),
    ("tmkf", "МКТ", "Машина куруунун технологиясы кафедрасы", GRADUATING),
    ("tmkf", "ТМ", "Техникалык механика кафедрасы", SERVICE),
    ("tdf", "ТӨТ", "Тамак-аш өндүрүшүнүн технологиясы кафедрасы", GRADUATING),
    ("tdf", "ДЖӨ", "Дизайн жана жеңил өнөр жай технологиясы кафедрасы", GRADUATING),
    ("tdf", "ТББ", "Технологиялык билим берүү кафедрасы", GRADUATING),
    ("tdf", "Хим", "Химия жана химиялык технология кафедрасы", SERVICE),
    (
        "aaf",
        "АКИ",
        "Агроинженерия жана айыл чарба продукцияларын кайра иштетүү кафедрасы",
        GRADUATING,
    ),
    ("aaf", "ЭТИ", "Экология жана токой иштери кафедрасы", GRADUATING),
    ("gemf", "ЭММ", "Эл аралык мамилелер жана туризм кафедрасы", GRADUATING),
    ("gemf", "КЛ", "Котормо жана лингвистика кафедрасы", GRADUATING),
    ("gemf", "КТА", "Кыргыз тили жана адабияты кафедрасы", SERVICE),
    ("gemf", "ОТЧ", "Орус тили жана чет тилдер кафедрасы", SERVICE),
    ("gemf", "ТФ", "Тарых жана философия кафедрасы", SERVICE),
    ("gtk", "ГТК-ЭУ", "Экономика жана укук кафедрасы", GRADUATING),
    ("gtk", "ГТК-КТ", "Компьютердик технологиялар кафедрасы", GRADUATING),
    ("gtk", "ГТК-ТА", "Техникалык адистиктер кафедрасы", GRADUATING),
    ("gtk", "ГТК-ПТ", "Педагогика жана тейлөө кызматы кафедрасы", GRADUATING),
    ("gtk", "ГТК-ЖБ", "Жалпы билим берүүчү дисциплиналар кафедрасы", SERVICE),
    ("gtk", "ГТК-ТК", "Тилдер жана коомдук илимдер кафедрасы", SERVICE),
]

# graduating department, level, code, name, group abbreviation, forms. The faculty is the
# department's. The codes and names of the seed report's licences and accreditations are real.
B, S, M, C = Level.BACHELOR, Level.SPECIALIST, Level.MASTER, Level.SECONDARY
PROGRAMS = [
    # Экономика жана башкаруу
    ("ЭБ", B, "580100", "Экономика", "Эк", BOTH),
    ("ММ", B, "580200", "Менеджмент", "Мен", BOTH),
    ("ММ", B, "580300", "Соода иши", "СИ", (DAY,)),
    ("ФБЭ", B, "580400", "Финансы жана кредит", "ФК", BOTH),
    ("ЭБ", S, "520001", "Тармактык экономика", "ТЭ", (DAY,)),
    ("ЭБ", M, "580100", "Экономика", "Эк", (DAY,)),
    ("ММ", M, "580200", "Менеджмент", "Мен", (DAY,)),
    # Информациялык технологиялар жана байланыш
    ("ПК", B, "710400", "Программалык инженерия", "ПИ", BOTH),
    ("ПК", B, "710500", "Маалыматтык коопсуздук", "МК", (DAY,)),
    ("ИЭТ", B, "710100", "Информатика жана эсептөө техникасы", "ИЭТ", BOTH),
    ("ИЭТ", B, "710200", "Маалыматтык системалар жана технологиялар", "МСТ", BOTH),
    (
        "БИТ",
        B,
        "690300",
        "Инфокоммуникациялык технологиялар жана байланыш системасы",
        "ИКТ",
        BOTH,
    ),
    ("ПК", M, "710400", "Программалык инженерия", "ПИ", (DAY,)),
    ("ИЭТ", M, "710100", "Информатика жана эсептөө техникасы", "ИЭТ", (DAY,)),
    ("ИЭТ", M, "710200", "Маалыматтык системалар жана технологиялар", "МСТ", (DAY,)),
    (
        "БИТ",
        M,
        "690300",
        "Инфокоммуникациялык технологиялар жана байланыш системасы",
        "ИКТ",
        (DAY,),
    ),
    # Курулуш жана архитектура
    ("КӨ", B, "750500", "Курулуш", "Кур", BOTH),
    ("КӨ", B, "750700", "Суу менен камсыздоо жана суу чыгаруу", "СКС", BOTH),
    ("Арх", B, "750100", "Архитектура", "Арх", (DAY,)),
    ("АЖГ", B, "750600", "Автомобиль жолдорун жана аэродромдорду куруу", "АЖА", BOTH),
    ("КӨ", M, "750500", "Курулуш", "Кур", (DAY,)),
    # Энергетика
    ("ЭЭ", B, "640200", "Электр энергетикасы жана электр техникасы", "ЭЭТ", BOTH),
    ("ЖЭ", B, "640100", "Жылуулук энергетикасы жана жылуулук техникасы", "ЖЭТ", BOTH),
    ("ЭЖА", B, "651900", "Технологиялык процесстерди автоматташтыруу жана башкаруу", "АБ", (DAY,)),
    ("ЭЭ", M, "640200", "Электр энергетикасы жана электр техникасы", "ЭЭТ", (DAY,)),
    # Транспорт жана машина куруу
    ("ТП", B, "670300", "Транспорттук процесстердин технологиясы", "ТПТ", BOTH),
    (
        "АТр",
        B,
        "670100",
        "Транспорттук-технологиялык машиналарды жана комплекстерди пайдалануу",
        "ТТМ",
        BOTH,
    ),
    ("МКТ", B, "651000", "Машина куруунун технологиялары жана жабдуулары", "МКТ", BOTH),
    ("АТр", S, "670001", "Жер үстүндөгү транспорттук-технологиялык каражаттар", "ЖТК", (DAY,)),
    ("ТП", M, "670300", "Транспорттук процесстердин технологиясы", "ТПТ", (DAY,)),
    # Технология жана дизайн
    ("ТӨТ", B, "740100", "Тамак-аш өндүрүшүнүн технологиясы", "ТАӨ", BOTH),
    ("ДЖӨ", B, "570400", "Дизайн", "Диз", (DAY,)),
    ("ДЖӨ", B, "740200", "Жеңил өнөр жай буюмдарынын технологиясы", "ЖӨБ", BOTH),
    ("ТББ", B, "550500", "Технологиялык билим берүү", "ТББ", BOTH),
    ("ТӨТ", M, "740100", "Тамак-аш өндүрүшүнүн технологиясы", "ТАӨ", (DAY,)),
    ("ДЖӨ", M, "570400", "Дизайн", "Диз", (DAY,)),
    # Айыл чарба жана агроинженерия
    (
        "АКИ",
        B,
        "610600",
        "Айыл чарба продукцияларын өндүрүүнүн жана кайра иштетүүнүн технологиясы",
        "АЧП",
        BOTH,
    ),
    ("АКИ", B, "660200", "Агроинженерия", "Агр", BOTH),
    ("ЭТИ", B, "730100", "Токой иштери жана ландшафттык курулуш", "ТИЛ", (DAY,)),
    ("ЭТИ", B, "520800", "Жаратылышты колдонуу жана экология", "ЖКЭ", BOTH),
    (
        "АКИ",
        M,
        "610600",
        "Айыл чарба продукцияларын өндүрүүнүн жана кайра иштетүүнүн технологиясы",
        "АЧП",
        BOTH,
    ),
    ("ЭТИ", M, "520800", "Жаратылышты колдонуу жана экология", "ЖКЭ", (DAY,)),
    # Гуманитардык жана эл аралык мамилелер
    ("ЭММ", B, "530800", "Эл аралык мамилелер", "ЭлМ", (DAY,)),
    ("ЭММ", B, "530500", "Туризм", "Тур", BOTH),
    ("КЛ", B, "530100", "Лингвистика", "Линг", BOTH),
    ("КЛ", S, "530003", "Котормо жана котормо таануу", "КТТ", BOTH),
    ("ЭММ", M, "530800", "Эл аралык мамилелер", "ЭлМ", (DAY,)),
    # Гуманитардык-технологиялык колледж
    ("ГТК-ЭУ", C, "080106", "Финансы (тармактар боюнча)", "Ф", BOTH),
    ("ГТК-ЭУ", C, "080110", "Экономика жана бухгалтердик эсеп (тармактар боюнча)", "ЭБЭ", BOTH),
    ("ГТК-ЭУ", C, "080108", "Банк иши", "БИ", BOTH),
    ("ГТК-ЭУ", C, "080107", "Салыктар жана салык салуу", "ССС", BOTH),
    ("ГТК-ЭУ", C, "080501", "Менеджмент (тармактар боюнча)", "М", BOTH),
    (
        "ГТК-ЭУ",
        C,
        "100801",
        "Товар таануу жана керектөө товарларынын сапатын экспертизалоо",
        "ТТЭ",
        BOTH,
    ),
    ("ГТК-ЭУ", C, "030503", "Укук таануу", "УТ", BOTH),
    ("ГТК-ЭУ", C, "100114", "Мейманкана иши", "МИ", BOTH),
    (
        "ГТК-КТ",
        C,
        "230105",
        "Эсептөө техникасынын жана автоматташтырылган системалардын программалык камсыздоосу",
        "ПО",
        BOTH,
    ),
    ("ГТК-КТ", C, "230401", "Маалыматтык системалар (тармактар боюнча)", "МС", BOTH),
    (
        "ГТК-КТ",
        C,
        "230101",
        "Эсептөө машиналары, комплекстери, системалары жана тармактары",
        "ЭМ",
        BOTH,
    ),
    ("ГТК-КТ", C, "210723", "Байланыш тармактары жана коммутация системалары", "БТ", BOTH),
    ("ГТК-КТ", C, "072601", "Дизайн (тармактар боюнча)", "Д", (DAY,)),
    ("ГТК-КТ", C, "031601", "Жарнама", "Ж", (DAY,)),
    (
        "ГТК-ТА",
        C,
        "270103",
        "Имараттарды жана курулмаларды куруу жана пайдалануу",
        "ИКК",
        BOTH,
    ),
    (
        "ГТК-ТА",
        C,
        "270116",
        "Ички санитардык-техникалык түзүлүштөрдү монтаждоо жана пайдалануу",
        "СТ",
        BOTH,
    ),
    (
        "ГТК-ТА",
        C,
        "190604",
        "Автомобиль транспортун техникалык тейлөө жана оңдоо",
        "АТ",
        BOTH,
    ),
    (
        "ГТК-ТА",
        C,
        "140613",
        "Электр жана электр-механикалык жабдууларды техникалык пайдалануу",
        "ЭЖ",
        BOTH,
    ),
    ("ГТК-ТА", C, "110809", "Айыл чарбасын механизациялоо", "АЧМ", BOTH),
    ("ГТК-ТА", C, "120101", "Колдонмо геодезия", "Гео", (DAY,)),
    ("ГТК-ТА", C, "220703", "Технологиялык процесстерди автоматташтыруу", "ТПА", (DAY,)),
    (
        "ГТК-ТА",
        C,
        "151031",
        "Өнөр жай жабдууларын монтаждоо жана техникалык пайдалануу",
        "ӨЖ",
        (DAY,),
    ),
    ("ГТК-ПТ", C, "050709", "Башталгыч класстарда окутуу", "БКО", BOTH),
    ("ГТК-ПТ", C, "050704", "Мектепке чейинки билим берүү", "МЧБ", BOTH),
    ("ГТК-ПТ", C, "050303", "Чет тили", "ЧТ", (DAY,)),
    ("ГТК-ПТ", C, "260807", "Коомдук тамактануу продукцияларынын технологиясы", "КТ", BOTH),
    ("ГТК-ПТ", C, "260903", "Тигүү буюмдарын моделдөө жана конструкциялоо", "ТБМ", (DAY,)),
    ("ГТК-ПТ", C, "040401", "Социалдык иш", "СоцИ", BOTH),
    ("ГТК-ПТ", C, "250109", "Бак-парк жана ландшафттык курулуш", "БПЛ", (DAY,)),
]

# The short courses licensed in 2023-2024 (seed, section 6): no code, no groups yet.
# graduating department, name
SHORT_COURSES = [
    ("ФБЭ", "Бухгалтердик эсеп"),
    ("ФБЭ", "Электрондук финансылык отчеттуулук"),
    ("ФБЭ", "1-С бухгалтерия КПП"),
    ("ЭБ", "Ишкердиктин негиздери жана бизнес пландоо"),
    ("ПК", "Frontend тиркемесин иштеп чыгуу"),
]

# Study groups of the year, by levels and form (seed, "Тайпалар жөнүндө маалымат").
GROUP_TOTALS = [
    ((B, S), DAY, 123),
    ((B, S), EXTRAMURAL, 215),
    ((M,), DAY, 30),
    ((M,), EXTRAMURAL, 2),
    ((C,), DAY, 117),
    ((C,), EXTRAMURAL, 33),
]
PROGRAM_YEARS = {B: 4, S: 5, M: 2, C: 3}
# Group names: abbreviation, level and form mark, year of study, index ("ПИ-1-1", "ПИс-2-3").
GROUP_MARK = {(M, DAY): "м", (M, EXTRAMURAL): "мс", EXTRAMURAL: "с", DAY: ""}

# The contingent (seed, section 5 and the draft resolution).
STUDENTS = {DAY: 4083, EXTRAMURAL: 7894}
BUDGET_STUDENTS = {DAY: 772, EXTRAMURAL: 0}
FOREIGN_STUDENTS = {DAY: 262, EXTRAMURAL: 3836}
# Typical group sizes, only as weights: the totals above are exact.
GROUP_SIZE = {
    (DAY, B): 16,
    (DAY, S): 15,
    (DAY, M): 8,
    (DAY, C): 17,
    (EXTRAMURAL, B): 34,
    (EXTRAMURAL, S): 30,
    (EXTRAMURAL, M): 9,
    (EXTRAMURAL, C): 27,
}

# Teaching staff (seed, section 3): 309 in the faculties, 173 in the college, 194 of the 482 with a
# degree (40.2 %). Per kind of faculty: position, how many, and their degrees. Heads are one per
# department.
STAFF = {
    FacultyKind.FACULTY: [
        (Position.HEAD, 32, {Degree.DOCTOR: 6, Degree.CANDIDATE: 24, Degree.PHD: 2}),
        (Position.PROFESSOR, 15, {Degree.DOCTOR: 12, Degree.CANDIDATE: 3}),
        (Position.DOCENT, 91, {Degree.CANDIDATE: 79, Degree.PHD: 6, Degree.NONE: 6}),
        (
            Position.SENIOR_LECTURER,
            65,
            {Degree.CANDIDATE: 22, Degree.PHD: 6, Degree.NONE: 37},
        ),
        (Position.LECTURER, 104, {Degree.NONE: 104}),
        (Position.ASSISTANT, 2, {Degree.NONE: 2}),
    ],
    FacultyKind.COLLEGE: [
        (Position.HEAD, 6, {Degree.CANDIDATE: 5, Degree.NONE: 1}),
        (Position.DOCENT, 8, {Degree.CANDIDATE: 8}),
        (Position.SENIOR_LECTURER, 17, {Degree.CANDIDATE: 10, Degree.NONE: 7}),
        (Position.LECTURER, 142, {Degree.CANDIDATE: 6, Degree.PHD: 5, Degree.NONE: 131}),
    ],
}
PART_TIME_RATES = ["0.25", "0.50", "0.50", "0.75"]

# Teaching load of the year (seed, section 4).
PLANNED_HOURS = 547_203
PERFORMED_HOURS = 551_233
REASON_MERGED = "Тайпалардагы студенттердин саны азайгандыктан тайпалар бириктирилди"
REASON_PRACTICE = "Өндүрүштүк практиканын мөөнөтү кыскартылгандыктан сааттар толук аткарылган жок"
REASON_ACCELERATED = (
    "Сырттан окуу бөлүмүнө тездетилген программа менен кабыл алынган студенттердин эсебинен"
)
REASON_FOREIGN = "Чет өлкөлүк студенттерди кабыл алуунун натыйжасында кошумча тайпалар ачылды"

# department, name
DISCIPLINES = [
    ("ЭБ", "Экономикалык теория"),
    ("ЭБ", "Микроэкономика"),
    ("ЭБ", "Макроэкономика"),
    ("ЭБ", "Ишкана экономикасы"),
    ("ММ", "Менеджменттин негиздери"),
    ("ММ", "Маркетинг"),
    ("ФБЭ", "Бухгалтердик эсеп жана аудит"),
    ("ФБЭ", "Финансы жана кредит"),
    ("ФБЭ", "Статистика"),
    ("ДТС", "Дене тарбия"),
    ("ПК", "Программалоонун негиздери"),
    ("ПК", "Объектке багытталган программалоо"),
    ("ПК", "Веб-программалоо"),
    ("ПК", "Алгоритмдер жана маалымат структуралары"),
    ("ИЭТ", "Маалыматтар базасы"),
    ("ИЭТ", "Операциялык системалар"),
    ("ИЭТ", "Компьютердик архитектура"),
    ("БИТ", "Компьютердик тармактар"),
    ("БИТ", "Байланыштын теориясы"),
    ("ЖМ", "Жогорку математика"),
    ("ЖМ", "Ыктымалдуулуктар теориясы жана математикалык статистика"),
    ("ЖМ", "Дискреттик математика"),
    ("Физ", "Физика"),
    ("КӨ", "Курулуш материалдары"),
    ("КӨ", "Темир-бетон конструкциялары"),
    ("КӨ", "Курулуш механикасы"),
    ("Арх", "Архитектуралык долбоорлоо"),
    ("АЖГ", "Геодезия"),
    ("АЖГ", "Автомобиль жолдорун долбоорлоо"),
    ("ИГ", "Сызма геометрия жана инженердик графика"),
    ("ЭЭ", "Электр техникасынын теориялык негиздери"),
    ("ЭЭ", "Электр машиналары"),
    ("ЖЭ", "Техникалык термодинамика"),
    ("ЖЭ", "Кайра жаралуучу энергия булактары"),
    ("ЭЖА", "Автоматтык башкаруунун теориясы"),
    ("ЭКТК", "Тиричилик коопсуздугу"),
    ("ТП", "Жүк ташуунун технологиясы"),
    ("АТр", "Автомобилдердин түзүлүшү"),
    ("МКТ", "Машина тетиктери"),
    ("ТМ", "Материалдардын каршылыгы"),
    ("ТМ", "Теориялык механика"),
    ("ТӨТ", "Тамак-аш продукцияларынын технологиясы"),
    ("ДЖӨ", "Композиция"),
    ("ДЖӨ", "Кийимди долбоорлоо"),
    ("ТББ", "Технологияны окутуунун методикасы"),
    ("Хим", "Химия"),
    ("АКИ", "Айыл чарба машиналары"),
    ("АКИ", "Өсүмдүк өстүрүү"),
    ("ЭТИ", "Экология"),
    ("ЭТИ", "Топурак таануу"),
    ("ЭММ", "Эл аралык мамилелердин тарыхы"),
    ("ЭММ", "Туризмдин негиздери"),
    ("КЛ", "Котормонун теориясы"),
    ("КЛ", "Тил илимине киришүү"),
    ("КТА", "Кыргыз тили"),
    ("КТА", "Манас таануу"),
    ("ОТЧ", "Орус тили"),
    ("ОТЧ", "Англис тили"),
    ("ТФ", "Кыргыз тарыхы"),
    ("ТФ", "Философия"),
    ("ГТК-ЭУ", "Салык салуунун негиздери"),
    ("ГТК-КТ", "Информатика"),
    ("ГТК-ТА", "Техникалык чийме"),
    ("ГТК-ПТ", "Педагогика жана психология"),
    ("ГТК-ЖБ", "Жалпы математика"),
    ("ГТК-ТК", "Кыргыз адабияты"),
]

# --- Names ---------------------------------------------------------------------------------------

# Surnames in the male form; the female form adds "а".
SURNAMES = [
    "Асанов", "Абдыраимов", "Жумабеков", "Токтогулов", "Осмонов", "Мамытов", "Садыков",
    "Исаков", "Ташиев", "Бейшеналиев", "Шамшиев", "Алиев", "Маматов", "Турдубаев", "Кадыров",
    "Жолдошев", "Эргешов", "Ысмайылов", "Абдуллаев", "Сыдыков", "Токтосунов", "Каримов",
    "Мырзаев", "Нурматов", "Орозбаев", "Сатыбалдиев", "Кочкоров", "Үсөнов", "Бообеков",
    "Жээнбеков", "Капаров", "Арстанбеков", "Төлөнов", "Камчыбеков", "Калыбеков", "Мамбетов",
    "Ибраимов", "Акматов", "Жапаров", "Султанов", "Рыскулов", "Эсенгулов", "Абдрахманов",
    "Орозов", "Раимбеков", "Өмүрбеков", "Байтиков", "Медеров", "Төрөбеков", "Бекназаров",
]  # fmt: skip
MALE_NAMES = [
    "Бакыт", "Азамат", "Нурлан", "Эрлан", "Бекзат", "Айбек", "Улан", "Мирлан", "Эрмек",
    "Талант", "Нурбек", "Асылбек", "Тилек", "Канат", "Эламан", "Адилет", "Бектур", "Нуртилек",
    "Алмаз", "Данияр", "Элдияр", "Актилек", "Темирлан", "Илияз", "Атай", "Эмир", "Байэл",
    "Куттубек", "Тынчтык", "Медер", "Руслан", "Максат", "Эрнис", "Жыргалбек", "Кубанычбек",
    "Самат", "Уланбек", "Чынгыз", "Урмат", "Жаныбек", "Болот", "Мурат", "Нурсултан", "Аскар",
]  # fmt: skip
FEMALE_NAMES = [
    "Айпери", "Айжан", "Айгерим", "Жибек", "Асель", "Нургүл", "Бегимай", "Айзада", "Гүлзада",
    "Сезим", "Мээрим", "Айдана", "Элнура", "Нуриза", "Жылдыз", "Чолпон", "Динара", "Назгүл",
    "Гүлмира", "Канышай", "Айбийке", "Айсулуу", "Акмарал", "Бурулай", "Толгонай", "Камила",
    "Алтынай", "Нурайым", "Айкөкүл", "Элиза", "Мадина", "Айнура", "Гүлнара", "Зарина",
    "Салтанат", "Азима", "Аида", "Бермет", "Каныкей", "Сайкал",
]  # fmt: skip
# Fathers' names, for the patronymic ("Жумабекович", "Талантбековна").
FATHER_NAMES = [
    "Жумабек", "Талантбек", "Асан", "Бакыт", "Абдыраим", "Токтогул", "Осмон", "Мамыт", "Садык",
    "Эркин", "Марат", "Нурлан", "Каныбек", "Алмаз", "Бактыбек", "Жолдош", "Кубаныч", "Урмат",
    "Азамат", "Токтосун", "Медет", "Самат", "Советбек", "Мырзабек", "Абдиманап", "Турсун",
    "Келдибек", "Анарбек", "Эсенбек", "Нурбек", "Сапарбек", "Маматжан", "Абдыкадыр", "Шаршен",
]  # fmt: skip


def _full_name(rng):
    surname, father = rng.choice(SURNAMES), rng.choice(FATHER_NAMES)
    if rng.random() < 0.5:
        return f"{surname}а {rng.choice(FEMALE_NAMES)} {father}овна"
    return f"{surname} {rng.choice(MALE_NAMES)} {father}ович"


def _rng(stream):
    # A string seed goes through SHA-512 in Python, so it does not depend on hash randomization.
    # One stream per part: changing the staff tables does not reshuffle the students.
    return random.Random(f"osh-demo-{START_YEAR}-{stream}")


def _apportion(total, weights):
    """Split `total` into whole numbers in proportion to integer `weights` (largest remainder)."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


# --- The plan ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Every row of the demo as plain values, other rows referred to by their natural keys."""

    faculties: list
    departments: list
    programs: list
    short_courses: list
    groups: list
    students: list
    disciplines: list
    staff: list
    loads: list

    def digest(self):
        text = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def build_plan():
    faculty_kind = {code: kind for code, _, _, kind in FACULTIES}
    faculties = [
        {"code": code, "name": name, "short_name": short, "kind": kind}
        for code, name, short, kind in FACULTIES
    ]
    departments = [
        {"faculty": faculty, "name": name, "short_name": short, "kind": kind}
        for faculty, short, name, kind in DEPARTMENTS
    ]
    by_short = {d["short_name"]: d for d in departments}
    programs = [
        {
            "code": code,
            "name": name,
            "level": level,
            "form": form,
            "faculty": by_short[dept]["faculty"],
            "department": by_short[dept]["name"],
            "abbreviation": abbreviation,
        }
        for dept, level, code, name, abbreviation, forms in PROGRAMS
        for form in forms
    ]
    short_courses = [
        {
            "code": "",
            "name": name,
            "level": Level.SHORT_COURSE,
            "form": DAY,
            "faculty": by_short[dept]["faculty"],
            "department": by_short[dept]["name"],
        }
        for dept, name in SHORT_COURSES
    ]
    groups = _plan_groups(programs)
    students = _plan_students(groups)
    staff = _plan_staff(departments, faculty_kind)
    loads = _plan_loads(departments, staff, faculty_kind)
    disciplines = [
        {"name": name, "department": by_short[dept]["name"]} for dept, name in DISCIPLINES
    ]
    plan = Plan(
        faculties, departments, programs, short_courses, groups, students, disciplines, staff, loads
    )
    _check_unique(plan)
    return plan


def _program_key(program):
    return (program["code"], program["level"], program["form"])


def _plan_groups(programs):
    rng = _rng("groups")
    groups = []
    for levels, form, total in GROUP_TOTALS:
        chosen = [p for p in programs if p["level"] in levels and p["form"] == form]
        # Every program runs at least one group; the others go to the busier programs.
        counts = _apportion(total - len(chosen), [rng.randint(2, 9) for _ in chosen])
        for program, extra in zip(chosen, counts, strict=True):
            years = PROGRAM_YEARS[program["level"]]
            mark = GROUP_MARK.get((program["level"], form), GROUP_MARK[form])
            per_year = {}
            for n in range(1 + extra):
                year = n % years + 1
                per_year[year] = per_year.get(year, 0) + 1
                groups.append(
                    {
                        "name": f"{program['abbreviation']}{mark}-{year}-{per_year[year]}",
                        "program": _program_key(program),
                        "year_of_study": year,
                    }
                )
    return groups


def _plan_students(groups):
    rng = _rng("students")
    students = []
    for form in (DAY, EXTRAMURAL):
        in_form = [g for g in groups if g["program"][2] == form]
        weights = [GROUP_SIZE[(form, g["program"][1])] * rng.randint(70, 130) for g in in_form]
        sizes = _apportion(STUDENTS[form], weights)
        first = len(students)
        for group, size in zip(in_form, sizes, strict=True):
            entered = START_YEAR - group["year_of_study"] + 1
            for _ in range(size):
                students.append(
                    {
                        "record_book": f"{entered % 100:02d}{len(students) + 1:05d}",
                        "full_name": _full_name(rng),
                        "group": group["name"],
                        "funding": Funding.CONTRACT,
                        "foreign": False,
                        "status": StudentStatus.STUDYING,
                    }
                )
        # Budget places are the state's: foreign students study on a contract.
        indexes = range(first, len(students))
        budget = sorted(rng.sample(indexes, BUDGET_STUDENTS[form]))
        contract = sorted(set(indexes) - set(budget))
        for i in budget:
            students[i]["funding"] = Funding.BUDGET
        for i in rng.sample(contract, FOREIGN_STUDENTS[form]):
            students[i]["foreign"] = True
    return students


def _title(rng, position, degree):
    # A title follows a degree: professor for a doctor, docent for most degreed senior staff.
    if degree == Degree.DOCTOR:
        return Title.PROFESSOR
    senior = position in (Position.HEAD, Position.PROFESSOR, Position.DOCENT)
    if degree == Degree.CANDIDATE and senior and rng.random() < 0.8:
        return Title.DOCENT
    if degree == Degree.PHD and senior and rng.random() < 0.3:
        return Title.DOCENT
    return Title.NONE


def _plan_staff(departments, faculty_kind):
    rng = _rng("staff")
    staff = []
    for kind, rows in STAFF.items():
        depts = [d for d in departments if faculty_kind[d["faculty"]] == kind]
        heads, others = [], []
        for position, count, degrees in rows:
            assert sum(degrees.values()) == count, (kind, position)
            people = [(position, d) for d, n in degrees.items() for _ in range(n)]
            (heads if position == Position.HEAD else others).extend(people)
        assert len(heads) == len(depts), kind
        rng.shuffle(heads)
        rng.shuffle(others)
        # Service departments (languages, mathematics) teach every program: larger staff.
        weights = [rng.randint(6, 12) * (3 if d["kind"] == SERVICE else 2) for d in depts]
        sizes = _apportion(len(others), weights)
        start = 0
        for dept, head, size in zip(depts, heads, sizes, strict=True):
            for position, degree in [head, *others[start : start + size]]:
                part_time = position != Position.HEAD and rng.random() < 0.12
                if part_time:
                    employment, rate = Employment.PART_TIME, rng.choice(PART_TIME_RATES)
                else:
                    employment, rate = Employment.FULL_TIME, rng.choice(["1.00"] * 6 + ["1.50"])
                staff.append(
                    {
                        "personnel_number": f"T{len(staff) + 1:04d}",
                        "full_name": _full_name(rng),
                        "department": dept["name"],
                        "position": position,
                        "degree": degree,
                        "title": _title(rng, position, degree),
                        "employment": employment,
                        "rate": Decimal(rate),
                    }
                )
            start += size
    return staff


def _plan_loads(departments, staff, faculty_kind):
    rng = _rng("loads")
    fte = {d["name"]: 0 for d in departments}
    for member in staff:
        fte[member["department"]] += int(member["rate"] * 100)
    loads = []
    for dept in departments:
        college = faculty_kind[dept["faculty"]] == FacultyKind.COLLEGE
        for term, share in ((Term.FIRST, 52), (Term.SECOND, 48)):
            loads.append(
                {
                    "department": dept["name"],
                    "term": term,
                    "level": LoadLevel.SECONDARY if college else LoadLevel.HIGHER,
                    "weight": fte[dept["name"]] * share * rng.randint(90, 110),
                }
            )
    planned = _apportion(PLANNED_HOURS, [row.pop("weight") for row in loads])
    for row, hours in zip(loads, planned, strict=True):
        row.update(planned_hours=hours, performed_hours=hours, reason="")

    # As in the seed: the college under-performs in the autumn (groups merged), a couple of
    # faculty departments too; faculty departments over-perform on accelerated extramural and
    # foreign intakes, by as much as makes the university total.
    college_autumn = [
        r for r in loads if r["level"] == LoadLevel.SECONDARY and r["term"] == Term.FIRST
    ]
    faculty_rows = [r for r in loads if r["level"] == LoadLevel.HIGHER]
    under = [(row, REASON_MERGED) for row in rng.sample(college_autumn, 3)]
    under += zip(rng.sample(faculty_rows, 2), (REASON_MERGED, REASON_PRACTICE), strict=True)
    shortfall = 0
    for row, reason in under:
        missing = row["planned_hours"] * rng.randint(4, 12) // 100
        row.update(performed_hours=row["planned_hours"] - missing, reason=reason)
        shortfall += missing
    over = rng.sample([r for r in faculty_rows if not r["reason"]], 10)
    extras = _apportion(
        PERFORMED_HOURS - PLANNED_HOURS + shortfall, [r["planned_hours"] for r in over]
    )
    for row, extra in zip(over, extras, strict=True):
        reason = REASON_ACCELERATED if rng.random() < 0.6 else REASON_FOREIGN
        row.update(performed_hours=row["planned_hours"] + extra, reason=reason)
    return loads


def _check_unique(plan):
    for rows, key in (
        (plan.faculties, lambda r: r["code"]),
        (plan.faculties, lambda r: r["name"]),
        (plan.departments, lambda r: r["name"]),
        (plan.programs, _program_key),
        (plan.short_courses, lambda r: r["name"]),
        (plan.groups, lambda r: r["name"]),
        (plan.students, lambda r: r["record_book"]),
        (plan.disciplines, lambda r: r["name"]),
        (plan.staff, lambda r: r["personnel_number"]),
        (plan.loads, lambda r: (r["department"], r["term"], r["level"])),
    ):
        keys = [key(r) for r in rows]
        assert len(keys) == len(set(keys)), f"duplicate natural keys in the demo plan: {rows[0]}"


# --- Writing -------------------------------------------------------------------------------------

# The models seed_demo() writes, in the order of their dependencies.
MODELS = [
    AcademicYear,
    Faculty,
    Department,
    Program,
    StudyGroup,
    Student,
    Discipline,
    StaffMember,
    TeachingLoad,
]
BATCH_SIZE = 1000


def _insert(model, rows, refs=(), **fixed):
    """Insert `rows`, skipping any whose natural key (or another unique value) is taken: the row
    that holds it is left as it is.

    `refs` maps a row's references (natural keys of other rows) to ids: {"group": group_ids}.
    """
    refs = dict(refs)
    objects = []
    for row in rows:
        values = {k: v for k, v in row.items() if k not in refs}
        values.update({f"{k}_id": ids[row[k]] for k, ids in refs.items()})
        objects.append(model(**values, **fixed))
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _faculty_ids(plan):
    """The plan's faculty codes -> ids (None when missing): by code, or by name for a faculty
    whose code was changed."""
    by_code, by_name = {}, {}
    for pk, code, name in Faculty.objects.values_list("pk", "code", "name"):
        by_code[code], by_name[name] = pk, pk
    return {
        row["code"]: by_code.get(row["code"]) or by_name.get(row["name"]) for row in plan.faculties
    }


def _department_ids(plan, faculty_ids):
    """The plan's department names -> ids (None when missing): by name, or by the short name in
    its faculty for a department renamed since."""
    by_name, by_short_name = {}, {}
    for pk, name, faculty_id, short_name in Department.objects.values_list(
        "pk", "name", "faculty_id", "short_name"
    ):
        by_name[name] = pk
        if short_name:
            by_short_name.setdefault((faculty_id, short_name), pk)
    return {
        row["name"]: by_name.get(row["name"])
        or by_short_name.get((faculty_ids[row["faculty"]], row["short_name"]))
        for row in plan.departments
    }


def _add_programs(plan, faculty_ids, department_ids):
    """Create the plan's programs that are missing; returns the plan's program keys -> ids."""
    # Program's uniqueness is a pair of conditional constraints, which ON CONFLICT cannot target
    # without repeating their condition, so programs are matched by hand: there are few of them.
    coded = Program.objects.filter(code__in={row["code"] for row in plan.programs})
    existing = set(coded.values_list("code", "level", "form"))
    Program.objects.bulk_create(
        Program(
            code=row["code"],
            level=row["level"],
            form=row["form"],
            name=row["name"],
            faculty_id=faculty_ids[row["faculty"]],
            department_id=department_ids[row["department"]],
        )
        for row in plan.programs
        if _program_key(row) not in existing
    )
    for row in plan.short_courses:
        Program.objects.get_or_create(
            code="",
            name=row["name"],
            level=row["level"],
            form=row["form"],
            defaults={
                "faculty_id": faculty_ids[row["faculty"]],
                "department_id": department_ids[row["department"]],
            },
        )
    return {
        (code, level, form): pk
        for code, level, form, pk in coded.values_list("code", "level", "form", "pk")
    }


@transaction.atomic
def seed_demo(plan=None):
    """Write the demo university: adds what is missing; never changes what is there. Returns the
    number of rows of each model afterwards."""
    plan = plan or build_plan()
    year, _ = AcademicYear.objects.get_or_create(start_year=START_YEAR)

    faculty_ids = _faculty_ids(plan)
    _insert(Faculty, [row for row in plan.faculties if faculty_ids[row["code"]] is None])
    faculty_ids = _faculty_ids(plan)

    department_ids = _department_ids(plan, faculty_ids)
    new_departments = {name for name, pk in department_ids.items() if pk is None}
    _insert(
        Department,
        [row for row in plan.departments if row["name"] in new_departments],
        {"faculty": faculty_ids},
    )
    department_ids = _department_ids(plan, faculty_ids)
    program_ids = _add_programs(plan, faculty_ids, department_ids)

    # A group is there by its name in the year, or, renamed since, by any of its students; the
    # students of a group that is there are its dean's office's (moved, renumbered, expelled...).
    members = {}
    for row in plan.students:
        members.setdefault(row["group"], []).append(row["record_book"])
    students = set(Student.objects.values_list("record_book", flat=True))
    groups = set(StudyGroup.objects.filter(academic_year=year).values_list("name", flat=True))
    new_groups = {
        row["name"]
        for row in plan.groups
        if row["name"] not in groups
        and not any(record_book in students for record_book in members.get(row["name"], ()))
    }
    _insert(
        StudyGroup,
        [row for row in plan.groups if row["name"] in new_groups],
        {"program": program_ids},
        academic_year_id=year.pk,
    )
    group_ids = dict(
        StudyGroup.objects.filter(academic_year=year, name__in=new_groups).values_list("name", "pk")
    )
    _insert(
        Student, [row for row in plan.students if row["group"] in new_groups], {"group": group_ids}
    )

    # A department's disciplines, staff and teaching loads come with it: those of a department
    # that is there are the academic department's.
    def of_new_departments(rows):
        return [row for row in rows if row["department"] in new_departments]

    _insert(Discipline, of_new_departments(plan.disciplines), {"department": department_ids})
    _insert(StaffMember, of_new_departments(plan.staff), {"department": department_ids})
    _insert(
        TeachingLoad,
        of_new_departments(plan.loads),
        {"department": department_ids},
        academic_year_id=year.pk,
    )
    return [(model, model.objects.count()) for model in MODELS]
