from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0008_projector_display"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="language",
            field=models.CharField(
                blank=True, choices=[("en", "English"), ("sv", "Swedish")], max_length=8
            ),
        ),
    ]
