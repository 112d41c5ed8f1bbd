from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0003_household_count_index"),
    ]

    operations = [
        # Every entry written before this field existed recorded full ID numbers.
        migrations.AddField(
            model_name="personaldataaccess",
            name="id_numbers_shown",
            field=models.BooleanField(default=True, verbose_name="full ID numbers shown"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="personaldataaccess",
            name="id_numbers_shown",
            field=models.BooleanField(default=False, verbose_name="full ID numbers shown"),
        ),
    ]
