"""Who may do what: every URL pattern and every websocket route, for seven roles.

The table below holds one row per route (by URL name; a whole namespace can share a row when one
guard covers it, as the admin site's does). The test walks ``get_resolver()``, so a route added
without a row fails with its name, pattern and what each role got, ready to paste as a row.

Outcomes: ``OK`` reached the view's own checks (2xx, or a 400/409 refusal with its message, since
the posts are empty); ``LOGIN`` redirected to a login page; ``JOIN`` the phone's join page (a
browser that has not joined this round); ``NOT_FOUND`` 404; ``FORBIDDEN`` 403; ``REDIRECT``
another redirect; ``NO_METHOD`` 405. Each request runs inside a savepoint that is rolled back,
so every cell starts from the same workshop.
"""

import asyncio
import copy
import os
import re

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from facilitation.deliberation import conduct
from facilitation.deliberation.annotations import annotate, sentence_spans
from facilitation.deliberation.authoring import delete_step
from facilitation.deliberation.discussion import add_note
from facilitation.deliberation.models import Statement
from facilitation.deliberation.services import cast_vote
from facilitation.fieldnotes.services import write_field_note
from facilitation.live.routing import websocket_urlpatterns
from facilitation.questions.services import ask_question, configure_questions
from facilitation.recap.services import add_recap_step
from facilitation.recording.services import start_recording
from facilitation.workshops import services
from facilitation.workshops.groups import split_into_groups
from facilitation.workshops.models import Step, Workshop
from tests.conftest import phone_for

ROLES = (
    "anonymous",
    "participant",
    "outside_participant",
    "facilitator",
    "co_facilitator",
    "researcher",
    "outside_facilitator",
)
OK, LOGIN, JOIN, NOT_FOUND, FORBIDDEN, REDIRECT, NO_METHOD = (
    "OK",
    "LOGIN",
    "JOIN",
    "NOT_FOUND",
    "FORBIDDEN",
    "REDIRECT",
    "NO_METHOD",
)


def row(
    anonymous,
    participant,
    outside_participant,
    facilitator,
    co_facilitator,
    researcher,
    outside_facilitator,
):
    """One method's outcomes, in the order of ROLES."""
    outcomes = [anonymous, participant, outside_participant, facilitator]
    outcomes += [co_facilitator, researcher, outside_facilitator]
    return dict(zip(ROLES, outcomes, strict=True))


def same(outcome):
    return row(*[outcome] * len(ROLES))


# The shapes most routes share (in the order of ROLES).
# A facilitator's page or action: this workshop's facilitators only; for other signed-in people
# the round does not exist (404, nothing said about it); without an account, the login page.
CONSOLE = row(LOGIN, LOGIN, LOGIN, OK, OK, NOT_FOUND, NOT_FOUND)
# Research exports: the facilitators and the workshop's researchers.
EXPORTS = row(LOGIN, LOGIN, LOGIN, OK, OK, OK, NOT_FOUND)
# A field note: its author (here the facilitator) only; other observers are refused.
AUTHOR = row(LOGIN, LOGIN, LOGIN, OK, FORBIDDEN, FORBIDDEN, NOT_FOUND)
# Pages of one's own (the list of one's workshops, a new workshop): any signed-in person.
SIGNED_IN = row(LOGIN, LOGIN, LOGIN, OK, OK, OK, OK)
# A phone's action: only a browser that joined this round reaches it; others get the join page.
PHONE = row(JOIN, OK, JOIN, JOIN, JOIN, JOIN, JOIN)
# A joined phone's step of the consent and withdrawal flow goes back to its round when done.
PHONE_FLOW = row(JOIN, REDIRECT, JOIN, JOIN, JOIN, JOIN, JOIN)
# Reading the code of conduct: the workshop's participants and facilitators.
READER = row(NOT_FOUND, OK, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND)
PUBLIC = same(OK)
NONE = same(NO_METHOD)
# The login check comes before the method check.
SIGNED_IN_NO_METHOD = row(LOGIN, LOGIN, LOGIN, NO_METHOD, NO_METHOD, NO_METHOD, NO_METHOD)

CONSOLE_ACTION = {"GET": SIGNED_IN_NO_METHOD, "POST": CONSOLE}
CONSOLE_PAGE = {"GET": CONSOLE, "POST": SIGNED_IN_NO_METHOD}
CONSOLE_FORM = {"GET": CONSOLE, "POST": CONSOLE}
PHONE_ACTION = {"GET": NONE, "POST": PHONE}
READING = {"GET": READER, "POST": NONE}

