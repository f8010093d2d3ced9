"""The method's code names as words: what a sentence puts in where it names a trigger, a
state or a kind, so Dutch can say "(intentie vastleggen)" where English keeps the code name
"(record_intent)".

Each word is a `Sentence` whose English is the code name itself (or the text English has
always shown for it), written out once per name so the catalogs see every one of them;
`tests/test_language_catalogs.py` holds each to its Dutch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Final

from lemniscate.models.sentence import Sentence

# fmt: off
# The names of triggers, states, meeting kinds, commitment levels and tracks, each said as
# its English (a track as `str(coalition.track)` has always said it: "None" before one).
_WORDS: Final = (
    Sentence("trigger.map_domain", "map_domain"),
    Sentence("trigger.plan_collaboration", "plan_collaboration"),
    Sentence("trigger.prepare_exploration_meeting", "prepare_exploration_meeting"),
    Sentence("trigger.hold_exploration_meeting", "hold_exploration_meeting"),
    Sentence("trigger.elaborate_content", "elaborate_content"),
    Sentence("trigger.return_to_round_one", "return_to_round_one"),
    Sentence("trigger.propose_collaboration", "propose_collaboration"),
    Sentence("trigger.complete_proposal", "complete_proposal"),
    Sentence("trigger.call_founding_meeting", "call_founding_meeting"),
    Sentence("trigger.call_adoption_meeting", "call_adoption_meeting"),
    Sentence("trigger.found", "found"),
    Sentence("trigger.adopt_approach", "adopt_approach"),
    Sentence("trigger.start_monitoring", "start_monitoring"),
    Sentence("trigger.decide", "decide"),
    Sentence("trigger.adjust", "adjust"),
    Sentence("trigger.resume_doing", "resume_doing"),
    Sentence("trigger.transform", "transform"),
    Sentence("trigger.begin_new_lemniscate", "begin_new_lemniscate"),
    Sentence("trigger.start_closing", "start_closing"),
    Sentence("trigger.close", "close"),
    Sentence("trigger.dissolve", "dissolve"),
    Sentence("trigger.record_intent", "record_intent"),
    Sentence("trigger.add_member", "add_member"),
    Sentence("trigger.remove_member", "remove_member"),
    Sentence("trigger.adopt_playbook", "adopt_playbook"),
    Sentence("trigger.add_partner", "add_partner"),
    Sentence("trigger.record_interview", "record_interview"),
    Sentence("trigger.mark_not_reached", "mark_not_reached"),
    Sentence("trigger.update_agenda", "update_agenda"),
    Sentence("trigger.map_topic", "map_topic"),
    Sentence("trigger.place_partner", "place_partner"),
    Sentence("trigger.sketch_collaboration", "sketch_collaboration"),
    Sentence("trigger.plan_meeting", "plan_meeting"),
    Sentence("trigger.reschedule_meeting", "reschedule_meeting"),
    Sentence("trigger.record_meeting_outcome", "record_meeting_outcome"),
    Sentence("trigger.record_vision", "record_vision"),
    Sentence("trigger.add_option", "add_option"),
    Sentence("trigger.remove_option", "remove_option"),
    Sentence("trigger.choose_collaboration_model", "choose_collaboration_model"),
    Sentence("trigger.add_action", "add_action"),
    Sentence("trigger.update_action", "update_action"),
    Sentence("trigger.record_basic_agreements", "record_basic_agreements"),
    Sentence("trigger.sign_founding_basis", "sign_founding_basis"),
    Sentence("trigger.commit", "commit"),
    Sentence("trigger.report_progress", "report_progress"),
    Sentence("trigger.pick_up_action", "pick_up_action"),
    Sentence("trigger.record_funder", "record_funder"),
    Sentence("trigger.open_accountability_item", "open_accountability_item"),
    Sentence("trigger.record_monitoring_report", "record_monitoring_report"),
    Sentence("trigger.record_decision", "record_decision"),
    Sentence("trigger.build_message_house", "build_message_house"),
    Sentence("trigger.choose_positioning", "choose_positioning"),
    Sentence("trigger.record_constituency_support", "record_constituency_support"),
    Sentence("trigger.publish_toolkit", "publish_toolkit"),
    Sentence("trigger.join_communication_coalition", "join_communication_coalition"),
    Sentence("trigger.record_signal", "record_signal"),
    Sentence("trigger.credit_partner", "credit_partner"),
    Sentence("trigger.spawn_region", "spawn_region"),
    Sentence("trigger.signal_national", "signal_national"),
    Sentence("trigger.correct_record", "correct_record"),
    Sentence("state.intent_and_interests", "intent_and_interests"),
    Sentence("state.domain_mapping", "domain_mapping"),
    Sentence("state.own_collaboration_plan", "own_collaboration_plan"),
    Sentence("state.exploration_meeting_prep", "exploration_meeting_prep"),
    Sentence("state.sharing_interests", "sharing_interests"),
    Sentence("state.content_elaboration", "content_elaboration"),
    Sentence("state.collaboration_proposals", "collaboration_proposals"),
    Sentence("state.proposal_completion", "proposal_completion"),
    Sentence("state.founding", "founding"),
    Sentence("state.approach_adoption", "approach_adoption"),
    Sentence("state.doing", "doing"),
    Sentence("state.monitoring", "monitoring"),
    Sentence("state.deciding", "deciding"),
    Sentence("state.adjusting", "adjusting"),
    Sentence("state.transforming", "transforming"),
    Sentence("state.closing", "closing"),
    Sentence("state.closed", "closed"),
    Sentence("state.dissolved", "dissolved"),
    Sentence("meeting-kind.exploration", "exploration"),
    Sentence("meeting-kind.founding", "founding"),
    Sentence("meeting-kind.adoption", "adoption"),
    Sentence("meeting-kind.partner", "partner"),
    Sentence("meeting-kind.other", "other"),
    Sentence("commitment.none", "none"),
    Sentence("commitment.tentative", "tentative"),
    Sentence("commitment.strong", "strong"),
    Sentence("track.initiative", "initiative"),
    Sentence("track.plan", "plan"),
    Sentence("track.none", "None"),
)

# An agenda item's kind as English has always shown it: its code name with spaces.
AGENDA_KIND_WORDS: Final[dict[str, Sentence]] = {
    "decision_moment": Sentence("agenda-kind.decision_moment", "decision moment"),
    "budget_cycle": Sentence("agenda-kind.budget_cycle", "budget cycle"),
    "council_meeting": Sentence("agenda-kind.council_meeting", "council meeting"),
    "other": Sentence("agenda-kind.other", "other"),
}

# A follow-up's kind in words, as every surface names it: an e-mail's subject, the CLI, and
# the dashboard (which capitalises it at the start of a cell).
_FOLLOW_UP_KIND_WORDS: Final = (
    ("interview_reminder", Sentence("follow-up-kind.interview_reminder", "interview reminder")),
    ("outcome_reminder", Sentence("follow-up-kind.outcome_reminder", "outcome reminder")),
    ("outcome_escalation", Sentence("follow-up-kind.outcome_escalation", "outcome escalation")),
    ("meeting_reminder", Sentence("follow-up-kind.meeting_reminder", "meeting reminder")),
    ("progress_review", Sentence("follow-up-kind.progress_review", "progress review")),
    ("partner_meeting", Sentence("follow-up-kind.partner_meeting", "partner meeting")),
    ("action_due_reminder", Sentence("follow-up-kind.action_due_reminder", "action due")),
    ("action_overdue", Sentence("follow-up-kind.action_overdue", "action overdue")),
    ("inactivity", Sentence("follow-up-kind.inactivity", "night candle")),
    ("escalation", Sentence("follow-up-kind.escalation", "escalation")),
    ("meeting_invitation", Sentence("follow-up-kind.meeting_invitation", "meeting invitation")),
)
FOLLOW_UP_KIND_WORDS: Final[dict[str, Sentence]] = dict(_FOLLOW_UP_KIND_WORDS)

FOUNDED_WORDS: Final[dict[bool, Sentence]] = {
    True: Sentence("founded.yes", "True"),
    False: Sentence("founded.no", "False"),
}
# fmt: on


def _table(kind: str) -> dict[str, Sentence]:
    """The words of one kind (their code up to the dot), by the English each says."""
    return {str(word): word for word in _WORDS if word.code.partition(".")[0] == kind}


TRIGGER_WORDS: Final = _table("trigger")
STATE_WORDS: Final = _table("state")
MEETING_KIND_WORDS: Final = _table("meeting-kind")
COMMITMENT_WORDS: Final = _table("commitment")
TRACK_WORDS: Final = _table("track")


def _word(table: Mapping[str, Sentence], name: object) -> str:
    """The word for `name`, or the name as it is when the table has none (a name someone
    sent, which is not one of the method's)."""
    text = str(name)
    return table.get(text, text)


def _words(table: Mapping[str, Sentence]) -> Callable[[object], str]:
    """The function that says a name of `table`'s kind in words (`_word`)."""
    return partial(_word, table)


trigger_word: Final = _words(TRIGGER_WORDS)
state_word: Final = _words(STATE_WORDS)
meeting_kind_word: Final = _words(MEETING_KIND_WORDS)
agenda_kind_word: Final = _words(AGENDA_KIND_WORDS)
commitment_word: Final = _words(COMMITMENT_WORDS)
track_word: Final = _words(TRACK_WORDS)


def follow_up_kind_word(name: object) -> str:
    """A follow-up's kind (its code name or the `FollowUpKind`) in words; an unknown one spaced."""
    text = str(getattr(name, "value", name))
    return FOLLOW_UP_KIND_WORDS.get(text) or text.replace("_", " ")


def founded_word(founded: bool) -> str:
    return FOUNDED_WORDS[founded]
