from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from facilitation.deliberation.demo import DEMO_LANGUAGES, load_demo_workshop
from facilitation.deliberation.sample_activity import add_sample_round


class Command(BaseCommand):
    help = "Create the demo workshop (idempotent: an existing demo is left as it is)."

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=DEMO_LANGUAGES, default="en")
        parser.add_argument(
            "--facilitator", action="append", default=[], help="username to add as facilitator"
        )
        parser.add_argument(
            "--sample-activity",
            action="store_true",
            help="also add a closed round played through by simulated participants",
        )

    def handle(self, *args, language, facilitator, sample_activity, **options):
        users = list(get_user_model().objects.filter(username__in=facilitator))
        missing = set(facilitator) - {user.username for user in users}
        if missing:
            raise CommandError(f"No such user: {', '.join(sorted(missing))}")
        workshop, created = load_demo_workshop(language, facilitators=users)
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} the demo workshop “{workshop.title}”.")
        if sample_activity:
            _round, played = add_sample_round(
                workshop, language=language, facilitator=users[0] if users else None
            )
            verb = "Added" if played else "Kept"
            self.stdout.write(f"{verb} a closed round of sample activity.")
        for round in workshop.rounds.all():
            self.stdout.write(f"  {round.title}: join code {round.join_code} ({round.status})")