# The words a route's URL needs beyond the world's ids (one valid value each), and its query.
ROUTE_WORDS = {
    "console-archive": {"action": "archive"},
    "console-round-action": {"action": "pause"},
    "console-step-action": {"action": "lock"},
    "console-moderate-annotation": {"action": "hide"},
    "console-moderate-statement": {"decision": "approve"},
    "console-step-preview": {"audience": "phone"},
    "console-step-arrange": {"action": "up"},
    "console-recording-action": {"action": "pause"},
    "phone-endorse": {"target": "clause"},
}
ROUTE_QUERY = {"console-download-export": "?format=json"}

# route name -> {"GET": outcomes, "POST": outcomes}. A new route needs a row here; the failure
# message prints the row as observed, to check and paste.
MATRIX = {
    # The admin site is for operators (staff); one guard covers all of its pages.
    "admin:*": {"GET": same(LOGIN), "POST": same(LOGIN)},
    "admin:login": {"GET": PUBLIC, "POST": PUBLIC},
    "admin:logout": {"GET": same(REDIRECT), "POST": same(REDIRECT)},
    "set_language": {"GET": same(REDIRECT), "POST": same(REDIRECT)},
    "login": {"GET": PUBLIC, "POST": PUBLIC},
    "logout": {"GET": NONE, "POST": same(REDIRECT)},
    # Phones.
    "home": {"GET": PUBLIC, "POST": NONE},
    "phone-round": {"GET": PHONE, "POST": NONE},
    "phone-join": {"GET": NONE, "POST": same(REDIRECT)},
    "phone-rejoin": {"GET": same(JOIN), "POST": same(JOIN)},
    "phone-vote": PHONE_ACTION,
    "phone-consent": {"GET": NONE, "POST": PHONE_FLOW},
    "phone-describe": {"GET": NONE, "POST": PHONE_FLOW},
    "phone-withdraw": {"GET": PHONE, "POST": PHONE_FLOW},
    "phone-submit-statement": PHONE_ACTION,
    "phone-annotate": PHONE_ACTION,
    "phone-edit-annotation": PHONE_ACTION,
    "phone-delete-annotation": PHONE_ACTION,
    "phone-plus-one": PHONE_ACTION,
    "phone-add-note": PHONE_ACTION,
    "phone-edit-note": PHONE_ACTION,
    "phone-delete-note": PHONE_ACTION,
    "phone-propose-clause": PHONE_ACTION,
    "phone-propose-amendment": PHONE_ACTION,
    "phone-endorse": PHONE_ACTION,
    "phone-ask-question": PHONE_ACTION,
    "phone-withdraw-question": PHONE_ACTION,
    "phone-upvote-question": PHONE_ACTION,
    "conduct-page": READING,
    "conduct-compare": READING,
    "conduct-print": READING,
    "conduct-markdown": READING,
    # The projector: anyone with its secret key.
    "projector": {"GET": PUBLIC, "POST": NONE},
    # The console.
    "console-home": {"GET": SIGNED_IN, "POST": SIGNED_IN_NO_METHOD},
    "console-round": CONSOLE_PAGE,
    "console-go-to": CONSOLE_ACTION,
    "console-new-round": CONSOLE_FORM,
    "console-rejoin-cards": CONSOLE_PAGE,
    "console-participation": CONSOLE_FORM,
    # Archiving answers with the workshop page (a redirect), like a form without htmx.
    "console-archive": {
        "GET": SIGNED_IN_NO_METHOD,
        "POST": row(LOGIN, LOGIN, LOGIN, REDIRECT, REDIRECT, NOT_FOUND, NOT_FOUND),
    },
    "console-round-action": CONSOLE_ACTION,
    "console-start-timer": CONSOLE_ACTION,
    "console-premoderation": CONSOLE_ACTION,
    "console-step-action": CONSOLE_ACTION,
    "console-answer-visibility": CONSOLE_ACTION,
    "console-moderate-statement": CONSOLE_ACTION,
    "console-merge-annotations": CONSOLE_ACTION,
    "console-merge-annotation": CONSOLE_ACTION,
    "console-moderate-annotation": CONSOLE_ACTION,
    "console-split-groups": CONSOLE_ACTION,
    "console-place-ungrouped": CONSOLE_ACTION,
    "console-dissolve-groups": CONSOLE_ACTION,
    "console-move-to-group": CONSOLE_ACTION,
    "console-report-back": CONSOLE_ACTION,
    "console-propose-note-as-clause": CONSOLE_ACTION,
    "console-conduct-clause": CONSOLE_ACTION,
    "console-conduct-amendment": CONSOLE_ACTION,
    "console-conduct-merge-clauses": CONSOLE_ACTION,
    "console-conduct-merge-amendments": CONSOLE_ACTION,
    "console-conduct-propose": CONSOLE_ACTION,
    "console-conduct-open": CONSOLE_ACTION,
    "console-finding-part": CONSOLE_ACTION,
    # Field notes: the workshop's facilitators and researchers observe; a note is its author's.
    "console-observe": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-observe-now": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-write-field-note": {"GET": SIGNED_IN_NO_METHOD, "POST": EXPORTS},
    "console-edit-field-note": {"GET": SIGNED_IN_NO_METHOD, "POST": AUTHOR},
    "console-delete-field-note": {"GET": SIGNED_IN_NO_METHOD, "POST": AUTHOR},
    # Questions from the room.
    "console-configure-questions": CONSOLE_ACTION,
    "console-moderate-question": CONSOLE_ACTION,
    "console-pin-question": CONSOLE_ACTION,
    "console-merge-questions": CONSOLE_ACTION,
    # Authoring.
    "console-workshop-new": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "console-workshop-import": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "console-workshop": CONSOLE_PAGE,
    "console-workshop-edit": CONSOLE_ACTION,
    "console-round-new": CONSOLE_ACTION,
    "console-facilitator-invite": CONSOLE_ACTION,
    "console-workshop-export": CONSOLE_PAGE,
    "console-agenda": CONSOLE_PAGE,
    "console-round-rename": CONSOLE_ACTION,
    # A new step's form is reached from the agenda (a redirect back to it without a kind).
    "console-step-new": {
        "GET": row(LOGIN, LOGIN, LOGIN, REDIRECT, REDIRECT, NOT_FOUND, NOT_FOUND),
        "POST": row(LOGIN, LOGIN, LOGIN, REDIRECT, REDIRECT, NOT_FOUND, NOT_FOUND),
    },
    "console-step-edit": CONSOLE_FORM,
    "console-step-preview": CONSOLE_PAGE,
    "console-step-arrange": CONSOLE_ACTION,
    "console-step-restore": CONSOLE_ACTION,
    # The round report: the console's page and its publish toggle; the participants' page is
    # not found until it is published (as in this world), then open to anyone with the code.
    "console-report": CONSOLE_PAGE,
    # Recording the room: facilitators record (and upload); facilitators and researchers play.
    "console-start-recording": CONSOLE_ACTION,
    "console-recording-action": CONSOLE_ACTION,
    "console-recording-chunks": CONSOLE_ACTION,
    "console-recording": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-recording-audio": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-recording-chapters": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-recording-field-notes": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-publish-report": CONSOLE_ACTION,
    "phone-report": {"GET": same(NOT_FOUND), "POST": NONE},
    "console-choose-recap": CONSOLE_ACTION,
    # Research exports.
    "console-exports": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
    "console-download-export": {"GET": EXPORTS, "POST": SIGNED_IN_NO_METHOD},
}


