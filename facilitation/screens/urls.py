from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import ThrottledAuthenticationForm
from .views import annotations, console, exports, phone, projector, statements

urlpatterns = [
    path("", phone.home, name="home"),
    path("r/<str:code>/", phone.phone_round, name="phone-round"),
    path("r/<str:code>/join/", phone.phone_join, name="phone-join"),
    path("r/<str:code>/rejoin/", phone.phone_rejoin, name="phone-rejoin"),
    path("r/<str:code>/steps/<int:step_id>/vote/", phone.phone_vote, name="phone-vote"),
    path("projector/<str:key>/", projector.projector, name="projector"),
    path("console/", console.console_home, name="console-home"),
    path("console/rounds/<int:round_id>/", console.console_round, name="console-round"),
    path("console/rounds/<int:round_id>/go/", console.console_go_to, name="console-go-to"),
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
