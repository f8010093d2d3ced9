"""The help under a form's fields in the page's language: the payload models' field
descriptions (what `method_description` puts in the JSON schema, in English, for the API's
readers), each made a Sentence here so the catalogs hold its Dutch. `help_of` finds a
description's Sentence by its English; tests/test_dashboard_coalition_page.py holds every
description a form shows to having one."""

from __future__ import annotations

from typing import Final

from lemniscate.models.sentence import Sentence

_HELP: Final = (
    Sentence("web.help.new_task", "The shared societal challenge (opgave)."),
    Sentence("web.help.programme", "programme office that runs it"),
    Sentence("web.help.on", "between 1950-01-01 and 2100-12-31"),
    Sentence("web.help.answers", "The seven questions of step 1, asked in a bilateral interview."),
    Sentence("web.help.drive", "What drives the partner to (possibly) join?"),
    Sentence(
        "web.help.developments",
        "Other relevant developments, opportunities and threats for the partner",
    ),
    Sentence("web.help.expected_yield", "What must joining yield to be worth the effort?"),
    Sentence(
        "web.help.willingness_to_adapt",
        "Will it adapt running activities and coming decisions to a shared vision?",
    ),
    Sentence("web.help.extra_efforts", "Which extra efforts can and will it take on?"),
    Sentence("web.help.worries_about_partners", "Worries about or questions for one or more other partners"),
    Sentence("web.help.agreement_form", "How does it want agreements recorded?"),
    Sentence(
        "web.help.placement",
        "Where the partner sits in the coordinator's own collaboration plan (step 3).",
    ),
    Sentence("web.help.content", "What a partner meeting in execution is built around (step 10)."),
    Sentence("web.help.rests_on", "monitoring report ids it rests on"),
    Sentence("web.help.resolves", "accountability item ids this decision settles"),
    Sentence("web.help.partner_visibility", "How visible must the partners be?"),
    Sentence("web.help.serves_goals", "Does strong positioning serve the goals? Which?"),
    Sentence("web.help.spokesperson", "Who speaks for the alliance?"),
    Sentence("web.help.when_tense", "What do we do when things get tense?"),
    Sentence("web.help.support", "Whether the people behind a partner back its participation."),
    Sentence("web.help.id", "slug; the workflow id becomes coalition/<id>"),
    Sentence("web.help.playbook_version", "latest when omitted"),
    Sentence("web.help.playbook_hash", "set by the engine: the content's hash"),
    Sentence("web.help.parent", "the national coalition, for a regional or local mini-alliance"),
    Sentence(
        "web.help.numbering",
        "how its records are numbered; the service starts a coalition per_kind when this "
        "is omitted, a start recorded without it was shared",
    ),
    Sentence("web.help.playbook_content", "set by the engine: the content of the version pinned"),
    Sentence("web.help.min_invitees", "of the exploration meeting"),
    Sentence("web.help.gates", "trigger name -> communication items that must exist before it may fire"),
    Sentence(
        "web.help.follow_up",
        "Periods of the follow-up timers, in days (METHOD.md, follow-up timers). Ten "
        "years\nbound every period: a longer one is a typo, and would overflow no date "
        "arithmetic.",
    ),
    Sentence("web.help.escalation_after", "a reminder not acted on goes to the escalation audience"),
    Sentence("web.help.escalate", "reminders to the coordinator that escalate when nobody acts on them"),
    Sentence("web.help.recipients", "Who receives which reminders (METHOD.md names the defaults)."),
    Sentence(
        "web.help.escalations",
        "escalations and the night candle: the task's programme office, or the coordinator",
    ),
    Sentence("web.help.meeting_reminders", "reminders of a coming meeting"),
    Sentence("web.help.action_reminders", "reminders of an action's due date"),
    Sentence("web.help.member", "the id of the person's key, as the journal names it"),
    Sentence("web.help.role", "How a person is a member of one coalition, named there by its coordinator."),
    Sentence("web.help.organisation", "for a representative: the organisation it acts for"),
    Sentence("web.help.hash", "set by the engine"),
    Sentence(
        "web.help.open_actions",
        "what becomes of the actions still open: handed over (to whom) or dropped; an open "
        "action left out is dropped",
    ),
    Sentence(
        "web.help.dates",
        "The days a payload may name (a meeting, a due date, a signature). An office narrows it\n"
        "to catch typos (2062 for 2026); it never widens the engine's safety window\n"
        "(`models.bounds`), which keeps the planner's arithmetic in range.",
    ),
    Sentence(
        "web.help.record",
        "the meeting (M1) or action (A3) corrected, or the partner whose interview or commitment it is",
    ),
    Sentence("web.help.correction_reason", "why the recorded fact was wrong"),
    Sentence("web.help.meeting_outcome", "A meeting outcome's fields given anew."),
    Sentence("web.help.interview", "Some of the seven answers of an interview, given anew."),
    Sentence(
        "web.help.action",
        "An action's fields as they should have been recorded: a plan change is\n"
        "`update_action`, a correction says the record was wrong. Fields left out stay.",
    ),
)
HELP: Final[dict[str, Sentence]] = {s.template: s for s in _HELP}


def help_of(description: str | None) -> str | None:
    """A field's description as a Sentence, to be said in the page's language."""
    if description is None:
        return None
    return HELP.get(description, description)
