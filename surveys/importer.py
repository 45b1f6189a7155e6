"""The import of a Google Forms export (CSV or XLSX) into a survey: read, infer, check, write.

The export has a timestamp in its first column, then one column per question headed by the
question's text; a multiple-choice answer is its options joined by ", ". Each column becomes a
question whose kind is inferred from its answers (the preview lets a person correct it). A file
is refused whole, with the file, the row and the column of what is wrong, or written whole in one
transaction; each row's hash makes a second import of the same (or a longer) export add only the
rows not imported yet.
"""

import csv
import datetime
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from academics.models import AcademicYear
from portal import uploads

from .choices import About, QuestionKind, Source
from .models import Answer, Option, Question, Response, Survey
from .timestamps import parse_moment, slash_order

MAX_ROWS = 100_000
# A column with more distinct answers than this is free text; so is one with an answer longer
# than LONG_ANSWER characters (an option is rarely that long), even among few answers.
MAX_CHOICES = 10
LONG_ANSWER = 120
JOIN = ", "

TIMESTAMP_HEADERS = {"отметка времени", "метка времени", "timestamp", "убакыт белгиси"}
# Microsoft Forms' workbook starts with the answer's number; the moment is its completion time,
# and its other columns about the answer are no questions.
MS_ID_HEADERS = {"id", "ид", "идентификатор"}
MS_TIMESTAMP_HEADERS = {"completion time", "время завершения", "бүткөн убакыт"}
MS_META_HEADERS = MS_ID_HEADERS | {
    "start time",
    "last modified time",
    "время начала",
    "время последнего изменения",
    "баштоо убактысы",
}
MS_PERSONAL_HEADERS = {"email", "name", "электронная почта", "имя", "аты"}
# Google Forms adds the respondent's address when it collects them; an anonymous survey leaves
# it out.
EMAIL_HEADERS = {
    "адрес электронной почты",
    "email address",
    "электрондук почта",
    "электрондук почтанын дареги",
}

# Known ordered scales: options found in one of them keep its order (best first).
SCALES = [
    [
        "эң жакшы",
        "өтө жакшы",
        "жакшы",
        "орто",
        "канааттандырарлык",
        "канааттандырарлык эмес",
        "начар",
        "жаман",
        "өтө жаман",
    ],
    [
        "отлично",
        "очень хорошо",
        "хорошо",
        "средне",
        "удовлетворительно",
        "неудовлетворительно",
        "плохо",
        "очень плохо",
    ],
    ["excellent", "very good", "good", "fair", "satisfactory", "poor", "bad", "very bad"],
]
YES_NO = [["ооба", "жок"], ["да", "нет"], ["yes", "no"]]


def _key(text):
    return " ".join(str(text).split()).casefold().replace("ё", "е")


class SurveyRefused(uploads.Refused):
    """The file cannot be imported; `messages` say why, each with the file, row and column."""


def where(filename, row=None, column=None, header=None):
    """ "answers.csv, row 3, column C “Question”" — the place of a problem in the file."""
    parts = [f"“{filename}”"]
    if row is not None:
        parts.append(_("row %(row)s") % {"row": row})
    if column is not None:
        label = get_column_letter(column + 1)
        if header:
            label = f"{label} “{header}”"
        parts.append(_("column %(column)s") % {"column": label})
    return ", ".join(parts)


def problem(filename, reason, row=None, column=None, header=None):
    return f"{where(filename, row, column, header)}: {reason}"


# Reading


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data, filename):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SurveyRefused(
            problem(
                filename,
                _("this is not a readable XLSX workbook (%(error)s).")
                % {"error": error.__class__.__name__},
            )
        ) from error
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                raise SurveyRefused(
                    problem(filename, _("more than %(max)s rows.") % {"max": MAX_ROWS})
                )
        return rows
    finally:
        book.close()


