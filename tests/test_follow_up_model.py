"""The follow-up read model without a server: what each follow-up is about, what it leads
to, and the bound on what delivered ones keep across continue-as-new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.models import bounds
from lemniscate.models.events import Event
from lemniscate.models.journal import ChannelOutcome, FollowUpRecord
from lemniscate.states import followup_view
from lemniscate.states.followups import FollowUpKind as K
from lemniscate.states.followups import plan
from lemniscate.workflows.state import _details_bounded

NOW = datetime(2027, 1, 5, 12, tzinfo=UTC)


def test_each_follow_up_names_its_record_and_what_it_leads_to() -> None:
    start = Event(trigger=states.START, payload=walks.taskforce_start(), actor=walks.COORDINATOR, at=NOW)
    c = states.genesis(start)
    planned = plan(c, NOW)
    model = followup_view.read_model(c, planned, [], NOW)
    reminder = next(f for f in model.planned if f.kind == K.interview_reminder and f.about == "Aedes")
    assert reminder.leads_to is not None and reminder.leads_to.kind == K.escalation
    escalation = next(f for f in model.planned if f.key == f"escalation:{reminder.key}")
    assert escalation.about == "Aedes" and escalation.leads_to is None
    assert next(f for f in model.planned if f.kind == K.inactivity).about is None
    # A partner sees its own organisation's, not the others'.
    theirs = followup_view.for_reader(model, walks.partner_actor("Aedes"))
    assert {f.about for f in theirs.planned} == {"Aedes"}
    # Delivered and still in the plan: the escalation stands.
    sent = FollowUpRecord(key=escalation.key, kind="escalation", at=NOW, message="m")
    assert followup_view.read_model(c, planned, [sent], NOW).escalated[0].about == "Aedes"


def test_only_the_latest_deliveries_keep_their_details() -> None:
    channel = ChannelOutcome(channel="log", outcome="delivered", at=NOW)
    records = [
        FollowUpRecord(
            key=f"inactivity:{i}",
            kind="inactivity",
            at=NOW + timedelta(minutes=i),
            message="m",
            recipients=["coordinator"],
            channels=[channel],
        )
        for i in range(bounds.DELIVERY_DETAILS_KEPT + 5)
    ]
    kept = _details_bounded(records)
    assert [r.key for r in kept] == [r.key for r in records]  # never delivered again
    assert all(not r.channels and not r.recipients for r in kept[:5])
    assert all(r.channels and r.recipients for r in kept[5:])
