# The council resolution and its items (reports.models).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('sessions_app', '0002_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Resolution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('council_date', models.DateField(verbose_name='council date')),
                ('protocol_number', models.CharField(blank=True, max_length=20, verbose_name='minutes number')),
                ('university', models.CharField(blank=True, help_text="Leave empty for the portal's university name in the document's language. In Kyrgyz the title needs the locative form (“… университетинде”).", max_length=250, verbose_name='university, as the title names it')),
                ('reporter_name', models.CharField(help_text='e.g. У.Ж. Мамытов', max_length=120, verbose_name='reporter')),
                ('reporter_position', models.CharField(help_text='e.g. Окуу иштери боюнча проректор', max_length=200, verbose_name="reporter's position")),
                ('controller', models.CharField(help_text='Who controls the execution of the resolution, e.g. “ОшТУнун окуу иштери боюнча проректору У.Ж. Мамытов”.', max_length=250, verbose_name='controls the execution')),
                ('verdict', models.CharField(choices=[('good', 'good'), ('satisfactory', 'satisfactory'), ('unsatisfactory', 'unsatisfactory')], default='satisfactory', max_length=20, verbose_name='the report is found')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('adopted', 'adopted')], default='draft', editable=False, max_length=20, verbose_name='status')),
                ('adopted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='adopted at')),
                ('frozen_figures', models.JSONField(blank=True, editable=False, null=True, verbose_name='figures at adoption')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('adopted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='adopted by')),
                ('session', models.ForeignKey(help_text='The academic year and the term of the title come from the session.', on_delete=django.db.models.deletion.PROTECT, related_name='resolutions', to='sessions_app.examsession', verbose_name='exam session')),
            ],
            options={
                'verbose_name': 'council resolution',
                'verbose_name_plural': 'council resolutions',
                'ordering': ['-council_date', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ResolutionItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(verbose_name='order')),
                ('text', models.TextField(verbose_name='text')),
                ('responsible', models.CharField(blank=True, max_length=500, verbose_name='responsible')),
                ('deadline', models.CharField(blank=True, max_length=200, verbose_name='deadline')),
                ('resolution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='reports.resolution', verbose_name='resolution')),
            ],
            options={
                'verbose_name': 'resolution item',
                'verbose_name_plural': 'resolution items',
                'ordering': ['resolution', 'order', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'adopted'])), name='reports_resolution_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=models.Q(('verdict__in', ['good', 'satisfactory', 'unsatisfactory'])), name='reports_resolution_verdict_valid'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('adopted_at__isnull', True), ('frozen_figures__isnull', True), ('status', 'draft')), models.Q(('adopted_at__isnull', False), ('frozen_figures__isnull', False), ('status', 'adopted')), _connector='OR'), name='reports_resolution_adopted_iff_frozen'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reporter_name', ''), _negated=True), models.Q(('reporter_position', ''), _negated=True), models.Q(('controller', ''), _negated=True)), name='reports_resolution_people_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'adopted')), fields=('session',), name='reports_resolution_one_adopted_per_session'),
        ),
        migrations.AddConstraint(
            model_name='resolutionitem',
            constraint=models.UniqueConstraint(fields=('resolution', 'order'), name='reports_resolutionitem_unique_order'),
        ),
        migrations.AddConstraint(
            model_name='resolutionitem',
            constraint=models.CheckConstraint(condition=models.Q(('order__gte', 1)), name='reports_resolutionitem_order_positive'),
        ),
        migrations.AddConstraint(
            model_name='resolutionitem',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='reports_resolutionitem_text_not_empty'),
        ),
    ]
