"""What the search finds for a user and a typed text: students (by name or record-book number),
study groups and disciplines, each kind in the user's scope (academics.querysets), each with the
page it links to.

Every word typed must appear in the row (in a student's name or record-book number, a group's or
a discipline's name), in any order, matched by portal.text.search_key against the key each row
keeps (portal.text.SearchKeyed): "эргешова", "ЭРГЕШОВА"
and "Эргешова" find the same students, "омурбеков" finds "Өмүрбеков".

Links: a group goes to its page in the newest exam session it takes part in; a student to their
group's page there; a discipline to the groups (of the user's scope) that take it in its newest
session. A group in no session yet has no page to go to.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from academics.models import Discipline, Student, StudyGroup
from academics.querysets import NO_FACULTY, has_role, user_faculty_id
from portal.collation import kyrgyz_key
from portal.text import search_key
from sessions_app.models import Assessment, ExamSession

# Rows shown per kind; a search that finds more says so and asks for more letters.
LIMIT = 25
# A shorter text finds too much to be of use.
MIN_LENGTH = 2
# Groups listed under a discipline.
GROUPS_PER_DISCIPLINE = 12


@dataclass
class SessionLink:
    """A group's page in one exam session."""

    session_id: int
    group_id: int
    group_name: str
    session_key: tuple  # (start year, term): the newest is the largest


@dataclass
class Results:
    text: str
    students: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    disciplines: list = field(default_factory=list)
    more: set = field(default_factory=set)  # the kinds that found more than LIMIT rows
    too_short: bool = False

    @property
    def total(self):
        return len(self.students) + len(self.groups) + len(self.disciplines)


def find(user, text):
    """The students, groups and disciplines `user` may see that match `text`."""
    key = search_key(text) or ""
    results = Results(text=" ".join((text or "").split()))
    if len(key.replace(" ", "")) < MIN_LENGTH:
        results.too_short = bool(key)
        return results
    words = key.split()
    results.students = _limited(results, "students", _students(user, words))
    results.students.sort(key=lambda student: kyrgyz_key(student.full_name))
    results.groups = _limited(results, "groups", _groups(user, words))
    results.disciplines = _limited(results, "disciplines", _disciplines(user, words))
    _link_groups(results)
    _link_disciplines(user, results)
    _name_sessions(results)
    return results


def _matching(rows, words):
    """`rows` whose search key (portal.text.SearchKeyed) holds every word."""
    for word in words:
        rows = rows.filter(search_key__contains=word)
    return rows


def _limited(results, kind, rows):
    found = list(rows[: LIMIT + 1])
    if len(found) > LIMIT:
        results.more.add(kind)
        found = found[:LIMIT]
    return found


def _students(user, words):
    rows = Student.objects.for_user(user).select_related(
        "group__academic_year", "group__program__faculty"
    )
    return _matching(rows, words).order_by("full_name", "pk")


def _groups(user, words):
    rows = StudyGroup.objects.for_user(user).select_related("academic_year", "program__faculty")
    return _matching(rows, words).order_by("-academic_year__start_year", "name")


def _disciplines(user, words):
    rows = Discipline.objects.select_related("department")
    faculty_id = user_faculty_id(user)
    if not has_role(user) or faculty_id == NO_FACULTY:
        return rows.none()
    if faculty_id is not None:
        # The university's one catalogue, narrowed for a dean's office to what its faculty
        # teaches or takes: its departments' disciplines and its groups' assessments.
        taught = Assessment.objects.of_faculty(faculty_id).filter(discipline=OuterRef("pk"))
        rows = rows.filter(Q(department__faculty=faculty_id) | Exists(taught))
    return _matching(rows, words).order_by("name")


def _newest_sessions(group_ids):
    """{group id: (session id, (start year, term))} of the newest session each group is in."""
    newest = {}
    pairs = (
        Assessment.objects.filter(group_id__in=group_ids)
        .values_list(
            "group_id", "session_id", "session__academic_year__start_year", "session__term"
        )
        .order_by()
        .distinct()
    )
    for group_id, session_id, start_year, term in pairs:
        if group_id not in newest or (start_year, term) > newest[group_id][1]:
            newest[group_id] = (session_id, (start_year, term))
    return newest


def _link_groups(results):
    groups = [student.group for student in results.students] + results.groups
    newest = _newest_sessions({group.pk for group in groups})
    for group in groups:
        session = newest.get(group.pk)
        group.search_session_id = session[0] if session else None


def _link_disciplines(user, results):
    if not results.disciplines:
        return
    rows = (
        Assessment.objects.for_user(user)
        .filter(discipline__in=results.disciplines)
        .values_list(
            "discipline_id",
            "session_id",
            "session__academic_year__start_year",
            "session__term",
            "group_id",
            "group__name",
        )
        .order_by()
        .distinct()
    )
    links = {}
    for discipline_id, session_id, start_year, term, group_id, group_name in rows:
        links.setdefault(discipline_id, []).append(
            SessionLink(session_id, group_id, group_name, (start_year, term))
        )
    for discipline in results.disciplines:
        found = links.get(discipline.pk, [])
        newest = max((link.session_key for link in found), default=None)
        groups = sorted(
            (link for link in found if link.session_key == newest),
            key=lambda link: kyrgyz_key(link.group_name),
        )
        discipline.search_session_id = groups[0].session_id if groups else None
        discipline.search_groups = groups[:GROUPS_PER_DISCIPLINE]
        discipline.search_more_groups = max(len(groups) - GROUPS_PER_DISCIPLINE, 0)


def _name_sessions(results):
    """Each link's session, for its name: one query."""
    groups = [student.group for student in results.students] + results.groups
    linked = [*groups, *results.disciplines]
    sessions = ExamSession.objects.select_related("academic_year").in_bulk(
        {row.search_session_id for row in linked if row.search_session_id}
    )
    for row in linked:
        row.search_session = sessions.get(row.search_session_id)