def _read_csv(data, filename):
    # portal.uploads has refused a file that is not UTF-8 text, naming the row.
    text = data.decode("utf-8-sig")
    # Google writes ","; a CSV saved again by Excel with a Russian locale has ";". The header
    # starts with the timestamp, so the separator is the one that makes it the first cell.
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    for candidate in (",", ";", "\t"):
        first_cell = (next(csv.reader([first_line], delimiter=candidate), None) or [""])[0]
        if _key(first_cell) in TIMESTAMP_HEADERS | MS_ID_HEADERS:
            delimiter = candidate
            break
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell.strip() for cell in row])
            if len(rows) > MAX_ROWS + 1:
                raise SurveyRefused(
                    problem(filename, _("more than %(max)s rows.") % {"max": MAX_ROWS})
                )
    except csv.Error as error:
        raise SurveyRefused(
            problem(filename, _("the CSV cannot be read: %(error)s") % {"error": error})
        ) from error
    return rows


def read_rows(data, filename):
    """The file's cells, row by row: text, or a datetime where a workbook holds one. The file
    passes the portal's upload check first (size, type, zip and XML bombs, formulas)."""
    try:
        kind = uploads.check_upload(data, filename, kinds=(uploads.XLSX, uploads.CSV))
    except uploads.UploadRefused as refusal:
        raise SurveyRefused(refusal.messages) from None
    if kind == uploads.XLSX:
        return _read_xlsx(data, filename)
    return _read_csv(data, filename)


# Inferring the questions


def _scale_order(options):
    """The options in the order of a known scale holding them all, else None."""
    keys = [_key(option) for option in options]
    for scale in YES_NO + SCALES:
        if all(key in scale for key in keys):
            return sorted(options, key=lambda option: scale.index(_key(option)))
    if all(option.lstrip("-").isdigit() for option in options):
        return sorted(options, key=int)  # a linear scale 1..5
    return None


def is_yes_no(options):
    keys = {_key(option) for option in options}
    return bool(keys) and any(keys <= set(pair) for pair in YES_NO)


def _segment(value, atoms):
    """`value` split at ", " into parts that are each one of `atoms` (an atom may itself hold
    ", "), or None when it cannot be."""
    pieces = value.split(JOIN)
    best = {0: []}
    for end in range(1, len(pieces) + 1):
        for start in range(end):
            if start in best:
                part = JOIN.join(pieces[start:end])
                if part in atoms:
                    best[end] = best[start] + [part]
                    break
    return best.get(len(pieces))


def split_choices(value, atoms):
    """The options of a multiple-choice answer: known options where they fit, else the pieces."""
    return _segment(value, atoms) or [piece.strip() for piece in value.split(JOIN) if piece.strip()]


def _ordered(options):
    return _scale_order(options) or options


def infer(values):
    """(kind, options) for a column's non-empty answers, in the order they were given."""
    distinct = list(dict.fromkeys(values))
    if not distinct:
        return QuestionKind.TEXT, []
    joined = [value for value in distinct if JOIN in value]
    if joined:
        atoms = {value for value in distinct if JOIN not in value}
        # Multiple choice only when every answer with a comma is a join of answers that others
        # gave alone; a free-text answer with a comma in it is not.
        if all(_segment(value, atoms) for value in joined):
            options = multiple_options(distinct, atoms)
            if len(options) <= MAX_CHOICES:
                return QuestionKind.MULTIPLE, options
            return QuestionKind.TEXT, []
    if len(distinct) > MAX_CHOICES or any(len(value) > LONG_ANSWER for value in distinct):
        return QuestionKind.TEXT, []
    if is_yes_no(distinct):
        return QuestionKind.YES_NO, _ordered(distinct)
    return QuestionKind.SINGLE, _ordered(distinct)


def multiple_options(distinct, atoms=None):
    if atoms is None:
        atoms = {value for value in distinct if JOIN not in value}
    options = []
    for value in distinct:
        for part in split_choices(value, atoms):
            if part not in options:
                options.append(part)
    return _ordered(options)


