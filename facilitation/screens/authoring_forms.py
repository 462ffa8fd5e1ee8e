"""Forms of the authoring pages: workshops, rounds, co-facilitators, templates, and steps.

A step's form is built from its kind's spec (``deliberation.step_content.KIND_SPECS``), so a new
kind's settings appear in the editor without a form of their own. The forms check what a person
can fix in a field; the domain functions check the whole content again before storing it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from facilitation.deliberation.step_content import (
    EXPLANATION_MAX,
    LABEL_MAX,
    MAX_STATEMENTS,
    STATEMENT_MAX,
    Flag,
    Number,
    Text,
    spec_of,
)
from facilitation.deliberation.workshop_templates import MAX_TEMPLATE_BYTES
from facilitation.identifiers import MAX_ID
from facilitation.workshops.models import Round, Step, ValueLogic, Workshop


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "description", "language"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["title"]
        labels = {"title": _("Title of the round")}
        help_texts = {"title": _("For example “May workshop”.")}


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the co-facilitator"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class TemplateImportForm(forms.Form):
    template = forms.FileField(label=_("Template file (JSON)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in here, not in the class: there it would be said in the server's language.
        self.fields["template"].help_text = _(
            "A file exported from a workshop page, at most %(max)d KB."
        ) % {"max": MAX_TEMPLATE_BYTES // 1000}

    def clean_template(self):
        upload = self.cleaned_data["template"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)d KB; a template can be at most %(max)d KB.")
                % {"size": upload.size // 1000, "max": MAX_TEMPLATE_BYTES // 1000}
            )
        return upload.read(MAX_TEMPLATE_BYTES + 1)


def setting_field(setting):
    if isinstance(setting, Flag):
        return forms.BooleanField(label=setting.label, help_text=setting.help_text, required=False)
    if isinstance(setting, Number):
        return forms.IntegerField(
            label=setting.label,
            help_text=setting.help_text,
            min_value=setting.low,
            max_value=setting.high,
            required=setting.default is not None,
            initial=setting.default,
        )
    if isinstance(setting, Text):
        return forms.CharField(
            label=setting.label,
            help_text=setting.help_text,
            max_length=setting.max_length,
            required=False,
        )
    raise TypeError(setting)


SETTING_PREFIX = "setting_"


class StepForm(forms.Form):
    """The common fields of a step and its kind's settings (as ``setting_<name>`` fields)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("**bold**, *italic*, lists with “- ”. At most 10,000 characters."),
    )
    hide_results = forms.BooleanField(
        label=_("Hide results until revealed"),
        required=False,
        initial=True,
        help_text=_("Avoids group-think: the room sees results only when you reveal them."),
    )
    anonymous = forms.BooleanField(
        label=_("Fully anonymous"),
        required=False,
        help_text=_("Answers are stored with no link to the participant, and cannot be changed."),
    )

    def __init__(self, kind, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.spec = spec_of(kind)
        # Nothing on a finding or a recap is answered, so there are no results to hide.
        if kind in (Step.Kind.FINDING, Step.Kind.RECAP):
            del self.fields["hide_results"], self.fields["anonymous"]
        elif not self.spec.can_be_anonymous:
            del self.fields["anonymous"]
        for name, setting in self.spec.settings.items():
            self.fields[SETTING_PREFIX + name] = setting_field(setting)

    def settings_fields(self):
        return [self[name] for name in self.fields if name.startswith(SETTING_PREFIX)]

    def common_fields(self):
        return [self[name] for name in self.fields if not name.startswith(SETTING_PREFIX)]

    @staticmethod
    def initial_for(step):
        initial = {
            "title": step.title,
            "body": step.body,
            "hide_results": step.hide_results,
            "anonymous": step.anonymous,
        }
        for name, value in (step.settings or {}).items():
            initial[SETTING_PREFIX + name] = value
        return initial

    def content(self, options, statements, *, settings=None):
        """The step's content (``step_content``) from this form and the formsets' forms."""
        data = self.cleaned_data
        if settings is None:
            settings = {
                name: data.get(SETTING_PREFIX + name)
                for name in self.spec.settings
                if data.get(SETTING_PREFIX + name) not in (None, "", False)
            }
        return {
            "kind": self.kind,
            "title": data["title"],
            "body": data.get("body", ""),
            "hide_results": data.get("hide_results", True),
            "anonymous": data.get("anonymous", False),
            "settings": settings,
            "options": options,
            "statements": statements,
        }


class OptionForm(forms.Form):
    id = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Label"), max_length=LABEL_MAX)
    explanation = forms.CharField(
        label=_("Explanation (optional)"), max_length=EXPLANATION_MAX, required=False
    )
    honours = forms.MultipleChoiceField(
        label=_("Honours"),
        choices=ValueLogic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    strains = forms.MultipleChoiceField(
        label=_("Strains"),
        choices=ValueLogic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, logics=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not logics:
            del self.fields["honours"], self.fields["strains"]

    def clean(self):
        data = super().clean()
        if both := set(data.get("honours", [])) & set(data.get("strains", [])):
            raise forms.ValidationError(
                _("An option cannot both honour and strain %(names)s.")
                % {"names": ", ".join(str(ValueLogic(key).label) for key in sorted(both))}
            )
        return data


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OptionRows(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "A step can have at most %(num)d option.",
            "A step can have at most %(num)d options.",
            "num",
        ),
    }


class StatementRows(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "A step can have at most %(num)d statement.",
            "A step can have at most %(num)d statements.",
            "num",
        ),
    }


# Two empty rows to fill in; "Save and add more" shows two fresh ones. Order by number fields.
# The page never has more rows than the most a step can hold (``absolute_max``): a post that
# claims a thousand is refused with the limit, not built and shown again row by row.
OptionFormSet = forms.formset_factory(
    OptionForm, formset=OptionRows, extra=2, can_delete=True, can_order=True,
    max_num=12, absolute_max=12, validate_max=True,
)  # fmt: skip
StatementFormSet = forms.formset_factory(
    StatementForm, formset=StatementRows, extra=2, can_delete=True, can_order=True,
    max_num=MAX_STATEMENTS, absolute_max=MAX_STATEMENTS, validate_max=True,
)  # fmt: skip


def chosen_forms(formset):
    """The formset's filled-in forms in the order the person gave, without deleted ones."""
    return [form for form in formset.ordered_forms if not form.cleaned_data.get("DELETE")]


def options_of(formset):
    return [
        {
            **({"id": form.cleaned_data["id"]} if form.cleaned_data.get("id") else {}),
            "label": form.cleaned_data["label"],
            "explanation": form.cleaned_data.get("explanation", ""),
            "honours": form.cleaned_data.get("honours", []),
            "strains": form.cleaned_data.get("strains", []),
        }
        for form in chosen_forms(formset)
    ]


def statements_of(formset):
    return [form.cleaned_data["text"] for form in chosen_forms(formset)]
