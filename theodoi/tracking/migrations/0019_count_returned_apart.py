# ruff: noqa: RUF012
"""The agencies with a returned part are counted again, the returned parts apart (0018 made
the column): the other agencies' rows are right as they are (not returned)."""

from django.db import migrations


def count_returned_apart(apps, schema_editor):
    from theodoi.tracking.services.statuses import Models, recount_agencies

    Assignment = apps.get_model("tracking", "Assignment")
    agencies = set(Assignment.objects.filter(is_returned=True, is_active=True,
                                             agency__isnull=False)
                   .order_by().values_list("agency_id", flat=True).distinct())
    recount_agencies(agencies, Models(apps))


def count_returned_together(apps, schema_editor):
    """Back to one row per (agency, role, status, progress): each returned row's count goes
    to its not-returned twin."""
    AgencyStatusCount = apps.get_model("tracking", "AgencyStatusCount")
    for row in AgencyStatusCount.objects.filter(returned=True).order_by("pk"):
        twin, _ = AgencyStatusCount.objects.get_or_create(
            agency_id=row.agency_id, role=row.role, status=row.status, progress=row.progress,
            returned=False, defaults={"count": 0})
        twin.count += row.count
        twin.save(update_fields=["count"])
        row.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("tracking", "0018_agency_must_report_counts"),
    ]

    operations = [
        migrations.RunPython(count_returned_apart, count_returned_together),
    ]
