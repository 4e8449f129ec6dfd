# ruff: noqa: RUF012
"""A stored past day's counts rolled up to the ministries and provinces (`PastRootCount`), as
`RootStatusCount` is today's: the national overview of a past date read the day's 50k agency
rows grouped by their parent (71 of its 170 ms at 200k tasks). Days stored before this have
`roots_counted` false: rolled up on their next read."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tracking', '0025_history_fk_indexes_covered'),
    ]

    operations = [
        migrations.AddField(
            model_name='pastcountday',
            name='roots_counted',
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name='PastRootCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('role', models.CharField(max_length=10)),
                ('status', models.CharField(max_length=20)),
                ('count', models.IntegerField(default=0)),
                ('root', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name='+', to='tracking.agency')),
            ],
            options={
                'constraints': [models.UniqueConstraint(
                    fields=('day', 'root', 'role', 'status'), name='tracking_pastrootcount_key')],
            },
        ),
    ]
