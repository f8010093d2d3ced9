"""Partner and organisation names have one spelling: NFKC, no invisible or control
characters, one space between words; a name that is another partner's in other case,
width or with hidden characters is refused, naming the existing one. In the pure core (the
models and the method's checks), so every surface gets it; and through the service on the
real dev server, as the API, the CLI and the dashboard call it."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from temporalio.testing import WorkflowEnvironment

from lemniscate import states
from lemniscate.coalitions import CoalitionRefused, InvalidPayload
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Actor, Role
from lemniscate.models.names import name_key, normalised_name
from lemniscate.models.payloads import AddPartner
from tests.support.servers import WorkerRunner, borrow


def _add_partner(name: str) -> AddPartner:
    # As every surface reads a payload: JSON, in the records' strict mode.
    return AddPartner.model_validate_json(json.dumps({"name": name, "kind": "civil_society"}))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Aedes", "Aedes"),
        ("Ae\u200bdes", "Aedes"),  # zero-width space
        ("\ufeffAedes\u200d", "Aedes"),  # byte-order mark, zero-width joiner
        ("\uff21\uff45\uff44\uff45\uff53", "Aedes"),  # full-width letters
        ("Woon\u00adbond", "Woonbond"),  # soft hyphen
        ("Aedes\u202e", "Aedes"),  # a bidirectional override that reorders what is shown
        ("Gemeente   Den\u00a0Haag", "Gemeente Den Haag"),  # runs of (no-break) space
        ("\ufb01ets", "fiets"),  # a ligature
    ],
)
def test_names_are_normalised_when_read(given: str, stored: str) -> None:
    assert _add_partner(given).name == stored
    assert Actor(id="rep", role=Role.partner, organisation=given).organisation == stored


@pytest.mark.parametrize("given", ["Aedes\nVNG", "Ae\x00des", "Ae\tdes", "\u200b\u200b"])
def test_control_characters_and_invisible_names_are_refused(given: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _add_partner(given)
    assert states.describe_errors(refused.value)[0].startswith("name: ")


def test_names_compare_ignoring_case_width_and_hidden_characters() -> None:
    assert name_key("AEDES") == name_key("\uff41\uff45\uff44\uff45\uff53") == name_key("Ae\u200bdes")
    assert normalised_name("  VNG ") == "VNG"


async def test_a_look_alike_partner_is_refused_naming_the_existing_one(
    dev_server: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    slug = "names-lookalike"
    async with borrow(dev_server, own_namespace=True) as env, worker(env.client) as service:
        start = walks.taskforce_start(slug)
        await service.start(start, walks.COORDINATOR)
        existing = start["partners"][0]["name"]
        for look_alike in (existing.upper(), f"{existing}\u200b", existing.lower()):
            with pytest.raises(CoalitionRefused) as refused:
                await service.trigger(
                    slug, "add_partner", {"name": look_alike, "kind": "civil_society"}, walks.COORDINATOR
                )
            assert any(existing in r for r in refused.value.reasons), refused.value.reasons
            assert refused.value.reasons[0].startswith("name: ")
        view = await service.view(slug, READER)
        assert [p.name for p in view.coalition.partners] == [p["name"] for p in start["partners"]]

        # In one start payload too.
        twins = walks.taskforce_start("names-twins")
        twins["partners"].append({"name": existing.lower(), "kind": "civil_society"})
        with pytest.raises(CoalitionRefused) as refused:
            await service.start(twins, walks.COORDINATOR)
        assert f"is the same name as {existing}" in refused.value.reasons[0]


async def test_a_parent_that_does_not_exist_is_refused_naming_the_field(
    dev_server: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    async with borrow(dev_server, own_namespace=True) as env, worker(env.client) as service:
        orphan = {**walks.taskforce_start("names-orphan"), "parent": "no-such-national"}
        with pytest.raises(InvalidPayload) as refused:
            await service.start(orphan, walks.COORDINATOR)
        assert refused.value.reasons == [
            "parent: there is no coalition 'no-such-national'; start it first, or leave parent out."
        ]
        await service.start(walks.taskforce_start("names-national"), walks.COORDINATOR)
        region = {**walks.taskforce_start("names-region"), "parent": "names-national"}
        view = await service.start(region, walks.COORDINATOR)
        assert view.coalition.parent == "names-national"
