"""The closing and dissolution report as a pure read model (states/closing_report.py): what
`close` decides about the open actions, the recognition of every partner, the reason, the
actions never shown as open once the coalition has ended, and the reader's redaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
import pytest

from lemniscate.cli import speech
from lemniscate.cli.closing_text import report_lines
from lemniscate.cli.main import cli
from lemniscate.coalitions.closing import render_html, render_pdf
from lemniscate.examples import walks
from lemniscate.examples.walks import Step
from lemniscate.models.closure import ActionFate
from lemniscate.models.payloads import Close
from lemniscate.states import closing_report as model
from lemniscate.states import followup_view, redaction
from lemniscate.states.closing_report import ActionOutcome, ReportKind, closing_report
from tests.support.method_helpers import Walked, refusal, steps_before, walk

HAND_OVER: dict[str, Any] = {
    "summary": "Closed with thanks to every partner.",
    "open_actions": [
        {"action": "A2", "fate": "handed_over", "to": "Gemeente Utrecht", "note": "Carried on regionally."},
        {"action": "A3", "fate": "dropped"},
    ],
}


def _credited() -> list[Step]:
    """The taskforce executing one cycle, then closing with every partner credited."""
    return [
        *walks.taskforce_to_execution(),
        *walks.taskforce_one_cycle(),
        *steps_before(walks.taskforce_closing(), "close"),
    ]


def _closed(close: dict[str, Any] = HAND_OVER) -> Walked:
    return walk(walks.taskforce_start(), [*_credited(), Step("close", close)])


def _dissolved() -> Walked:
    """Interviews with two partners, the others not reached, then stopped in round 1."""
    steps = steps_before(walks.taskforce_to_execution(), "map_domain")
    interviews = [
        s for s in steps if s.trigger != "record_interview" or s.payload["partner"] in ("VNG", "Aedes")
    ]
    not_reached = [
        Step("mark_not_reached", {"partner": org, "reason": f"{org} never answered our calls."})
        for org in ("ActiZ", "ZN", "BZK")
    ]
    return walk(
        walks.taskforce_start(), [*interviews, *not_reached, Step("dissolve", {"reason": "Nobody had time."})]
    )


def test_a_running_coalition_has_no_report_and_is_told_why() -> None:
    running = walk(walks.taskforce_start(), walks.taskforce_to_execution()).coalition
    assert closing_report(running) is None and model.report_kind(running) is None
    said = model.not_ended(running)
    assert "Taskforce Wonen en Zorg is in doing" in said and "(close)" in said and "(dissolve)" in said


def test_closing_report_recognises_partners_and_says_what_became_of_each_open_action() -> None:
    c = _closed().coalition
    report = closing_report(c)
    assert report is not None and report.kind == ReportKind.closing
    assert report.reason == "The housing-care agreements are in place."
    assert report.summary == "Closed with thanks to every partner."
    assert report.ended_on == c.ended_on is not None
    contributions = {p.name: p.contribution for p in report.partners}
    assert contributions == {
        "VNG": "VNG did its part.",
        "Aedes": "Aedes did its part.",
        "ActiZ": "ActiZ did its part.",
        "ZN": "ZN did its part.",
        "BZK": None,
    }
    by_id = {a.id: a for a in report.actions}
    assert by_id["A2"].outcome == ActionOutcome.handed_over and by_id["A2"].to == "Gemeente Utrecht"
    assert by_id["A2"].note == "Carried on regionally."
    assert by_id["A3"].outcome == ActionOutcome.dropped and by_id["A3"].to is None
    # Left out of the close payload: dropped, never "open".
    assert by_id["A4"].outcome == by_id["A7"].outcome == ActionOutcome.dropped
    assert {a.outcome for a in report.actions} <= set(ActionOutcome)
    # The actions keep their own status; the closing's decisions are kept beside them.
    assert [d.fate for d in c.actions_at_closing] == [ActionFate.handed_over, ActionFate.dropped]
    assert c.action("A2") is not None and c.action("A2").status.value == "in_progress"  # type: ignore[union-attr]


def test_an_action_done_before_closing_is_reported_done_with_its_owner_recognised() -> None:
    done = Step(
        "report_progress", {"action": "A3", "status": "done", "note": "Built."}, walks.partner_actor("Aedes")
    )
    steps = [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle(), done]
    steps += [*steps_before(walks.taskforce_closing(), "close"), Step("close", {"summary": "Done."})]
    report = closing_report(walk(walks.taskforce_start(), steps).coalition)
    assert report is not None
    assert [a.id for a in report.actions_of(ActionOutcome.done)] == ["A3"]
    assert next(p for p in report.partners if p.name == "Aedes").actions_done == ["A3"]


def test_an_old_close_without_decisions_replays_and_drops_every_open_action() -> None:
    # A close recorded before `open_actions` existed: its payload still validates.
    assert Close.model_validate({"summary": "Closed."}).open_actions == []
    report = closing_report(_closed({"summary": "Closed."}).coalition)
    assert report is not None
    assert {a.outcome for a in report.actions} == {ActionOutcome.dropped}


@pytest.mark.parametrize(
    ("decision", "wanted"),
    [
        ({"action": "A99", "fate": "dropped"}, "open_actions.0.action: there is no action 'A99'"),
        ({"action": "A2", "fate": "handed_over"}, "say to whom the action is handed over"),
        ({"action": "A2", "fate": "dropped", "to": "VNG"}, "a dropped action is handed over to nobody"),
        ({"action": "A2", "fate": "lost"}, "open_actions.0.fate"),
    ],
)
def test_close_refuses_decisions_that_do_not_fit(decision: dict[str, Any], wanted: str) -> None:
    closing = walk(walks.taskforce_start(), _credited()).coalition
    reasons = refusal(closing, "close", {"summary": "Closed.", "open_actions": [decision]})
    assert any(wanted in r for r in reasons), reasons


def test_close_refuses_an_action_decided_twice_or_already_done() -> None:
    done = Step("report_progress", {"action": "A3", "status": "done"}, walks.partner_actor("Aedes"))
    steps = [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle(), done]
    closing = walk(
        walks.taskforce_start(), [*steps, *steps_before(walks.taskforce_closing(), "close")]
    ).coalition
    twice = [{"action": "A2", "fate": "dropped"}, {"action": "A2", "fate": "dropped"}]
    reasons = refusal(closing, "close", {"summary": "Closed.", "open_actions": twice})
    assert reasons == ["open_actions.1.action: A2 is decided on twice; once is enough."]
    reasons = refusal(
        closing, "close", {"summary": "Closed.", "open_actions": [{"action": "A3", "fate": "dropped"}]}
    )
    assert reasons == [
        "open_actions.0.action: A3 is done already; only open actions are handed over or dropped."
    ]


def test_dissolution_report_says_why_who_was_involved_and_what_was_done() -> None:
    c = _dissolved().coalition
    report = closing_report(c)
    assert report is not None and report.kind == ReportKind.dissolution
    assert report.reason == "Nobody had time." and report.summary is None and not report.founded
    met = {p.name: (p.interviewed_on, p.not_reached_reason) for p in report.partners}
    assert met["VNG"][0] is not None and met["ActiZ"] == (None, "ActiZ never answered our calls.")


def test_the_report_of_a_reader_withholds_what_is_confidential_to_it() -> None:
    c = _dissolved().coalition
    seen = closing_report(redaction.for_reader(c, walks.partner_actor("VNG")))
    own = closing_report(redaction.for_reader(c, walks.partner_actor("ActiZ")))
    assert seen is not None and own is not None
    reasons = {p.name: p.not_reached_reason for p in seen.partners}
    assert reasons["ActiZ"] == redaction.REDACTED and "never answered" not in seen.model_dump_json()
    assert {p.name: p.not_reached_reason for p in own.partners}["ActiZ"] == "ActiZ never answered our calls."


def test_the_report_is_said_in_dutch_and_english_and_its_data_in_neither() -> None:
    report = closing_report(_closed().coalition)
    assert report is not None
    with click.Context(cli):
        speech.choose("nl")
        dutch = "\n".join(report_lines(report))
        speech.choose("en")
        english = "\n".join(report_lines(report))
    assert "Slotrapport" in dutch and "Erkenning van de bijdrage van iedere partner" in dutch
    assert "overgedragen" in dutch and "vervallen" in dutch and "-> Gemeente Utrecht" in dutch
    assert "Closing report" in english and "handed over" in english and "dropped" in english
    for text in (dutch, english):
        assert " open " not in text.replace("Actions open at closing", "")

    html, html_en = render_html(report, "nl"), render_html(report, "en")
    assert html.startswith('<!DOCTYPE html>\n<html lang="nl">') and '<html lang="en">' in html_en
    assert "<h1>Slotrapport: Taskforce Wonen en Zorg</h1>" in html
    assert '<th scope="col">Overgedragen aan</th>' in html and "Gemeente Utrecht" in html
    assert 'data-outcome="handed_over"' in html and "<title>Closing report: " in html_en
    assert render_pdf(report, "nl").startswith(b"%PDF")


def test_a_dissolved_coalition_drops_its_open_actions_and_has_none_overdue() -> None:
    steps = walks.taskforce_to_execution()
    planned = steps_before(steps, "propose_collaboration")  # its actions added, none done
    c = walk(
        walks.taskforce_start(), [*planned, Step("dissolve", {"reason": "A national programme took over."})]
    )
    report = closing_report(c.coalition)
    assert report is not None and report.kind == ReportKind.dissolution
    dropped = report.actions_of(ActionOutcome.dropped)
    assert [a.id for a in dropped] == [a.id for a in c.coalition.actions] and dropped
    with click.Context(cli):
        speech.choose("nl")
        dutch = "\n".join(report_lines(report))
    assert "Acties die nog openstonden: vervallen met de coalitie" in dutch
    assert "<h3>Acties die nog openstonden: vervallen met de coalitie</h3>" in render_html(report, "nl")
    # Long after their due days, nothing of an ended coalition is overdue.
    later = datetime(2031, 1, 1, tzinfo=UTC)
    assert followup_view.read_model(c.coalition, [], [], later).overdue == []
