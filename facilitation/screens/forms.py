from django import forms
from django.utils.translation import gettext_lazy as _

from facilitation.workshops.services import DISPLAY_NAME_MAX_LENGTH


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        strip=False,  # join_round trims, and refuses a name of nothing but spaces
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_("Shown only to the facilitator. Leave empty to take part anonymously."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={
            "max_length": _("A display name can have at most %(limit_value)d characters.")
        },
    )


class RejoinForm(forms.Form):
    rejoin_code = forms.CharField(
        label=_("Your personal code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
