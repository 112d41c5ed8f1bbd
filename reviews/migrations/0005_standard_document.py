"""The legal document that sets each standard, as the recognition decision's grounds cite it (docs/reviews.md).

The two standards loaded by 0002 get their document where its fields are still
empty, so a correction made in the admin is never undone by a later deploy.
"""

from datetime import date

from django.db import migrations, models

DOCUMENTS = {
    "nd-07-2021": {
        "document_type": "Nghị định",
        "document_number": "07/2021/NĐ-CP",
        "document_date": date(2021, 1, 27),
        "document_issuer": "Chính phủ",
        "document_subject": "quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025",
    },
    # Its date is left empty until read from the official text (verify): the grounds then cite it without one.
    "nd-351-2025": {
        "document_type": "Nghị định",
        "document_number": "351/2025/NĐ-CP",
        "document_date": None,
        "document_issuer": "Chính phủ",
        "document_subject": "quy định chuẩn nghèo đa chiều giai đoạn 2026 - 2030",
    },
}


def load(apps, schema_editor):
    Standard = apps.get_model("reviews", "Standard")
    for code, document in DOCUMENTS.items():
        Standard.objects.filter(code=code, document_number="").update(**document)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_meeting_attendance")]

    operations = [
        migrations.AddField(
            model_name="standard",
            name="document_type",
            field=models.CharField(
                blank=True,
                help_text="E.g. Nghị định, Quyết định.",
                max_length=50,
                verbose_name="type of legal document",
            ),
        ),
        migrations.AddField(
            model_name="standard",
            name="document_number",
            field=models.CharField(
                blank=True, help_text="E.g. 07/2021/NĐ-CP.", max_length=50, verbose_name="number of the legal document"
            ),
        ),
        migrations.AddField(
            model_name="standard",
            name="document_date",
            field=models.DateField(blank=True, null=True, verbose_name="date of the legal document"),
        ),
        migrations.AddField(
            model_name="standard",
            name="document_issuer",
            field=models.CharField(
                blank=True,
                help_text="E.g. Chính phủ, Ủy ban nhân dân tỉnh Nghệ An.",
                max_length=100,
                verbose_name="issuing body of the legal document",
            ),
        ),
        migrations.AddField(
            model_name="standard",
            name="document_subject",
            field=models.CharField(
                blank=True,
                help_text="As its title says it, e.g. quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025.",
                max_length=200,
                verbose_name="subject of the legal document",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
