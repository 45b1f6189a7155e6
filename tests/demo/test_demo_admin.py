"""`manage.py demo_admin`: the demo administrator and one demo user per role, made once; a
second run leaves their passwords, roles and faculties as their users left them."""

from io import StringIO

from django.core.management import call_command

from academics import roles
from academics.querysets import user_faculty_id


def test_demo_admin_is_created_once_and_prints_its_login(db, django_user_model):
    out = StringIO()
    call_command("demo_admin", stdout=out)
    assert "admin" in out.getvalue() and "demo-admin-2024" in out.getvalue()
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-admin-2024")
    admin.set_password("changed-by-the-admin-1")
    admin.save()
    call_command("demo_admin", stdout=StringIO())
    admin.refresh_from_db()
    assert admin.check_password("changed-by-the-admin-1")
    assert django_user_model.objects.filter(username="admin").count() == 1


def test_demo_users_get_their_roles_and_faculty(db, django_user_model):
    call_command("seed_demo", stdout=StringIO(), no_session=True)
    out = StringIO()
    call_command("demo_admin", stdout=out)
    assert "dekanat.itbf" in out.getvalue()
    dean = django_user_model.objects.get(username="dekanat.itbf")
    assert dean.check_password("demo-admin-2024")
    assert list(dean.groups.values_list("name", flat=True)) == [roles.DEAN_OFFICE]
    assert user_faculty_id(dean) == dean.profile.faculty_id
    # An address the resolution's reminders can write to, never delivered (.invalid).
    assert dean.email == "dekanat.itbf@demo.invalid"
    rector = django_user_model.objects.get(username="prorektor")
    assert user_faculty_id(rector) is None
    call_command("demo_admin", stdout=StringIO())
    assert django_user_model.objects.filter(username__startswith="dekan").count() == 3
