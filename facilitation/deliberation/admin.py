from django.contrib import admin

from facilitation.workshops.models import Step

from .models import Option, Statement


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
    """Authoring for now: every kind's settings, options (items) and statements in one place."""

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