def options_for(kind, values):
    """The options of a column read as `kind` (the preview may choose another than inferred)."""
    distinct = list(dict.fromkeys(values))
    if kind == QuestionKind.TEXT:
        return []
    if kind == QuestionKind.MULTIPLE:
        return multiple_options(distinct)
    return _ordered(distinct)


# The file


@dataclass
class Column:
    index: int  # 0-based position in the file
    header: str
    values: list  # (row number, answer) for every non-empty answer
    kind: str = QuestionKind.TEXT
    options: list = field(default_factory=list)

    @property
    def letter(self):
        return get_column_letter(self.index + 1)

    @property
    def answered(self):
        return len(self.values)

    def read_as(self, kind):
        self.kind = kind
        self.options = options_for(kind, [value for _row, value in self.values])


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    submitted_at: datetime.datetime
    cells: list  # the answers, one per question column, "" when empty
    row_hash: str = ""


@dataclass
class ParsedFile:
    filename: str
    columns: list
    rows: list
    ignored: list = field(default_factory=list)  # headers left out (the e-mail address)


def parse(data, filename, anonymous=True):
    """Read and check the whole file; refuse it with every problem found, or return it parsed
    with each column's inferred kind and options."""
    rows = read_rows(data, filename)
    while rows and not any(str(cell).strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise SurveyRefused(problem(filename, _("the file is empty.")))
    header, columns, ignored, errors = _read_header(rows[0], filename, anonymous)
    parsed_rows = _read_answers(rows, header, _stamp_index(header), columns, filename, errors)
    if not parsed_rows and not errors:
        errors.append(problem(filename, _("the file holds no answers below its header row.")))
    if errors:
        raise SurveyRefused(errors)
    for column in columns:
        column.kind, column.options = infer([value for _row, value in column.values])
    return ParsedFile(filename, columns, parsed_rows, ignored)


def _stamp_index(header):
    """The column of the answer's moment: Google's first column, Microsoft's completion time."""
    if _key(header[0]) in TIMESTAMP_HEADERS:
        return 0
    return next(i for i, text in enumerate(header) if _key(text) in MS_TIMESTAMP_HEADERS)


def _layout_refusal(filename, header):
    return SurveyRefused(
        problem(
            filename,
            _(
                "the first column must be the timestamp of the answers (“Отметка времени”, "
                "“Timestamp” or “Убакыт белгиси”), as Google Forms exports it, or the number of "
                "the answer (“ID”, “ИД”) followed by its “Completion time”, as Microsoft Forms "
                "exports it; it is “%(found)s”."
            )
            % {"found": header[0] if header else ""},
            row=1,
            column=0,
        )
    )


def _answer_columns(header):
    """(the question columns' indexes, the personal columns' indexes) of a known layout."""
    if _key(header[0]) in TIMESTAMP_HEADERS:
        return range(1, len(header)), EMAIL_HEADERS
    meta = MS_META_HEADERS | MS_TIMESTAMP_HEADERS
    questions = [i for i, text in enumerate(header) if _key(text) not in meta]
    return questions, EMAIL_HEADERS | MS_PERSONAL_HEADERS


def _read_header(cells, filename, anonymous):
    """The header row: (its texts, the question columns, the headers left out, problems found).
    A file of neither Google's nor Microsoft's layout is refused at once."""
    header = [str(cell).strip() for cell in cells]
    while header and not header[-1]:
        header.pop()
    google = bool(header) and _key(header[0]) in TIMESTAMP_HEADERS
    microsoft = (
        bool(header)
        and _key(header[0]) in MS_ID_HEADERS
        and any(_key(text) in MS_TIMESTAMP_HEADERS for text in header)
    )
    if not (google or microsoft):
        raise _layout_refusal(filename, header)
    candidates, personal = _answer_columns(header)
    errors, seen, ignored, question_indexes = [], {}, [], []
    for index in candidates:
        text = header[index]
        if not text:
            errors.append(problem(filename, _("the column has no question."), row=1, column=index))
            continue
        if _key(text) in seen:
            errors.append(
                problem(
                    filename,
                    _("the same question as column %(other)s; each question must be once.")
                    % {"other": get_column_letter(seen[_key(text)] + 1)},
                    row=1,
                    column=index,
                    header=text,
                )
            )
            continue
        seen[_key(text)] = index
        if anonymous and _key(text) in personal:
            ignored.append(text)
            continue
        question_indexes.append(index)
    if not question_indexes and not errors:
        errors.append(problem(filename, _("the file has no question columns."), row=1))
    columns = [Column(index, header[index], []) for index in question_indexes]
    return header, columns, ignored, errors


def _read_answers(rows, header, stamp_index, columns, filename, errors):
    """The answer rows below the header, each with its moment (from column `stamp_index`) and a
    hash that tells it apart; problems are added to `errors`. Each column collects its non-empty
    values."""
    order = slash_order(row[stamp_index] for row in rows[1:] if len(row) > stamp_index)
    parsed_rows = []
    occurrences = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        extra = [i for i in range(len(header), len(row)) if str(row[i]).strip()]
        if extra:
            errors.append(
                problem(
                    filename,
                    _("an answer in a column with no question."),
                    row=number,
                    column=extra[0],
                )
            )
        stamp = row[stamp_index] if len(row) > stamp_index else ""
        moment = parse_moment(stamp, order) if stamp != "" else None
        if moment is None:
            errors.append(
                problem(
                    filename,
                    _("“%(value)s” is not a date and time.") % {"value": stamp}
                    if stamp != ""
                    else _("the timestamp is empty."),
                    row=number,
                    column=stamp_index,
                    header=header[stamp_index],
                )
            )
            continue
        cells = []
        for column in columns:
            value = row[column.index] if column.index < len(row) else ""
            value = value.isoformat(sep=" ") if isinstance(value, datetime.date) else str(value)
            value = value.strip()
            cells.append(value)
            if value:
                column.values.append((number, value))
        # Two respondents may give the same answers in the same second: the n-th such row of the
        # file keeps its own hash, and a second import meets the same n-th row again.
        content = json.dumps([moment.isoformat(), cells], ensure_ascii=False)
        occurrences[content] = occurrences.get(content, 0) + 1
        digest = hashlib.sha256(f"{content}#{occurrences[content]}".encode()).hexdigest()
        parsed_rows.append(Row(number, moment, cells, digest))
    return parsed_rows


# Writing


@dataclass
class SurveyImport:
    survey: Survey
    created: bool  # the survey is new
    added: int  # responses added
    skipped: int  # rows imported before
    questions: int


def _existing_questions(survey, parsed):
    questions = list(survey.questions.prefetch_related("options"))
    texts = [question.text for question in questions]
    headers = [column.header for column in parsed.columns]
    if [_key(text) for text in texts] != [_key(text) for text in headers]:
        raise SurveyRefused(
            problem(
                parsed.filename,
                _(
                    "the survey “%(title)s” already has other questions; a file imported into it "
                    "must have the same question columns in the same order."
                )
                % {"title": survey.title},
                row=1,
            )
        )
    return questions


def _check_kind(parsed, column, kind):
    if kind not in QuestionKind.values:
        raise SurveyRefused(
            problem(
                parsed.filename,
                _("unknown kind of question “%(kind)s”.") % {"kind": kind},
                row=1,
                column=column.index,
                header=column.header,
            )
        )
    if kind == QuestionKind.YES_NO:
        for number, value in column.values:
            if not is_yes_no([value]):
                raise SurveyRefused(
                    problem(
                        parsed.filename,
                        _("“%(value)s” is not a yes / no answer.") % {"value": value},
                        row=number,
                        column=column.index,
                        header=column.header,
                    )
                )


def resolve_year(name):
    """The AcademicYear named "2023-2024" (created if new), or None for no name."""
    if not name:
        return None
    return AcademicYear.objects.get_or_create(start_year=AcademicYear.parse_name(name))[0]


def import_survey(
    data,
    filename,
    title,
    about=About.OTHER,
    academic_year=None,
    term=None,
    kinds=None,
    anonymous=True,
):
    """Import the export `data` into the survey titled `title` (created when new). `kinds` maps a
    column's 0-based position in the file to the kind chosen for it; otherwise the inferred one.
    All or nothing: SurveyRefused leaves the database as it was."""
    title = (title or "").strip()
    if not title:
        raise SurveyRefused(_("The survey needs a title."))
    if about not in About.values:
        raise SurveyRefused(_("Unknown subject of the survey “%(about)s”.") % {"about": about})
    existing = Survey.objects.filter(title=title).first()
    parsed = parse(data, filename, anonymous=existing.anonymous if existing else anonymous)
    kinds = kinds or {}
    for column in parsed.columns:
        kind = kinds.get(column.index)
        if kind and kind != column.kind:
            _check_kind(parsed, column, kind)
            column.read_as(kind)
    try:
        return _write(parsed, existing, title, about, academic_year, term, anonymous)
    except IntegrityError as error:
        # Another import of the same survey or rows committed meanwhile; this one wrote nothing.
        raise SurveyRefused(
            problem(
                parsed.filename,
                _("the same survey was being imported at the same time; import the file again."),
            )
        ) from error


def _write(parsed, existing, title, about, academic_year, term, anonymous):
    with transaction.atomic():
        created = existing is None
        if created:
            survey = Survey.objects.create(
                title=title,
                about=about,
                academic_year=academic_year,
                term=term,
                anonymous=anonymous,
            )
            questions = []
            for order, column in enumerate(parsed.columns, start=1):
                question = Question.objects.create(
                    survey=survey, order=order, text=column.header, kind=column.kind
                )
                Option.objects.bulk_create(
                    Option(question=question, order=n, text=text)
                    for n, text in enumerate(column.options, start=1)
                )
                questions.append(question)
            questions = list(survey.questions.prefetch_related("options"))
        else:
            survey = Survey.objects.select_for_update().get(pk=existing.pk)
            questions = _existing_questions(survey, parsed)
            for question, column in zip(questions, parsed.columns, strict=True):
                # The survey keeps its questions' kinds; a longer export may bring new options.
                if question.kind != column.kind:
                    column.read_as(question.kind)
                known = {option.text for option in question.options.all()}
                last = max((option.order for option in question.options.all()), default=0)
                new = [text for text in column.options if text not in known]
                Option.objects.bulk_create(
                    Option(question=question, order=last + n, text=text)
                    for n, text in enumerate(new, start=1)
                )
            questions = list(survey.questions.prefetch_related("options"))
        done = set(
            Response.objects.filter(
                survey=survey, row_hash__in=[row.row_hash for row in parsed.rows]
            ).values_list("row_hash", flat=True)
        )
        new_rows = [row for row in parsed.rows if row.row_hash not in done]
        responses = Response.objects.bulk_create(
            Response(
                survey=survey,
                submitted_at=row.submitted_at,
                source=Source.IMPORT,
                row_hash=row.row_hash,
            )
            for row in new_rows
        )
        options = [{option.text: option for option in q.options.all()} for q in questions]
        answers = []
        for row, response in zip(new_rows, responses, strict=True):
            for position, (question, value) in enumerate(zip(questions, row.cells, strict=True)):
                if not value:
                    continue
                answers.extend(_answers(response, question, value, options[position]))
        Answer.objects.bulk_create(answers, batch_size=2000)
    return SurveyImport(
        survey, created, len(new_rows), len(parsed.rows) - len(new_rows), len(questions)
    )


def _answers(response, question, value, options):
    if question.kind == QuestionKind.TEXT:
        return [Answer(response=response, question=question, text=value)]
    if question.kind == QuestionKind.MULTIPLE:
        chosen = list(dict.fromkeys(split_choices(value, options)))
    else:
        chosen = [value]
    return [Answer(response=response, question=question, option=options[text]) for text in chosen]
