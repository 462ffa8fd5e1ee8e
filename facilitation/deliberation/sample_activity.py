"""Simulated activity for the demo: a whole round played through, so a new user can see results
and try the research exports without gathering a room first.

Everything goes through the same domain functions a real round uses (joining, answering,
annotating, revealing, closing), so the events and the exports are what a real round leaves.
Each kind of activity is one function in ``SAMPLE_ACTIVITIES`` (breakout groups with their notes
and work on the code of conduct are two of them; a later capability adds its own); each gets the
round, the step on screen, the participants, the facilitator and a seeded random generator.
What the simulated people write, and what they say about themselves (municipality, role), is
content: ``demo/sample-<language>.json``.
"""

import random

from django.utils import translation

from facilitation.fieldnotes.sample_activity import observe_the_room
from facilitation.questions.sample_activity import ask_questions
from facilitation.workshops import participants as participation
from facilitation.workshops import services
from facilitation.workshops.groups import RANDOM, group_of, split_into_groups
from facilitation.workshops.models import Step

from .anchoring import sentences
from .annotations import annotate, moderate_annotation
from .answer_kinds.placement import HIGHEST, LOWEST
from .answer_kinds.ranking import RANK_FIELD
from .answer_kinds.statements import STATEMENT_ANSWERS
from .conduct import (
    accept_clause,
    current_clauses,
    endorse,
    freeze_round_version,
    propose_amendment,
    propose_clause,
)
from .demo import DEMO_LANGUAGES, demo_template, sample_content
from .discussion import add_note, propose_note_as_clause, set_report_back
from .models import Code, Endorsement
from .moderation import set_answer_hidden
from .services import submit_answer

SAMPLE_PARTICIPANTS = 12
REACTIONS = ["", "agree", "surprising", "not_true_for_us"]


def play_sample_round(round, *, facilitator, language="en", seed=1):
    """Run a draft round from start to close with simulated participants; return the round.

    Each step is shown, answered (or annotated) by most of the room, locked, revealed, and the
    round is closed at the end, all recorded as events.
    """
    rng = random.Random(seed)
    texts = sample_content(language if language in DEMO_LANGUAGES else "en")
    # What the domain functions write in words (group names, reasons) is in the demo's language.
    with translation.override(language):
        services.start_round(round, by=facilitator)
        participants = [services.join_round(round) for _ in range(SAMPLE_PARTICIPANTS)]
        describe_themselves(round, participants, rng)
        for step in round.ordered_steps():
            services.go_to_step(round, step, by=facilitator)
            for activity in SAMPLE_ACTIVITIES:
                activity(round, step, participants, facilitator, rng, texts)
            if step.kind != Step.Kind.FINDING:
                services.lock_voting(step, by=facilitator)
                services.reveal_results(step, by=facilitator)
        services.close_round(round, by=facilitator)
        # As the console does: the code as it stands when the round closes is kept as a version.
        freeze_round_version(round, by=facilitator)
    return round


def describe_themselves(round, participants, rng):
    """Most participants answer the workshop's questions about themselves; one declines."""
    attributes = round.workshop.participant_attributes or []
    for number, participant in enumerate(participants):
        answers = {}
        if number != len(participants) - 1:
            answers = {
                a["key"]: rng.choice(a["choices"]) if a.get("choices") else "" for a in attributes
            }
        if attributes:
            participation.describe_participant(participant, answers, round=round)


def answer_steps(round, step, participants, facilitator, rng, texts):
    for participant in participants:
        if rng.random() < 0.15:
            continue  # not everyone answers everything
        payload = sample_payload(step, rng, texts)
        if payload is not None:
            submit_answer(step, participant, payload)


def sample_payload(step, rng, texts):
    options = list(step.options.values_list("pk", flat=True))
    match step.kind:
        case Step.Kind.DILEMMA | Step.Kind.SINGLE_CHOICE:
            return {"option": [str(rng.choice(options))]}
        case Step.Kind.MULTIPLE_CHOICE:
            picked = rng.sample(options, k=rng.randint(1, min(3, len(options))))
            return {"option": [str(pk) for pk in picked]}
        case Step.Kind.RANKING:
            order = rng.sample(options, k=len(options))
            return {f"{RANK_FIELD}{pk}": [str(rank)] for rank, pk in enumerate(order, start=1)}
        case Step.Kind.SCALE:
            points = step.settings.get("points", 5)
            return {"value": [str(rng.randint(1, points))]}
        case Step.Kind.PLACEMENT:
            return {"position": [str(rng.randint(LOWEST, HIGHEST))], "reason": [""]}
        case Step.Kind.STATEMENTS:
            statement = step.statements.filter(status="approved").order_by("?").first()
            if statement is None:
                return None
            return {"statement": [str(statement.pk)], "answer": [rng.choice(STATEMENT_ANSWERS)]}
        case Step.Kind.OPEN_TEXT:
            return {"text": [rng.choice(texts["answers"])]}
    return None


