from django.contrib import admin

from .models import Event, Participant, Round, Step, Workshop


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["position", "kind", "title", "hide_results"]
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "created_at"]
    filter_horizontal = ["facilitators", "researchers"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "workshop", "status", "join_code"]
    list_filter = ["status"]
    readonly_fields = ["join_code", "status", "current_step"]
    inlines = [StepInline]


# Steps are edited in deliberation's admin, with their options and statements inline.


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "workshop", "display_name", "joined_at"]
    exclude = ["token", "rejoin_code"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The log is append-only: readable here, never editable."""

    list_display = ["created_at", "kind", "workshop", "round"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
