"""The ward's 2025 plan as written (projects/seed_plan.py), for a ward named Hưng Bình
that exists when this runs. A fresh installation has no ward yet: `seed_demo`
loads the plan for the demo ward, and `manage.py load_plan_2025 <ward code>` for a
real one (docs/program.md)."""

from django.db import migrations

from projects.seed_plan import load_seed_plan


def load(apps, schema_editor):
    Ward = apps.get_model("households", "Ward")
    for ward_id in Ward.objects.filter(name="Hưng Bình").values_list("pk", flat=True):
        load_seed_plan(ward_id, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_program_catalogue"),
        ("assignments", "0002_plan_links"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
