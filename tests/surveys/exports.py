"""A realistic Google Forms export of the exam-session survey, written by the tests as CSV and
XLSX: Kyrgyz questions, a scale, yes / no, a multiple choice joined by ", ", free text with commas
and quotes, and empty answers."""

import csv
import datetime
import io

from openpyxl import Workbook

SCALE_Q = "Экзамендик сессияны уюштурууга жана өткөрүүгө Сиздин берген бааңыз"
FAIR_Q = (
    "Сиздин билимиңизди, жөндөмүңүздү баалоодо акыйкатсыздыкка, адилетсиздикке жол берилдиби "
    "(бааны төмөндөтүү же ашыруу, басым, кысым жасоо)?"
)
TROUBLE_Q = "Сессия учурунда кандай кыйынчылыктарга туш болдуңуз?"
IDEAS_Q = "Сессияны жакшыртуу боюнча сунуштарыңыз"
QUESTIONS = [SCALE_Q, FAIR_Q, TROUBLE_Q, IDEAS_Q]

IDEAS = [
    "Баары жакшы, рахмат!",
    'Китепкана "эртерээк" ачылса, жакшы болот',
    "Жадыбалды эртерээк илиш керек",
    "Аудиториялар суук, жылытуу керек",
    "Окутуучулар, сураныч, убагында келишсин",
    "Жок",
    "Тесттик суроолор көбүрөөк болсо",
    "Интернет начар, Wi-Fi иштебейт",
    'Экзамен "онлайн" болсо ыңгайлуу',
    "Консультациялар көбүрөөк болсун",
    "Сессия узагыраак болсо",
    "Баалоо адилет болсун, эч кимге басым жасалбасын",
]

# (scale, yes/no, multiple, free text): 14 rows; "" is an unanswered question.
ROWS = [
    ("Жакшы", "Жок", "Жадыбал", IDEAS[0]),
    ("Эң жакшы", "Жок", "Жадыбал, Аудитория", IDEAS[1]),
    ("Жакшы", "Ооба", "Аудитория", IDEAS[2]),
    ("Канааттандырарлык", "Жок", "", IDEAS[3]),
    ("Эң жакшы", "Жок", "Окутуучулар", IDEAS[4]),
    ("Жакшы", "Жок", "Аудитория, Окутуучулар", IDEAS[5]),
    ("", "Ооба", "Жадыбал", ""),
    ("Жаман", "Жок", "Жадыбал, Аудитория, Окутуучулар", IDEAS[6]),
    ("Эң жакшы", "Ооба", "Аудитория", IDEAS[7]),
    ("Жакшы", "Жок", "", IDEAS[8]),
    ("Эң жакшы", "", "Жадыбал", IDEAS[9]),
    ("Өтө жаман", "Жок", "Окутуучулар", IDEAS[10]),
    ("Жакшы", "Ооба", "Аудитория", IDEAS[11]),
    ("Эң жакшы", "Жок", "Жадыбал", ""),
]
START = datetime.datetime(2024, 6, 12, 9, 0, 0)


def moments(rows=ROWS):
    return [START + datetime.timedelta(minutes=7 * n, seconds=n) for n in range(len(rows))]


def csv_bytes(rows=ROWS, header=("Отметка времени", *QUESTIONS), bom=True, encoding="utf-8"):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for moment, row in zip(moments(rows), rows, strict=True):
        writer.writerow([moment.strftime("%d.%m.%Y %H:%M:%S"), *row])
    data = out.getvalue().encode(encoding, errors="replace")
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def xlsx_bytes(rows=ROWS, header=("Timestamp", *QUESTIONS)):
    book = Workbook()
    sheet = book.active
    sheet.title = "Form Responses 1"
    sheet.append(list(header))
    for moment, row in zip(moments(rows), rows, strict=True):
        sheet.append([moment, *(value or None for value in row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TITLE_FOR_TESTS = "Студенттердин көз карашы менен — жайкы сессия 2024"