# The world every cell runs in ------------------------------------------------------------------


def _world(facilitator, workshop, live_round):
    user = get_user_model().objects.create_user
    co = user("co-facilitator", password="a long pass phrase")
    workshop.facilitators.add(co)
    researcher = user("researcher", password="a long pass phrase")
    workshop.researchers.add(researcher)
    outsider = user("outside-facilitator", password="a long pass phrase")
    elsewhere = Workshop.objects.create(title="Elsewhere")
    elsewhere.facilitators.add(outsider)
    other_round = services.start_round(services.create_round(elsewhere, title="R"), by=outsider)

    participant = services.join_round(live_round, display_name="Anna")
    finding = live_round.steps.filter(kind=Step.Kind.FINDING).order_by("position").first()
    dilemma = live_round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position").first()
    statements = live_round.steps.get(kind=Step.Kind.STATEMENTS)
    discussion = live_round.steps.get(kind=Step.Kind.DISCUSSION)
    services.go_to_step(live_round, dilemma, by=facilitator)
    response = cast_vote(dilemma, participant, dilemma.options.first().pk)
    services.go_to_step(live_round, finding, by=facilitator)
    start, end = sentence_spans(finding)[0][:2]
    annotation = annotate(finding, participant, start=start, end=end, note="A note")
    services.go_to_step(live_round, discussion, by=facilitator)
    group = split_into_groups(live_round, method="random", count=1, by=facilitator)[0]
    note = add_note(discussion, participant, group=group, text="A group's note")
    statement = Statement.objects.create(step=statements, text="A statement of ours")
    clause = conduct.current_clauses(workshop)[0]
    amendment = conduct.propose_amendment(
        clause, "Some other wording", by_user=facilitator, round=live_round
    )
    services.go_to_step(live_round, finding, by=facilitator)
    version = conduct.latest_version(workshop)
    configure_questions(live_round, open_any_time=True, premoderate=False, by=facilitator)
    question = ask_question(live_round, participant, text="A question of ours")
    bos_question = ask_question(
        live_round, services.join_round(live_round, display_name="Bo"), text="Bo asks"
    )
    field_note = write_field_note(live_round, by=facilitator, text="Bo changed the room's mind")
    # A recap step (at the end of the agenda), for what it shows.
    recap = add_recap_step(live_round, by=facilitator, position=99)
    # A deleted step, for the agenda's undo.
    spare = live_round.steps.filter(kind=Step.Kind.OPEN_TEXT).get()
    deleted = delete_step(spare, by=facilitator)
    # A recorded workshop, with a recording running.
    workshop.consent_text = "The room is recorded."
    workshop.recorded = True
    workshop.save(update_fields=["consent_text", "recorded"])
    workshop.participants.update(consented_at=timezone.now())
    recording = start_recording(live_round, by=facilitator, mime_type="audio/webm;codecs=opus")

    def client(who=None):
        browser = Client()
        if who is not None:
            browser.force_login(who)
        return browser

    clients = {
        "anonymous": client(),
        "participant": phone_for(participant),
        "outside_participant": phone_for(services.join_round(other_round, display_name="Eve")),
        "facilitator": client(facilitator),
        "co_facilitator": client(co),
        "researcher": client(researcher),
        "outside_facilitator": client(outsider),
    }
    words = {
        "code": live_round.join_code,
        "key": live_round.projector_key,
        "round_id": live_round.pk,
        "workshop_id": workshop.pk,
        "step_id": finding.pk,
        "annotation_id": annotation.pk,
        "note_id": note.pk,
        "statement_id": statement.pk,
        "clause_id": clause.pk,
        "amendment_id": amendment.pk,
        "response_id": response.pk,
        "participant_id": participant.pk,
        "event_id": deleted.pk,
        "question_id": question.pk,
        "recording_id": recording.pk,
        # Routes whose id is another kind's than the world's word of that name.
        "routes": {
            "console-edit-field-note": {"note_id": field_note.pk},
            "console-delete-field-note": {"note_id": field_note.pk},
            # One votes for someone else's question, withdraws one's own.
            "phone-upvote-question": {"question_id": bos_question.pk},
            "console-choose-recap": {"step_id": recap.pk},
        },
        "number": version.number if version else 1,
        "pk": clause.pk,
        # The admin's words.
        "app_label": "workshops",
        "object_id": str(workshop.pk),
        "content_type_id": "1",
        "url": "nothing-here/",
    }
    return clients, words


