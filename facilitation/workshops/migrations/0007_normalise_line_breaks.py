"""Step texts saved with Windows line breaks (``\\r\\n``) get ``\\n``, as every save does now,
and the annotations on them keep pointing at the same words: their offsets lose the ``\\r``s
before them, and their quoted passage and its context lose theirs."""

from django.db import migrations


def without_cr(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def shifted(body, offset):
    # Each "\r\n" becomes one character; a lone "\r" stays one character (a "\n").
    return offset - body[:offset].count("\r\n")


def normalise(apps, schema_editor):
    Step = apps.get_model("workshops", "Step")
    Annotation = apps.get_model("deliberation", "Annotation")
    for step in Step.objects.filter(body__contains="\r").iterator():
        body = step.body
        for annotation in Annotation.objects.filter(step=step):
            annotation.start = shifted(body, annotation.start)
            annotation.end = shifted(body, annotation.end)
            annotation.exact = without_cr(annotation.exact)
            annotation.prefix = without_cr(annotation.prefix)
            annotation.suffix = without_cr(annotation.suffix)
            annotation.save(update_fields=["start", "end", "exact", "prefix", "suffix"])
        step.body = without_cr(body)
        step.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_workshop_language"),
        ("deliberation", "0004_discussion_notes_and_code_of_conduct"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
