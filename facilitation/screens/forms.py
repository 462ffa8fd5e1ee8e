from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
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


LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuse further attempts for a while after repeated failed logins for a name or address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed attempts. Wait 15 minutes, then try again, or ask an administrator."
        ),
    }

    def _keys(self):
        username = (self.data.get("username") or "").strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return [f"login-failures:user:{username}", f"login-failures:addr:{address}"]

    def clean(self):
        if any(cache.get(key, 0) >= LOGIN_FAILURE_LIMIT for key in self._keys()):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            for key in self._keys():
                cache.add(key, 0, LOGIN_LOCKOUT_SECONDS)
                cache.incr(key)
            raise