def annotate_findings(round, step, participants, facilitator, rng, texts):
    if step.kind != Step.Kind.FINDING:
        return
    spans = sentences(step.body)
    codes = list(Code.objects.filter(workshop=round.workshop).values_list("pk", flat=True))
    for participant in rng.sample(participants, k=len(participants) // 2):
        start, end = rng.choice(spans)
        annotate(
            step,
            participant,
            start=start,
            end=end,
            note=rng.choice(texts["notes"]),
            code_ids=rng.sample(codes, k=min(len(codes), rng.randint(0, 2))),
            reaction=rng.choice(REACTIONS),
        )


def moderate_a_little(round, step, participants, facilitator, rng, texts):
    """Pin the first note on a finding and hide one open answer, as a facilitator would."""
    if step.kind == Step.Kind.FINDING:
        first = step.annotations.order_by("created_at", "pk").first()
        if first is not None:
            moderate_annotation(first, action="pin", by=facilitator)
    elif step.kind == Step.Kind.OPEN_TEXT:
        last = step.responses.order_by("-created_at", "-pk").first()
        if last is not None:
            set_answer_hidden(last, True, by=facilitator)


def discuss_in_groups(round, step, participants, facilitator, rng, texts):
    """Split the room into three groups; each writes a few notes, then reports back, and the
    facilitator proposes one group's note for the code of conduct."""
    if step.kind != Step.Kind.DISCUSSION:
        return
    split_into_groups(round, method=RANDOM, count=3, by=facilitator, rng=rng)
    notes = list(texts["group_notes"])
    rng.shuffle(notes)
    writers = rng.sample(participants, k=min(len(notes), len(participants)))
    written = [
        add_note(step, person, group=group_of(round, person), text=text)
        for person, text in zip(writers, notes, strict=False)
    ]
    set_report_back(step, True, by=facilitator)
    if written and can_decide(round.workshop, facilitator):
        propose_note_as_clause(written[-1], by=facilitator)


def can_decide(workshop, facilitator):
    # Without a facilitator (seed_demo without --facilitator) nobody may decide on the code.
    return facilitator is not None and workshop.is_facilitated_by(facilitator)


def work_on_the_code(round, step, participants, facilitator, rng, texts):
    """A few people propose clauses and one proposes a new wording; the room endorses, two
    object; the facilitator accepts the best supported proposal, which makes a new version."""
    if step.kind != Step.Kind.CONDUCT:
        return
    workshop = round.workshop
    codes = list(Code.objects.filter(workshop=workshop).values_list("pk", flat=True))
    proposers = rng.sample(participants, k=len(texts["clauses"]) + 1)
    proposed = [
        propose_clause(
            workshop,
            text,
            rationale,
            by_participant=person,
            round=round,
            code_ids=rng.sample(codes, k=min(len(codes), 1)),
            motivated_by=step,
        )
        for person, (text, rationale) in zip(
            proposers,
            [(c["text"], c.get("rationale", "")) for c in texts["clauses"]],
            strict=False,
        )
    ]
    in_code = current_clauses(workshop)
    amendment = None
    if in_code:
        text, rationale = texts["amendment"]["text"], texts["amendment"].get("rationale", "")
        amendment = propose_amendment(
            in_code[0], text, rationale, by_participant=proposers[-1], round=round
        )
    objections = list(texts["objections"])
    objectors = set()  # two different people object
    for number, clause in enumerate(proposed):
        # The first two proposals each meet one objection, as a room usually raises a few.
        objection = objections[number] if number < len(objections) else ""
        for person in participants:
            if person.pk == clause.proposed_by_id or rng.random() < 0.3:
                continue
            if objection and person.pk not in objectors:
                endorse(clause, person, Endorsement.Stance.DISAGREE, objection, round=round)
                objectors.add(person.pk)
                objection = ""
                continue
            stance = Endorsement.Stance.AGREE if rng.random() < 0.85 else Endorsement.Stance.PASS
            endorse(clause, person, stance, round=round)
    if amendment is not None:
        for person in rng.sample(participants, k=len(participants) // 2):
            if person.pk != amendment.proposed_by_id:
                endorse(amendment, person, Endorsement.Stance.AGREE, round=round)
    if proposed and can_decide(workshop, facilitator):
        # The last proposal met no objection.
        accept_clause(proposed[-1], by=facilitator, reason=texts["accept_reason"], round=round)


SAMPLE_ACTIVITIES = [
    ask_questions,
    answer_steps,
    annotate_findings,
    moderate_a_little,
    discuss_in_groups,
    work_on_the_code,
    observe_the_room,
]


def add_sample_round(workshop, *, language="en", facilitator=None):
    """Add a closed, played-through round to the demo workshop, unless it has one; return it.

    The demo's own draft round stays untouched, ready to run live.
    """
    from .authoring import clean_content, create_step

    [agenda] = demo_template(language)["rounds"]
    title = f"{agenda['title']} · {SAMPLE_ROUND_SUFFIX[language]}"
    existing = workshop.rounds.filter(title=title).first()
    if existing is not None:
        return existing, False
    if not workshop.participant_attributes:
        # What a researcher would ask (municipality, role), so the cases of a QDA project
        # carry variables; a live round of the demo asks them too from then on.
        participation.configure_participation(
            workshop,
            attributes=participation.attributes_as_text(
                sample_content(language)["participant_attributes"]
            ),
            consent_text=workshop.consent_text,
            on_withdrawal=workshop.on_withdrawal,
            by=facilitator,
        )
    round = services.create_round(workshop, title=title, by=facilitator)
    for position, step_content in enumerate(agenda["steps"], start=1):
        create_step(round, position, clean_content(step_content))
    return play_sample_round(round, facilitator=facilitator, language=language), True


SAMPLE_ROUND_SUFFIX = {"en": "sample activity", "sv": "exempelaktivitet"}
