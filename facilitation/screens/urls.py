from django.contrib.auth import views as auth_views
from django.urls import path, re_path, register_converter

from facilitation.identifiers import IdConverter

from .views import (
    accounts,
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
    questions,
    recap,
    rejoin,
    rounds,
    statements,
)

# Every id in a URL is range-checked before it reaches the database (facilitation.identifiers).
register_converter(IdConverter, "id")

urlpatterns = [
    path("", phone.home, name="home"),
    path("r/<str:code>/", phone.phone_round, name="phone-round"),
    path("r/<str:code>/join/", phone.phone_join, name="phone-join"),
    path("r/<str:code>/rejoin/", rejoin.phone_rejoin, name="phone-rejoin"),
    path("r/<str:code>/steps/<id:step_id>/vote/", phone.phone_vote, name="phone-vote"),
    path("projector/<str:key>/", projector.projector, name="projector"),
    path("console/", console.console_home, name="console-home"),
    path("console/rounds/<id:round_id>/", console.console_round, name="console-round"),
    path("console/rounds/<id:round_id>/go/", console.console_go_to, name="console-go-to"),
    path(
        "console/rounds/<id:round_id>/observe/",
        fieldnotes.console_observe,
        name="console-observe",
    ),
    path(
        "console/rounds/<id:round_id>/observe/now/",
        fieldnotes.console_observe_now,
        name="console-observe-now",
    ),
    path(
        "console/rounds/<id:round_id>/field-notes/",
        fieldnotes.console_write_field_note,
        name="console-write-field-note",
    ),
    path(
        "console/rounds/<id:round_id>/field-notes/<id:note_id>/edit/",
        fieldnotes.console_edit_field_note,
        name="console-edit-field-note",
    ),
    path(
        "console/rounds/<id:round_id>/field-notes/<id:note_id>/delete/",
        fieldnotes.console_delete_field_note,
        name="console-delete-field-note",
    ),
    path(
        "console/rounds/<id:round_id>/new-round/",
        rounds.console_new_round,
        name="console-new-round",
    ),
    path(
        "console/rounds/<id:round_id>/cards/",
        rejoin.console_rejoin_cards,
        name="console-rejoin-cards",
    ),
    path(
        "console/workshops/<id:workshop_id>/participants/",
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
        "console/rounds/<id:round_id>/<slug:action>/",
        console.console_round_action,
        name="console-round-action",
    ),
    path(
        "console/rounds/<id:round_id>/steps/<id:step_id>/timer/",
        console.console_start_timer,
        name="console-start-timer",
    ),
    path(
        "console/rounds/<id:round_id>/steps/<id:step_id>/premoderation/",
        annotations.console_premoderation,
        name="console-premoderation",
    ),
    path(
        "console/rounds/<id:round_id>/steps/<id:step_id>/finding-part/",
        annotations.console_finding_part,
        name="console-finding-part",
    ),
    path(
        "console/rounds/<id:round_id>/steps/<id:step_id>/<slug:action>/",
        console.console_step_action,
        name="console-step-action",
    ),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "console/rounds/<id:round_id>/answers/<id:response_id>/visibility/",
        console.console_answer_visibility,
        name="console-answer-visibility",
    ),
    path(
        "r/<str:code>/steps/<id:step_id>/statements/",
        statements.phone_submit_statement,
        name="phone-submit-statement",
    ),
    path(
        "console/rounds/<id:round_id>/statements/<id:statement_id>/<slug:decision>/",
        statements.console_moderate_statement,
        name="console-moderate-statement",
    ),
    path(
        "r/<str:code>/steps/<id:step_id>/annotations/",
        annotations.phone_annotate,
        name="phone-annotate",
    ),
    path(
        "r/<str:code>/annotations/<id:annotation_id>/edit/",
        annotations.phone_edit_annotation,
        name="phone-edit-annotation",
    ),
    path(
        "r/<str:code>/annotations/<id:annotation_id>/delete/",
        annotations.phone_delete_annotation,
        name="phone-delete-annotation",
    ),
    path(
        "r/<str:code>/annotations/<id:annotation_id>/plus-one/",
        annotations.phone_plus_one,
        name="phone-plus-one",
    ),
    path(
        "console/rounds/<id:round_id>/annotations/merge/",
        annotations.console_merge_annotations,
        name="console-merge-annotations",
    ),
    path(
        "console/rounds/<id:round_id>/annotations/<id:annotation_id>/merge/",
        annotations.console_merge_annotation,
        name="console-merge-annotation",
    ),
    path(
        "console/rounds/<id:round_id>/annotations/<id:annotation_id>/<slug:action>/",
        annotations.console_moderate_annotation,
        name="console-moderate-annotation",
    ),
    path(
        "r/<str:code>/steps/<id:step_id>/discussion-notes/",
        discussion.phone_add_note,
        name="phone-add-note",
    ),
    path(
        "r/<str:code>/discussion-notes/<id:note_id>/edit/",
        discussion.phone_edit_note,
        name="phone-edit-note",
    ),
    path(
        "r/<str:code>/discussion-notes/<id:note_id>/delete/",
        discussion.phone_delete_note,
        name="phone-delete-note",
    ),
    path(
        "console/rounds/<id:round_id>/groups/split/",
        discussion.console_split_groups,
        name="console-split-groups",
    ),
    path(
        "console/rounds/<id:round_id>/groups/place/",
        discussion.console_place_ungrouped,
        name="console-place-ungrouped",
    ),
    path(
        "console/rounds/<id:round_id>/groups/end/",
        discussion.console_dissolve_groups,
        name="console-dissolve-groups",
    ),
    path(
        "console/rounds/<id:round_id>/groups/move/",
        discussion.console_move_to_group,
        name="console-move-to-group",
    ),
    path(
        "console/rounds/<id:round_id>/discussions/<id:step_id>/report-back/",
        discussion.console_report_back,
        name="console-report-back",
    ),
    path(
        "console/rounds/<id:round_id>/discussion-notes/<id:note_id>/propose-clause/",
        discussion.console_propose_note_as_clause,
        name="console-propose-note-as-clause",
    ),
    # Authoring: workshops, rounds and their agendas, templates, co-facilitators.
    path("console/workshops/new/", authoring.workshop_new, name="console-workshop-new"),
    path("console/workshops/import/", authoring.workshop_import, name="console-workshop-import"),
    path("console/workshops/<id:workshop_id>/", authoring.workshop_page, name="console-workshop"),
    path(
        "console/workshops/<id:workshop_id>/edit/",
        authoring.workshop_edit,
        name="console-workshop-edit",
    ),
    path(
        "console/workshops/<id:workshop_id>/rounds/new/",
        authoring.round_new,
        name="console-round-new",
    ),
    path(
        "console/workshops/<id:workshop_id>/facilitators/",
        authoring.facilitator_invite,
        name="console-facilitator-invite",
    ),
    path(
        "console/workshops/<id:workshop_id>/template.json",
        authoring.workshop_export,
        name="console-workshop-export",
    ),
    path("console/agendas/<id:round_id>/", authoring.agenda_page, name="console-agenda"),
    path(
        "console/agendas/<id:round_id>/title/", authoring.round_rename, name="console-round-rename"
    ),
    path("console/agendas/<id:round_id>/steps/new/", authoring.step_new, name="console-step-new"),
    path(
        "console/agendas/<id:round_id>/recaps/<id:step_id>/",
        recap.console_choose_recap,
        name="console-choose-recap",
    ),
    path(
        "console/agendas/<id:round_id>/steps/<id:step_id>/",
        authoring.step_edit,
        name="console-step-edit",
    ),
    path(
        "console/agendas/<id:round_id>/steps/<id:step_id>/preview/<slug:audience>/",
        authoring.step_preview,
        name="console-step-preview",
    ),
    path(
        "console/agendas/<id:round_id>/steps/<id:step_id>/<slug:action>/",
        authoring.step_arrange,
        name="console-step-arrange",
    ),
    path(
        "console/agendas/<id:round_id>/restore/<id:event_id>/",
        authoring.step_restore,
        name="console-step-restore",
    ),
    # The code of conduct.
    path("r/<str:code>/conduct/", conduct.conduct_page, name="conduct-page"),
    path("r/<str:code>/conduct/compare/", conduct.conduct_compare, name="conduct-compare"),
    path(
        "r/<str:code>/conduct/versions/<id:number>/print/",
        conduct.conduct_print,
        name="conduct-print",
    ),
    path(
        "r/<str:code>/conduct/versions/<id:number>/markdown/",
        conduct.conduct_markdown,
        name="conduct-markdown",
    ),
    path(
        "r/<str:code>/conduct/propose/",
        conduct.phone_propose_clause,
        name="phone-propose-clause",
    ),
    path(
        "r/<str:code>/conduct/clauses/<id:clause_id>/amend/",
        conduct.phone_propose_amendment,
        name="phone-propose-amendment",
    ),
    path(
        "r/<str:code>/conduct/<slug:target>/<id:pk>/endorse/",
        conduct.phone_endorse,
        name="phone-endorse",
    ),
    path(
        "console/rounds/<id:round_id>/conduct/clauses/<id:clause_id>/",
        conduct.console_conduct_clause,
        name="console-conduct-clause",
    ),
    path(
        "console/rounds/<id:round_id>/conduct/amendments/<id:amendment_id>/",
        conduct.console_conduct_amendment,
        name="console-conduct-amendment",
    ),
    path(
        "console/rounds/<id:round_id>/conduct/merge/",
        conduct.console_conduct_merge_clauses,
        name="console-conduct-merge-clauses",
    ),
    path(
        "console/rounds/<id:round_id>/conduct/amendments/merge/",
        conduct.console_conduct_merge_amendments,
        name="console-conduct-merge-amendments",
    ),
    path(
        "console/rounds/<id:round_id>/conduct/propose/",
        conduct.console_conduct_propose,
        name="console-conduct-propose",
    ),
    path(
        "console/rounds/<id:round_id>/conduct/open-any-time/",
        conduct.console_conduct_open,
        name="console-conduct-open",
    ),
    path(
        "console/workshops/<id:workshop_id>/exports/",
        exports.console_exports,
        name="console-exports",
    ),
    path(
        "console/workshops/<id:workshop_id>/exports/download/",
        exports.console_download_export,
        name="console-download-export",
    ),
    # Questions from the room
    path("r/<str:code>/questions/", questions.phone_ask_question, name="phone-ask-question"),
    path(
        "r/<str:code>/questions/<id:question_id>/withdraw/",
        questions.phone_withdraw_question,
        name="phone-withdraw-question",
    ),
    path(
        "r/<str:code>/questions/<id:question_id>/upvote/",
        questions.phone_upvote_question,
        name="phone-upvote-question",
    ),
    path(
        "console/rounds/<id:round_id>/questions/settings/",
        questions.console_configure_questions,
        name="console-configure-questions",
    ),
    path(
        "console/rounds/<id:round_id>/questions/<id:question_id>/",
        questions.console_moderate_question,
        name="console-moderate-question",
    ),
    path(
        "console/rounds/<id:round_id>/questions/unpin/",
        questions.console_pin_question,
        name="console-pin-question",
    ),
    path(
        "console/rounds/<id:round_id>/questions/merge/",
        questions.console_merge_questions,
        name="console-merge-questions",
    ),
]
