"""The search key of students, groups and disciplines (portal.text), and its value for the rows
already there."""

from django.db import migrations, models

from portal.text import search_key

# The models' search_key_sources as they are at this migration.
SOURCES = {
    "student": ("full_name", "record_book"),
    "studygroup": ("name",),
    "discipline": ("name",),
}


def fill_search_keys(apps, schema_editor):
    # The rule itself, as the models apply it: the historical models have no save() of theirs.
    for model_name, sources in SOURCES.items():
        model = apps.get_model("academics", model_name)
        rows = list(model.objects.only("pk", *sources))
        for row in rows:
            row.search_key = search_key(" ".join(str(getattr(row, s) or "") for s in sources))
        model.objects.bulk_update(rows, ["search_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("academics", "0004_russian_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="discipline",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="student",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="studygroup",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=300),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
