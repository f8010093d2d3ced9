"""The dashboard's forms decoded without a server: nested lists read back, and what is wrong
said per field."""

from __future__ import annotations

from lemniscate.dashboard.forms import decode, fields
from lemniscate.states.describe import method_description


def test_forms_decode_nested_lists_and_say_what_is_wrong() -> None:
    schemas = {t["name"]: t["payload_schema"] for t in method_description()["triggers"]}
    specs = fields(schemas["record_meeting_outcome"])
    payload, errors = decode(
        specs,
        {
            "meeting": ["M1"],
            "outcome.attended": ["VNG\nAedes\n"],
            "outcome.statements": ["VNG: we build\nno colon here"],
            "outcome.next_meeting_on": ["2027-02-30"],
            "outcome.commitment": ["strong"],
        },
    )
    assert errors == {
        "outcome.statements": ["Line 2: write it as 'name: text'."],
        "outcome.next_meeting_on": ["Give a date as YYYY-MM-DD."],
    }
    specs = fields(method_description()["start"]["payload_schema"])
    payload, errors = decode(
        specs,
        {
            "id": ["Not A Slug"],
            "name": ["n"],
            "task.title": ["t"],
            "initiators": ["A"],
            "coordinator": ["c"],
            "playbook": ["default"],
            "partners.0.name": ["VNG"],
            "partners.0.kind": ["government"],
            "partners.3.name": [""],
            "partners.3.kind": ["other"],
            "partners.0.agenda.0.on": ["2027-01-01"],
        },
    )
    assert errors == {
        "id": ["Use lower-case letters, digits and hyphens, e.g. my-coalition."],
        "partners.0.agenda.0.kind": ["Field required"],
        "partners.0.agenda.0.description": ["Field required"],
    }
    assert payload["partners"] == [{"name": "VNG", "kind": "government", "agenda": [{"on": "2027-01-01"}]}]
