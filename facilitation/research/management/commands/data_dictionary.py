from django.core.management.base import BaseCommand

from facilitation.research.dictionary import data_dictionary


class Command(BaseCommand):
    help = "Print the data dictionary of the research exports (docs/data-dictionary.md)."

    def handle(self, *args, **options):
        self.stdout.write(data_dictionary(), ending="")
