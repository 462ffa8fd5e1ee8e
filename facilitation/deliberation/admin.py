from django.contrib import admin

from facilitation.workshops.models import Step

from .models import Code, Option, Statement


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "label", "explanation", "honours", "strains"]


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = ["text", "status"]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    """Steps as stored, for administrators. Facilitators build agendas in the console's editor
    (``screens/views/authoring.py``), which checks content and records events."""

    list_display = ["title", "round", "position", "kind", "anonymous"]
    list_filter = ["kind", "anonymous"]
    fields = [
        "round",
        "position",
        "kind",
        "title",
        "body",
        "hide_results",
        "anonymous",
        "settings",
    ]
    inlines = [OptionInline, StatementInline]


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    """The workshop's codebook, used to tag annotations."""

    list_display = ["name", "workshop", "description"]
    list_filter = ["workshop"]
    search_fields = ["name", "description"]
