"""A standard extended by a later text (docs/reviews.md, "Poverty standards as data"): Nghị định 351/2025/NĐ-CP
kept the standard of Nghị định 07/2021/NĐ-CP for the status year 2026, so a decision for 2026 cites both.

The two standards loaded by 0002 get the extension where it is still empty, so a correction made in the admin is
never undone by a later deploy.
"""

import django.db.models.deletion
from django.db import migrations, models


def load(apps, schema_editor):
    Standard = apps.get_model("reviews", "Standard")
    extending = Standard.objects.filter(code="nd-351-2025").first()
    if extending is not None:
        Standard.objects.filter(code="nd-07-2021", extended_by__isnull=True, year_to__gte=2026).update(
            extended_by=extending, extended_from_year=2026
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_standard_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="standard",
            name="extended_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The standard whose legal document extended this one's status years.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="extends",
                to="reviews.standard",
                verbose_name="extended by",
            ),
        ),
        migrations.AddField(
            model_name="standard",
            name="extended_from_year",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The first status year this standard holds by that extension.",
                null=True,
                verbose_name="extended from status year",
            ),
        ),
        migrations.AddConstraint(
            model_name="standard",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("extended_by__isnull", True), ("extended_from_year__isnull", True)),
                    models.Q(("extended_by__isnull", False), ("extended_from_year__isnull", False)),
                    _connector="OR",
                ),
                name="standard_extension_whole",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
