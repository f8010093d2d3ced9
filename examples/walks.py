"""Two coalitions from the source texts, walked step by step.

- The Taskforce Wonen en Zorg (VNG, Aedes, ActiZ, ZN, VWS, BZK): partners who already work
  together, strong commitment, the plan track, founding on a plan of approach (variant b).
- The attractive city centre: tentative commitment, the initiative track with options,
  founding on a declaration of intent (variant a), round 2 again in plan mode, adoption.

Used by the tests, the demo of `lemniscate up` and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lemniscate.models.events import Actor, Role

COORDINATOR = Actor(id="coordinator", role=Role.coordinator)


def partner_actor(organisation: str) -> Actor:
    return Actor(
        id=f"rep-{organisation.lower().replace(' ', '-')}", role=Role.partner, organisation=organisation
    )


@dataclass(frozen=True)
class Step:
    trigger: str
    payload: dict[str, Any] = field(default_factory=dict)
    actor: Actor = COORDINATOR
    reason: str | None = None


def _answers(org: str, drive: str) -> dict[str, str]:
    return {
        "drive": drive,
        "developments": f"Ageing and tight budgets change what {org} must deliver.",
        "expected_yield": f"Faster, joint decisions that {org} cannot reach alone.",
        "willingness_to_adapt": "Yes, where running plans touch the shared vision.",
        "extra_efforts": "Staff time for a working group.",
        "worries_about_partners": "Whether every partner brings execution power.",
        "agreement_form": "A short covenant, reviewed yearly.",
    }


def _interview(org: str, drive: str, day: str) -> Step:
    return Step(
        "record_interview",
        {"partner": org, "answers": _answers(org, drive), "held_on": day, "interviewer": "coordinator"},
    )


# The Taskforce Wonen en Zorg ---------------------------------------------------------------

# The walks' steps name the ids the shared counter gives (the first action A2, the first
# report R5), so they start coalitions numbered that way, as coalitions started before
# per-kind ids are; the service numbers a start that does not say per kind (A1, M1, R1).
SHARED = "shared"

TASKFORCE_ID = "taskforce-wonen-zorg"
TASKFORCE_PARTNERS = ("VNG", "Aedes", "ActiZ", "ZN", "BZK")


def taskforce_start(
    slug: str = TASKFORCE_ID, programme: str = "Wonen en Zorg", playbook: str = "default"
) -> dict[str, Any]:
    return {
        "id": slug,
        "name": "Taskforce Wonen en Zorg",
        "task": {
            "title": "Housing with care for a greying population",
            "description": "By 2040 there are twice as many people over 75, living "
            "independently for longer: act on housing, care and welfare.",
            "programme": programme,
        },
        "initiators": ["VWS"],
        "coordinator": "coordinator",
        "playbook": playbook,
        "partners": [
            {"name": n, "kind": "government" if n in ("VNG", "BZK") else "civil_society"}
            for n in TASKFORCE_PARTNERS
        ],
        "numbering": SHARED,
    }


def taskforce_to_execution() -> list[Step]:
    """Round 1 to execution on the plan track."""
    day = "2027-01-1"
    return [
        Step(
            "record_intent",
            {
                "intent": "VWS wants municipalities, housing corporations and "
                "care organisations to tackle housing with care together."
            },
        ),
        *[
            _interview(org, f"{org} sees its members struggle with the housing-care gap.", f"{day}{i}")
            for i, org in enumerate(TASKFORCE_PARTNERS)
        ],
        Step("map_domain"),
        Step("map_topic", {"topic": "Homes for older people", "partners": ["VNG", "Aedes", "BZK"]}),
        Step("map_topic", {"topic": "Care at home", "partners": ["ActiZ", "ZN"]}),
        Step("map_topic", {"topic": "Local housing-care agreements", "partners": ["VNG", "Aedes", "ActiZ"]}),
        Step("plan_collaboration"),
        *[
            Step(
                "place_partner",
                {
                    "partner": org,
                    "placement": {
                        "role": "core partner",
                        "execution_power": "substantial",
                        "interest": "high",
                        "influence": "high" if org in ("VNG", "BZK") else "medium",
                    },
                },
            )
            for org in TASKFORCE_PARTNERS
        ],
        Step("sketch_collaboration", {"sketch": "A taskforce with ambassadors in the regions."}),
        Step("prepare_exploration_meeting"),
        Step(
            "plan_meeting",
            {
                "kind": "exploration",
                "on": "2027-03-04",
                "invitees": list(TASKFORCE_PARTNERS),
                "inviters": ["VWS"],
                "pre_information": "content_note",
                "chair": "Independent chair",
                "independent_chair": True,
            },
        ),
        Step("hold_exploration_meeting"),
        Step(
            "record_meeting_outcome",
            {
                "meeting": "M1",
                "outcome": {
                    "attended": list(TASKFORCE_PARTNERS),
                    "parts_held": ["vision", "central", "conclusion", "closing"],
                    "statements": {"Aedes": "Corporations will build.", "ActiZ": "Care will follow."},
                    "commitment": "strong",
                    "next_product": "plan_of_approach",
                    "next_meeting_on": "2027-05-12",
                },
            },
        ),
        Step("elaborate_content"),
        Step(
            "record_vision",
            {
                "vision": "Every municipality has a housing-care agreement.",
                "goals": ["A woonzorgvisie in every municipality by 2028"],
                "working_forms": ["programme_team", "steering_group"],
            },
        ),
        Step(
            "add_action",
            {
                "title": "Ambassador network in every region",
                "owner": "VNG",
                "funding": "within_existing_work",
                "due_on": "2027-09-01",
            },
        ),
        Step(
            "add_action",
            {
                "title": "Build 40,000 homes for older people",
                "owner": "Aedes",
                "funding": "needs_extra_funding",
                "funding_source": "subsidy",
            },
        ),
        Step("add_action", {"title": "Remove regulatory bottlenecks"}),
        Step("propose_collaboration"),
        Step("choose_collaboration_model", {"model": "joint_programme_team"}),
        Step("complete_proposal"),
        Step(
            "update_action", {"action": "A4", "explicitly_unassigned": True, "funding": "needs_extra_funding"}
        ),
        Step("call_founding_meeting"),
        Step(
            "sign_founding_basis",
            {
                "kind": "plan_of_approach",
                "signatories": ["VWS", "VNG", "Aedes", "ActiZ"],
                "signed_on": "2027-05-12",
            },
        ),
        *[
            Step("commit", {"partner": org, "statement": f"{org} commits to the plan."}, partner_actor(org))
            for org in ("VNG", "Aedes", "ActiZ")
        ],
        Step("found"),
    ]


def taskforce_one_cycle() -> list[Step]:
    """One turn of the execution cycle."""
    return [
        Step(
            "report_progress",
            {"action": "A2", "status": "in_progress", "note": "Eight regions have an ambassador."},
            partner_actor("VNG"),
        ),
        Step("start_monitoring"),
        Step(
            "record_monitoring_report",
            {
                "summary": "Half the regions are covered.",
                "action_status": {"A2": "on track"},
                "survey_results": ["62% of municipalities started"],
            },
        ),
        Step("decide"),
        Step("record_decision", {"decision": "Add an action for the northern regions.", "rests_on": ["R5"]}),
        Step("adjust"),
        Step(
            "add_action",
            {"title": "Northern regions pilot", "owner": "ZN", "funding": "within_existing_work"},
        ),
        Step("resume_doing"),
    ]


def taskforce_closing() -> list[Step]:
    return [
        Step("start_closing", {"reason": "The housing-care agreements are in place."}),
        *[
            Step("credit_partner", {"partner": org, "contribution": f"{org} did its part."})
            for org in ("VNG", "Aedes", "ActiZ", "ZN")
        ],
        Step("close", {"summary": "Closed with recognition of every partner."}),
    ]


# The attractive city centre ----------------------------------------------------------------

CITY_ID = "aantrekkelijke-binnenstad"
CITY_PARTNERS = ("Hogeschool", "Ondernemers", "Theater", "Bewoners", "Vastgoedeigenaren")


def city_start(slug: str = CITY_ID) -> dict[str, Any]:
    return {
        "id": slug,
        "name": "Aantrekkelijke binnenstad",
        "task": {"title": "An attractive city centre", "programme": "Binnenstad"},
        "initiators": ["Gemeente"],
        "coordinator": "coordinator",
        "partners": [{"name": n} for n in CITY_PARTNERS],
        "numbering": SHARED,
    }


def city_to_execution() -> list[Step]:
    """Tentative commitment: initiative proposal, founding (a), plan, adoption."""
    return [
        Step("record_intent", {"intent": "The municipality wants a lively, clean centre."}),
        *[
            _interview(org, f"{org} gains from a lively centre.", f"2027-02-0{i + 1}")
            for i, org in enumerate(CITY_PARTNERS[:4])
        ],
        Step("mark_not_reached", {"partner": "Vastgoedeigenaren", "reason": "No association board yet."}),
        Step("map_domain"),
        Step("map_topic", {"topic": "Events", "partners": ["Ondernemers", "Theater"]}),
        Step("map_topic", {"topic": "Students in town", "partners": ["Hogeschool"]}),
        Step("map_topic", {"topic": "Residents' initiatives", "partners": ["Bewoners"]}),
        Step("plan_collaboration"),
        *[
            Step(
                "place_partner",
                {
                    "partner": org,
                    "placement": {
                        "role": "partner",
                        "execution_power": "limited",
                        "interest": "medium",
                        "influence": "medium",
                    },
                },
            )
            for org in CITY_PARTNERS[:4]
        ],
        Step("prepare_exploration_meeting"),
        Step(
            "plan_meeting",
            {
                "kind": "exploration",
                "on": "2027-04-01",
                "invitees": list(CITY_PARTNERS[:4]),
                "inviters": ["Gemeente", "Ondernemers"],
                "pre_information": "purpose_only",
            },
        ),
        Step("hold_exploration_meeting"),
        Step(
            "record_meeting_outcome",
            {
                "meeting": "M1",
                "outcome": {
                    "attended": list(CITY_PARTNERS[:4]),
                    "parts_held": ["vision", "central"],
                    "commitment": "tentative",
                    "next_product": "initiative_proposal",
                },
            },
        ),
        Step("elaborate_content"),
        Step(
            "record_vision",
            {"vision": "A centre where people want to be.", "working_forms": ["working_group"]},
        ),
        Step("add_option", {"kind": "content", "title": "Focus on events"}),
        Step("add_option", {"kind": "content", "title": "Focus on living in the centre"}),
        Step("propose_collaboration"),
        Step("add_option", {"kind": "collaboration", "title": "Steering group"}),
        Step("add_option", {"kind": "collaboration", "title": "Lead organisation: Gemeente"}),
        Step("complete_proposal"),
        Step(
            "record_basic_agreements",
            {
                "funding": "Each partner funds its own staff time.",
                "progress_monitoring": "Quarterly steering group.",
            },
        ),
        Step("call_founding_meeting"),
        Step(
            "sign_founding_basis",
            {
                "kind": "declaration_of_intent",
                "signatories": ["Gemeente", "Ondernemers", "Theater"],
                "signed_on": "2027-06-01",
            },
        ),
        *[Step("commit", {"partner": org}, partner_actor(org)) for org in ("Ondernemers", "Theater")],
        Step("found"),
        # Round 2 again, now in the concrete variant: a plan of approach.
        Step(
            "add_action",
            {
                "title": "Clean the public space more often",
                "owner": "Gemeente",
                "funding": "within_existing_work",
            },
        ),
        Step(
            "add_action",
            {
                "title": "Joint events calendar",
                "owner": "Ondernemers",
                "funding": "needs_extra_funding",
                "funding_source": "joint_fund",
            },
        ),
        Step("propose_collaboration"),
        Step("choose_collaboration_model", {"model": "steering_group"}),
        Step("complete_proposal"),
        Step("call_adoption_meeting"),
        Step(
            "sign_founding_basis",
            {
                "kind": "plan_of_approach",
                "signatories": ["Gemeente", "Ondernemers", "Theater"],
                "signed_on": "2027-09-01",
            },
        ),
        Step("adopt_approach"),
    ]


def city_transformation() -> list[Step]:
    return [
        Step("transform", {"new_task": {"title": "A climate-proof city centre", "programme": "Binnenstad"}}),
        Step("begin_new_lemniscate"),
    ]
