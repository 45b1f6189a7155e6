"""The search's one matching rule (portal.text): letter case and ё ң ө ү ignored, in Python and
in the database's own query, on SQLite (whose lower() folds only ASCII) as on PostgreSQL; rows
written in bulk are found as rows saved one by one, since nothing is stored."""

import pytest

from academics.models import Student
from portal.text import SearchKey, search_key
from tests import factories as f


def test_the_key_is_lower_case_with_yo_and_the_kyrgyz_letters_as_their_russian_neighbours():
    assert search_key("ЭРГЕШОВА Айгүл") == "эргешова айгул"
    assert search_key("Өмүрбеков") == search_key("омурбеков") == "омурбеков"
    assert search_key("Үсөнова Ңаркүл") == "усонова наркул"
    assert search_key("Артём") == search_key("АРТЕМ")
    assert search_key("  ПИ-1-23   Ab ") == "пи-1-23 ab"
    assert search_key(None) is None


def _found(typed):
    rows = Student.objects.alias(key=SearchKey("full_name")).filter(key__contains=search_key(typed))
    return set(rows.values_list("full_name", flat=True))


@pytest.mark.django_db
def test_the_database_matches_cyrillic_whatever_the_case_and_the_letter_typed():
    group = f.group()
    f.student(full_name="Эргешова Айгүл", group=group)
    f.student(full_name="Өмүрбеков Нурлан", group=group)
    f.student(full_name="Сидоров Пётр", group=group)

    assert _found("эргешова") == {"Эргешова Айгүл"}
    assert _found("ЭРГЕШОВА айгул") == {"Эргешова Айгүл"}
    assert _found("Омурбеков") == {"Өмүрбеков Нурлан"}
    assert _found("өмүрбеков") == {"Өмүрбеков Нурлан"}
    assert _found("петр") == {"Сидоров Пётр"}
    assert _found("иванов") == set()


@pytest.mark.django_db
def test_rows_written_by_bulk_create_and_bulk_update_are_found_at_once():
    group = f.group()
    Student.objects.bulk_create(
        [Student(record_book="B-1", full_name="ҮСӨНОВА Жаңыл", group=group, funding="budget")]
    )
    assert _found("усонова жаныл") == {"ҮСӨНОВА Жаңыл"}
    student = Student.objects.get(record_book="B-1")
    student.full_name = "Ңурбаев Ёлдош"
    Student.objects.bulk_update([student], ["full_name"])
    assert _found("нурбаев елдош") == {"Ңурбаев Ёлдош"}
    assert _found("усонова") == set()


@pytest.mark.django_db
def test_the_stored_key_is_kept_by_save_bulk_create_bulk_update_and_update():
    group = f.group(name="ӨТ-1-23")
    assert group.search_key == "от-1-23"
    created = Student.objects.bulk_create(
        [Student(record_book="ОШ-7", full_name="ҮСӨНОВА Жаңыл", group=group, funding="budget")]
    )
    assert Student.objects.get(pk=created[0].pk).search_key == "усонова жаныл ош-7"
    # As the importer writes a renamed student: the pk and the changed fields only.
    Student.objects.bulk_update(
        [Student(pk=created[0].pk, full_name="Ёлдошева Ңазира")], ["full_name"]
    )
    assert Student.objects.get(pk=created[0].pk).search_key == "елдошева назира ош-7"
    Student.objects.filter(pk=created[0].pk).update(record_book="ЖА-8")
    assert Student.objects.get(pk=created[0].pk).search_key == "елдошева назира жа-8"
    student = Student.objects.get(pk=created[0].pk)
    student.full_name = "Өмүрова Айгүл"
    student.save(update_fields=["full_name"])
    assert Student.objects.filter(search_key__contains="омурова айгул").count() == 1