# Walking the routes -----------------------------------------------------------------------------


def all_routes(resolver=None, prefix="", namespace=""):
    """(key, pattern text, URLPattern) for every route, nested includes flattened."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_routes(entry, text, inner)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else f"{namespace}{text}"
            yield key, text, entry


def row_for(key):
    if key in MATRIX:
        return MATRIX[key]
    namespace = key.split(":")[0] + ":*" if ":" in key else None
    return MATRIX.get(namespace)


def url_for(key, pattern_text, entry, words):
    kwargs = {**ROUTE_WORDS.get(key, {}), **words.get("routes", {}).get(key, {})}
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern_text)
    for converter_name, regex_name in names:
        name = converter_name or regex_name
        kwargs.setdefault(name, words.get(name, "x"))
    if entry.name:
        name = key.rsplit(":", 1)[0] + ":" + entry.name if ":" in key else entry.name
        return reverse(name, kwargs=kwargs) + ROUTE_QUERY.get(key, "")
    # An unnamed route: fill its regex by hand.
    path = pattern_text.lstrip("^").rstrip("$")
    for name, value in kwargs.items():
        path = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), path)
    return "/" + path


def outcome(response):
    names = {t.name for t in response.templates if t.name}
    if any(name.startswith("phone/join.html") for name in names):
        return JOIN
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith((resolve_url(settings.LOGIN_URL), "/admin/login/")):
            return LOGIN
        if location.rstrip("/").endswith("/join") or "/join/" in location:
            return JOIN
        return REDIRECT
    if 200 <= status < 300 or status in (400, 409):
        return OK
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: NO_METHOD}.get(status, f"HTTP {status}")


class _Undo(Exception):
    pass


def observe(client, method, url):
    cache.clear()  # rate limits must not decide a cell
    # Logging out (or a login) changes the browser's cookies; the next cell needs them as they were.
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, {}, HTTP_HX_REQUEST="true")
            result = outcome(response)
            raise _Undo
    except _Undo:
        return result
    finally:
        client.cookies = cookies


def observed_matrix(clients, words):
    routes = list(all_routes())
    table = {}
    for key, text, entry in routes:
        url = url_for(key, text, entry, words)
        table[key] = (
            text,
            url,
            {
                method: {role: observe(clients[role], method, url) for role in ROLES}
                for method in ("GET", "POST")
            },
        )
    return table


def as_row(outcomes):
    return "row(" + ", ".join(outcomes[role] for role in ROLES) + ")"


@pytest.mark.engine_neutral
@pytest.mark.django_db
def test_every_route_has_a_row_and_every_role_gets_what_its_row_says(
    facilitator, workshop, live_round
):
    clients, words = _world(facilitator, workshop, live_round)
    table = observed_matrix(clients, words)
    if os.environ.get("MATRIX_RECORD"):
        for key, (_text, _url, seen) in table.items():
            print(f'    "{key}": {{"GET": {as_row(seen["GET"])}, "POST": {as_row(seen["POST"])}}},')
    missing = [key for key in table if row_for(key) is None]
    assert not missing, "These routes have no row in MATRIX (add one per route):\n" + "\n".join(
        f'    "{key}": {{"GET": {as_row(table[key][2]["GET"])}, '
        f'"POST": {as_row(table[key][2]["POST"])}}},  # {table[key][0]}'
        for key in missing
    )
    wrong = []
    for key, (_text, url, seen) in table.items():
        expected = row_for(key)
        for method in ("GET", "POST"):
            for role in ROLES:
                if seen[method][role] != expected[method][role]:
                    wrong.append(
                        f"{method} {url} ({key}) as {role}: "
                        f"expected {expected[method][role]}, got {seen[method][role]}"
                    )
    assert not wrong, "\n".join(wrong)
    cells = len(table) * len(ROLES) * 2
    print(f"authorisation matrix: {len(table)} routes x {len(ROLES)} roles x 2 methods = {cells}")


# Websockets -------------------------------------------------------------------------------------

# audience -> outcomes: "open" (snapshot sent), 4403, 4404.
SOCKETS = {
    "participant": row("4403", "open", "4403", "4403", "4403", "4403", "4403"),
    "projector": same("open"),
    "facilitator": row("4403", "4403", "4403", "open", "open", "4403", "4403"),
}
ORIGIN = (b"origin", b"http://localhost")
HOST = (b"host", b"localhost")


def cookie_of(client):
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


async def socket_outcome(path, cookie):
    from facilitation.asgi import application

    headers = [ORIGIN, HOST] + ([(b"cookie", cookie.encode())] if cookie else [])
    communicator = WebsocketCommunicator(application, path, headers=headers)
    await communicator.connect(timeout=5)
    try:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return str(output.get("code"))
        return "open"
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
def test_every_websocket_route_lets_in_only_its_roles(settings, facilitator, workshop, live_round):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    clients, words = _world(facilitator, workshop, live_round)
    audiences = set()
    for entry in websocket_urlpatterns:
        found = re.search(r"\(\?P<audience>([^)]*)\)", entry.pattern.regex.pattern)
        audiences |= set(found.group(1).split("|"))
    assert audiences == set(SOCKETS), (
        f"websocket audiences without a row: {audiences - set(SOCKETS)}"
    )
    keys = {
        "participant": words["code"],
        "projector": words["key"],
        "facilitator": words["round_id"],
    }
    wrong = []

    async def run():
        for audience, expected in SOCKETS.items():
            path = f"/ws/{audience}/{keys[audience]}/"
            for role in ROLES:
                got = await socket_outcome(path, cookie_of(clients[role]))
                if got != expected[role]:
                    wrong.append(f"{path} as {role}: expected {expected[role]}, got {got}")
            # Keys that match nothing, a console's (a round id) too: letters, a huge number.
            for key in ["ZZZZ9999", "9" * 40]:
                path = f"/ws/{audience}/{key}/"
                unknown = await socket_outcome(path, cookie_of(clients["facilitator"]))
                # A phone's unknown code is refused as a code not one's own: no oracle.
                refused = "4403" if audience == "participant" else "4404"
                if unknown != refused:
                    wrong.append(f"{path}: expected {refused}, got {unknown}")

    asyncio.run(run())
    assert not wrong, "\n".join(wrong)
