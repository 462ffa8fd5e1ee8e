from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from .forms import ThrottledAuthenticationForm
from .views import (
    annotations,
    authoring,
    conduct,
    consent,
    console,
    discussion,
    exports,
    fieldnotes,
    phone,
    projector,
    rejoin,
    rounds,
    statements,
)

urlpatterns = [
    path("", phone.home, name="home"),
    path("r/<str:code>/", phone.phone_round, name="phone-round"),
    path("r/<str:code>/join/", phone.phone_join, name="phone-join"),
    path("r/<str:code>/rejoin/", rejoin.phone_rejoin, name="phone-rejoin"),
    path("r/<str:code>/steps/<int:step_id>/vote/", phone.phone_vote, name="phone-vote"),
    path("projector/<str:key>/", projector.projector, name="projector"),
    path("console/", console.console_home, name="console-home"),
    path("console/rounds/<int:round_id>/", console.console_round, name="console-round"),
    path("console/rounds/<int:round_id>/go/", console.console_go_to, name="console-go-to"),
    path(
        "console/rounds/<int:round_id>/observe/",
        fieldnotes.console_observe,
        name="console-observe",
    ),
    path(
        "console/rounds/<int:round_id>/observe/now/",
        fieldnotes.console_observe_now,
        name="console-observe-now",
    ),
    path(
        "console/rounds/<int:round_id>/field-notes/",
        fieldnotes.console_write_field_note,
        name="console-write-field-note",
    ),
    path(
        "console/rounds/<int:round_id>/field-notes/<int:note_id>/edit/",
        fieldnotes.console_edit_field_note,
        name="console-edit-field-note",
    ),
    path(
        "console/rounds/<int:round_id>/field-notes/<int:note_id>/delete/",
        fieldnotes.console_delete_field_note,
        name="console-delete-field-note",
    ),
    path(
        "console/rounds/<int:round_id>/new-round/",
        rounds.console_new_round,
        name="console-new-round",
    ),
    path(
        "console/rounds/<int:round_id>/cards/",
        rejoin.console_rejoin_cards,
        name="console-rejoin-cards",
    ),
    path(
        "console/workshops/<int:workshop_id>/participants/",
        rounds.console_participation,
        name="console-participation",
    ),
    # Only these two words: the workshop's other pages live under the same prefix.
    re_path(
        r"^console/workshops/(?P<workshop_id>[0-9]+)/(?P<action>archive|unarchive)/$",
        rounds.console_archive,
        name="console-archive",
    ),
    path("r/<str:code>/consent/", consent.phone_consent, name="phone-consent"),
    path("r/<str:code>/about-you/", consent.phone_describe, name="phone-describe"),
    path("r/<str:code>/withdraw/", consent.phone_withdraw, name="phone-withdraw"),
    path(
        "console/rounds/<int:round_id>/<slug:action>/",
        console.console_round_action,
        name="console-round-action",
    ),
    path(
        "console/rounds/<int:round_id>/steps/<int:step_id>/timer/",
        console.console_start_timer,
        name="console-start-timer",
    ),
    path(
        "console/rounds/<int:round_id>/steps/<int:step_id>/premoderation/",
        annotations.console_premoderation,
        name="console-premoderation",
    ),
    path(
        "console/rounds/<int:round_id>/steps/<int:step_id>/<slug:action>/",
        console.console_step_action,
        name="console-step-action",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "console/rounds/<int:round_id>/answers/<int:response_id>/visibility/",
        console.console_answer_visibility,
        name="console-answer-visibility",
    ),
    path(
        "r/<str:code>/steps/<int:step_id>/statements/",
        statements.phone_submit_statement,
        name="phone-submit-statement",
    ),
    path(
        "console/rounds/<int:round_id>/statements/<int:statement_id>/<slug:decision>/",
        statements.console_moderate_statement,
        name="console-moderate-statement",
    ),
    path(
        "r/<str:code>/steps/<int:step_id>/annotations/",
        annotations.phone_annotate,
        name="phone-annotate",
    ),
    path(
        "r/<str:code>/annotations/<int:annotation_id>/edit/",
        annotations.phone_edit_annotation,
        name="phone-edit-annotation",
    ),
    path(
        "r/<str:code>/annotations/<int:annotation_id>/delete/",
        annotations.phone_delete_annotation,
        name="phone-delete-annotation",
    ),
    path(
        "r/<str:code>/annotations/<int:annotation_id>/plus-one/",
        annotations.phone_plus_one,
        name="phone-plus-one",
    ),
    path(
        "console/rounds/<int:round_id>/annotations/<int:annotation_id>/merge/",
        annotations.console_merge_annotation,
        name="console-merge-annotation",
    ),
    path(
        "console/rounds/<int:round_id>/annotations/<int:annotation_id>/<slug:action>/",
        annotations.console_moderate_annotation,
        name="console-moderate-annotation",
    ),
    path(
        "r/<str:code>/steps/<int:step_id>/discussion-notes/",
        discussion.phone_add_note,
        name="phone-add-note",
    ),
    path(
        "r/<str:code>/discussion-notes/<int:note_id>/edit/",
        discussion.phone_edit_note,
        name="phone-edit-note",
    ),
    path(
        "r/<str:code>/discussion-notes/<int:note_id>/delete/",
        discussion.phone_delete_note,
        name="phone-delete-note",
    ),
    path(
        "console/rounds/<int:round_id>/groups/split/",
        discussion.console_split_groups,
        name="console-split-groups",
    ),
    path(
        "console/rounds/<int:round_id>/groups/place/",
        discussion.console_place_ungrouped,
        name="console-place-ungrouped",
    ),
    path(
        "console/rounds/<int:round_id>/groups/end/",
        discussion.console_dissolve_groups,
        name="console-dissolve-groups",
    ),
    path(
        "console/rounds/<int:round_id>/groups/move/<int:participant_id>/",
        discussion.console_move_to_group,
        name="console-move-to-group",
    ),
    path(
        "console/rounds/<int:round_id>/discussions/<int:step_id>/report-back/",
        discussion.console_report_back,
        name="console-report-back",
    ),
    path(
        "console/rounds/<int:round_id>/discussion-notes/<int:note_id>/propose-clause/",
        discussion.console_propose_note_as_clause,
        name="console-propose-note-as-clause",
    ),
    # Authoring: workshops, rounds and their agendas, templates, co-facilitators.
    path("console/workshops/new/", authoring.workshop_new, name="console-workshop-new"),
    path("console/workshops/import/", authoring.workshop_import, name="console-workshop-import"),
    path("console/workshops/<int:workshop_id>/", authoring.workshop_page, name="console-workshop"),
    path(
        "console/workshops/<int:workshop_id>/edit/",
        authoring.workshop_edit,
        name="console-workshop-edit",
    ),
    path(
        "console/workshops/<int:workshop_id>/rounds/new/",
        authoring.round_new,
        name="console-round-new",
    ),
    path(
        "console/workshops/<int:workshop_id>/facilitators/",
        authoring.facilitator_invite,
        name="console-facilitator-invite",
    ),
    path(
        "console/workshops/<int:workshop_id>/template.json",
        authoring.workshop_export,
        name="console-workshop-export",
    ),
    path("console/agendas/<int:round_id>/", authoring.agenda_page, name="console-agenda"),
    path(
        "console/agendas/<int:round_id>/title/", authoring.round_rename, name="console-round-rename"
    ),
    path("console/agendas/<int:round_id>/steps/new/", authoring.step_new, name="console-step-new"),
    path(
        "console/agendas/<int:round_id>/steps/<int:step_id>/",
        authoring.step_edit,
        name="console-step-edit",
    ),
    path(
        "console/agendas/<int:round_id>/steps/<int:step_id>/preview/<slug:audience>/",
        authoring.step_preview,
        name="console-step-preview",
    ),
    path(
        "console/agendas/<int:round_id>/steps/<int:step_id>/<slug:action>/",
        authoring.step_arrange,
        name="console-step-arrange",
    ),
    path(
        "console/agendas/<int:round_id>/restore/<int:event_id>/",
        authoring.step_restore,
        name="console-step-restore",
    ),
    # The code of conduct.
    path("r/<str:code>/conduct/", conduct.conduct_page, name="conduct-page"),
    path("r/<str:code>/conduct/compare/", conduct.conduct_compare, name="conduct-compare"),
    path(
        "r/<str:code>/conduct/versions/<int:number>/print/",
        conduct.conduct_print,
        name="conduct-print",
    ),
    path(
        "r/<str:code>/conduct/versions/<int:number>/markdown/",
        conduct.conduct_markdown,
        name="conduct-markdown",
    ),
    path(
        "r/<str:code>/conduct/propose/",
        conduct.phone_propose_clause,
        name="phone-propose-clause",
    ),
    path(
        "r/<str:code>/conduct/clauses/<int:clause_id>/amend/",
        conduct.phone_propose_amendment,
        name="phone-propose-amendment",
    ),
    path(
        "r/<str:code>/conduct/<slug:target>/<int:pk>/endorse/",
        conduct.phone_endorse,
        name="phone-endorse",
    ),
    path(
        "console/rounds/<int:round_id>/conduct/clauses/<int:clause_id>/",
        conduct.console_conduct_clause,
        name="console-conduct-clause",
    ),
    path(
        "console/rounds/<int:round_id>/conduct/amendments/<int:amendment_id>/",
        conduct.console_conduct_amendment,
        name="console-conduct-amendment",
    ),
    path(
        "console/rounds/<int:round_id>/conduct/propose/",
        conduct.console_conduct_propose,
        name="console-conduct-propose",
    ),
    path(
        "console/rounds/<int:round_id>/conduct/open-any-time/",
        conduct.console_conduct_open,
        name="console-conduct-open",
    ),
    path(
        "console/workshops/<int:workshop_id>/exports/",
        exports.console_exports,
        name="console-exports",
    ),
    path(
        "console/workshops/<int:workshop_id>/exports/download/",
        exports.console_download_export,
        name="console-download-export",
    ),
]
