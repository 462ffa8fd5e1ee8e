import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure a facilitator account exists and say how to log in. The name and password come "
        "from BALANS_FACILITATOR_USERNAME and BALANS_FACILITATOR_PASSWORD, else 'facilitator' and "
        "a generated password kept in the data folder."
    )

    def handle(self, *args, **options):
        username = os.environ.get("BALANS_FACILITATOR_USERNAME", "facilitator")
        password = os.environ.get("BALANS_FACILITATOR_PASSWORD", "")
        saved = settings.DATA_DIR / "facilitator-password"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                password = secrets.token_urlsafe(9)
                saved.write_text(password)
                saved.chmod(0o600)
            user = User.objects.create_user(username, password=password, is_staff=True)
            self.stdout.write(f"Created the facilitator account “{username}”.")
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if not password and saved.exists() and user.check_password(saved.read_text().strip()):
            password = saved.read_text().strip()
        shown = password or "(the password you set)"
        self.stdout.write(f"Facilitator login: {username} / {shown}")
