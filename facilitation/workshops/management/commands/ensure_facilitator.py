import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Make sure a facilitator account exists and say how to log in. The name and password come "
        "from BALANS_FACILITATOR_USERNAME and BALANS_FACILITATOR_PASSWORD, else 'facilitator' and "
        "a generated password kept in the data folder. The account is not staff (the admin is for "
        "operators) unless --operator or BALANS_FACILITATOR_OPERATOR=1 says so."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--operator",
            action="store_true",
            help="Also let this account use /admin/ (staff and superuser).",
        )

    def handle(self, *args, **options):
        username = os.environ.get("BALANS_FACILITATOR_USERNAME", "facilitator")
        password = os.environ.get("BALANS_FACILITATOR_PASSWORD", "")
        operator_setting = os.environ.get("BALANS_FACILITATOR_OPERATOR", "").strip().lower()
        operator = options["operator"] or operator_setting in {"1", "true", "yes", "on"}
        saved = settings.DATA_DIR / "facilitator-password"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if password:
            # A chosen password must be as strong as one typed into the admin.
            try:
                password_validation.validate_password(password, User(username=username))
            except ValidationError as error:
                raise CommandError(
                    "BALANS_FACILITATOR_PASSWORD is not accepted: " + " ".join(error.messages)
                ) from error
        if user is None:
            if not password:
                password = secrets.token_urlsafe(12)
                saved.write_text(password)
                saved.chmod(0o600)
            user = User.objects.create_user(username, password=password)
            self.stdout.write(f"Created the facilitator account “{username}”.")
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        # Said explicitly, the operator setting is applied every time (an "0" takes it away).
        said = operator or operator_setting in {"0", "false", "no", "off"}
        if said and (user.is_staff, user.is_superuser) != (operator, operator):
            user.is_staff = user.is_superuser = operator
            user.save(update_fields=["is_staff", "is_superuser"])
        if user.is_staff:
            self.stdout.write(f"“{username}” is an operator account: it can also use /admin/.")
        if not password and saved.exists() and user.check_password(saved.read_text().strip()):
            password = saved.read_text().strip()
        shown = password or "(the password you set)"
        self.stdout.write(f"Facilitator login: {username} / {shown}")
