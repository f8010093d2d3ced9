"""What the OpenID Connect log-in accepts, without a provider: ID tokens this test signs
itself with joserfc (authlib's JOSE library) and checks with the dashboard's own validation
(`dashboard.oidc.validate_id_token`), the claims a person's actor is made of, the settings,
and person sessions in the one `Sessions` class.

The real provider's round-trip is tests/test_oidc_login.py; here are the answers no honest
provider gives: a token for another client, from another issuer, expired, with another
nonce, signed with another key or not at all.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet, RSAKey
from pydantic import SecretStr

from lemniscate.api.auth import KeyRing
from lemniscate.cluster import ClusterConfigError, OidcSettings
from lemniscate.dashboard.oidc import Refused, actor_of, validate_id_token
from lemniscate.dashboard.session import Sessions
from lemniscate.models.events import Actor, Role

ISSUER = "https://login.example.org/realms/office"
CLIENT = "lemniscate"
NONCE = "the-nonce-of-this-log-in"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})  # same kid, another key
JWKS = KeySet([KEY]).as_dict(private=False)
SETTINGS = OidcSettings(issuer=ISSUER, client_id=CLIENT, client_secret=SecretStr("s"))


def _token(key: RSAKey = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "piet", "aud": CLIENT, "iat": now, "exp": now + 300, "nonce": NONCE}
    claims.update(changes)
    return jwt.encode(
        {"alg": "RS256", "kid": str(key.kid)}, {k: v for k, v in claims.items() if v is not None}, key
    )


def _validate(token: str, nonce: str = NONCE) -> dict[str, Any]:
    return validate_id_token(token, JWKS, issuer=ISSUER, client_id=CLIENT, nonce=nonce, algorithms=["RS256"])


def test_a_token_of_this_issuer_for_this_client_with_this_nonce_is_accepted() -> None:
    claims = _validate(_token(name="Piet"))
    assert (claims["sub"], claims["name"]) == ("piet", "Piet")
    assert _validate(_token(aud=[CLIENT]))["aud"] == [CLIENT]


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-client"},  # an ID token made for another application
        {"aud": ["another-client", CLIENT]},  # several audiences, and no azp naming us
        {"iss": "https://login.example.org/realms/other"},
        {"exp": int(time.time()) - 3600},
        {"nonce": "a-nonce-of-another-log-in"},
        {"nonce": None},
        {"exp": None},
        {"iss": None},
    ],
)
def test_any_other_token_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(Refused) as refused:
        _validate(_token(**changes))
    assert refused.value.status == 403


def test_a_token_signed_with_another_key_or_none_is_refused() -> None:
    with pytest.raises(Refused):
        _validate(_token(OTHER_KEY))
    header, body, _ = _token().split(".")
    unsigned = "eyJhbGciOiJub25lIn0." + body + "."
    with pytest.raises((Refused, InvalidKeyIdError)):
        _validate(unsigned)
    with pytest.raises(Refused):
        _validate(f"{header}.{body}.")
    with pytest.raises(Refused):
        _validate("not-a-token")


def test_a_key_not_yet_known_asks_for_the_keys_again() -> None:
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    with pytest.raises(InvalidKeyIdError):  # IdentityProvider fetches the JWKS again on this
        _validate(_token(rotated))


def _claims(**more: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "sub": "piet", "name": "Piet de Vries", "email": "piet@aedes.example", **more}


def test_the_actor_is_the_person_the_claims_describe() -> None:
    actor = actor_of(_claims(lemniscate_role="partner", organisation="Aedes"), SETTINGS)
    assert (actor.id, actor.role, actor.organisation) == ("piet@login.example.org", Role.partner, "Aedes")
    assert actor.person is not None and actor.person.email == "piet@aedes.example"
    assert str(actor) == "Piet de Vries (Aedes) as partner"
    coordinator = actor_of(_claims(lemniscate_role=["Coordinator"]), SETTINGS)
    assert coordinator.role == Role.coordinator and coordinator.organisation is None


def test_entra_ids_roles_claim_is_one_setting_away() -> None:
    entra = SETTINGS.model_copy(update={"role_claim": "roles", "organisation_claim": "org"})
    claims = _claims(roles=["auditor", "Some.Other.App.Role"], org="Rijksauditdienst")
    assert actor_of(claims, entra).role == Role.auditor
    with pytest.raises(Refused):
        actor_of(_claims(lemniscate_role="auditor"), entra)  # the default claim is not read then


@pytest.mark.parametrize(
    ("claims", "says"),
    [
        (_claims(), "has not given you a role"),
        (_claims(lemniscate_role="system"), "has not given you a role"),  # the engine's, never a claim's
        (_claims(lemniscate_role="integration"), "has not given you a role"),  # a machine's
        (_claims(lemniscate_role=["system", "auditor"]), None),  # system dropped, auditor kept
        (_claims(lemniscate_role=7), "has not given you a role"),
        (_claims(lemniscate_role=["coordinator", "auditor"]), "several roles"),
        (_claims(lemniscate_role="partner"), "which organisation"),
        (_claims(lemniscate_role="partner", organisation=["Aedes", "ActiZ"]), "which organisation"),
        (_claims(lemniscate_role="partner", organisation="Aedes\nActiZ"), "cannot use"),
    ],
)
def test_no_usable_role_is_refused(claims: dict[str, Any], says: str | None) -> None:
    if says is None:
        assert actor_of(claims, SETTINGS).role == Role.auditor
        return
    with pytest.raises(Refused) as refused:
        actor_of(claims, SETTINGS)
    assert refused.value.status == 403 and says in refused.value.detail


def test_ids_stay_bounded_and_descriptions_that_cannot_be_kept_are_left_out() -> None:
    odd = actor_of(
        _claims(sub="x" * 255, name="n" * 500, email="not an address", lemniscate_role="auditor"), SETTINGS
    )
    assert odd.id.startswith("sha256-") and odd.id.endswith("@login.example.org") and len(odd.id) <= 200
    assert odd.person is not None and odd.person.subject == "x" * 255
    assert (odd.person.name, odd.person.email, odd.display_name) == (None, None, odd.id)


def test_person_sessions_are_signed_revocable_and_never_the_system() -> None:
    sessions, keys = Sessions(b"s" * 32), KeyRing([])
    piet = actor_of(_claims(lemniscate_role="partner", organisation="Aedes"), SETTINGS)
    token = sessions.issue_person(piet, now=1000.0)
    assert sessions.actor(token, keys, now=1001.0) == piet
    body, signature = token.split(".")
    assert sessions.actor(f"{body}x.{signature}", keys, now=1001.0) is None
    assert Sessions(b"o" * 32).actor(token, keys, now=1001.0) is None
    assert sessions.actor(token, keys, now=1000.0 + 9 * 3600) is None
    sessions.revoke(token, now=1002.0)
    assert sessions.actor(token, keys, now=1003.0) is None
    with pytest.raises(ValueError):
        sessions.issue_person(Actor(id="anna", role=Role.coordinator))  # no person: a key's actor
    with pytest.raises(ValueError):
        sessions.issue_person(piet.model_copy(update={"role": Role.system}))


def test_journals_from_before_people_still_read() -> None:
    old = Actor.model_validate_json('{"id": "anna", "role": "coordinator", "allowed_triggers": []}')
    assert old.person is None and str(old) == "anna as coordinator"


def test_settings_say_what_is_missing_or_unsafe() -> None:
    assert OidcSettings.from_env({}) is None  # the log-in over OpenID Connect is off
    base = {"LEMNISCATE_OIDC_ISSUER": ISSUER, "LEMNISCATE_OIDC_CLIENT_ID": CLIENT}
    with pytest.raises(ClusterConfigError, match="LEMNISCATE_OIDC_CLIENT_SECRET"):
        OidcSettings.from_env(base)
    with pytest.raises(ClusterConfigError, match="https://"):
        OidcSettings.from_env({**base, "LEMNISCATE_OIDC_ISSUER": "http://login.example.org"})
    with pytest.raises(ClusterConfigError, match="LEMNISCATE_PUBLIC_URL"):
        OidcSettings.from_env(
            {**base, "LEMNISCATE_OIDC_CLIENT_SECRET": "s", "LEMNISCATE_PUBLIC_URL": "ftp://x"}
        )
    settings = OidcSettings.from_env(
        {**base, "LEMNISCATE_OIDC_CLIENT_SECRET": "s", "LEMNISCATE_PUBLIC_URL": "https://lemniscate.example/"}
    )
    assert settings is not None
    assert (settings.role_claim, settings.organisation_claim) == ("lemniscate_role", "organisation")
    assert settings.public_url == "https://lemniscate.example"
    assert settings.discovery_url == f"{ISSUER}/.well-known/openid-configuration"
