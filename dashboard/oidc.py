"""People log in through their organisation's identity provider: OpenID Connect's
authorization code flow with PKCE (RFC 7636), by authlib's async httpx client (on httpx2,
the maintained httpx that authlib asks for).

`begin` sends the person to the provider with a fresh state, nonce and PKCE verifier (held
by `Sessions.hold_login` in a signed cookie until they come back); `finish` checks the
provider's answer against them, exchanges the code for tokens, validates the ID token
(signature by the provider's published keys; `iss`, `aud`, `exp`, `iat` and `nonce` by
authlib's OIDC claims) and makes the actor the journal will name (`actor_of`).

The person's role and organisation come from claims of the ID token, or of the userinfo
answer when the ID token has no role claim, under names an installation chooses
(`OidcSettings.role_claim`, `.organisation_claim`). A role is one of `PERSON_ROLES`: the
engine's own `system`, and `integration` (a machine's, with its key's triggers), are never
taken from a claim. Anything missing or doubtful refuses the log-in (`Refused`): nobody is
ever let in as something else than what the provider said.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

import httpx2
import structlog
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from pydantic import TypeAdapter, ValidationError

from lemniscate.cluster import OidcSettings
from lemniscate.models.events import Actor, Person, Role, person_actor_id
from lemniscate.models.records import Email, Name
from lemniscate.models.sentence import Sentence

SCOPE: Final = "openid profile email"
# The roles a claim may give a person. A programme lead reads only the programmes granted
# to it, and a claim carries no grants yet: programme leads log in with a key for now.
PERSON_ROLES: Final = (Role.coordinator, Role.partner, Role.auditor, Role.observer, Role.office_admin)
LEEWAY_SECONDS: Final = 60  # clocks of two servers differ a little
METADATA_SECONDS: Final = 3600  # the provider's configuration and keys are fetched again hourly
TIMEOUT: Final = httpx2.Timeout(10.0)

# What a person reads when the log-in does not go through, in one place (`_sentence`).
TITLE: Final = Sentence("oidc.title", "You are not logged in")

log = structlog.get_logger("lemniscate.oidc")


class Refused(Exception):
    """The log-in does not go through; `detail` says why, to the person."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Begun:
    url: str  # where the browser goes: the provider's authorization endpoint
    held: dict[str, str]  # state, nonce, verifier: kept until the provider sends them back


def _sentence(key: str, **values: str) -> Sentence:
    """What the person reads when the log-in does not go through for `key`."""
    said: dict[str, Sentence] = {
        "expired": Sentence(
            "oidc.expired",
            "The log-in took too long or was started in another browser. Please log in again.",
        ),
        "state": Sentence(
            "oidc.state",
            "The answer from your organisation's log-in did not belong to this log-in. Please log in again.",
        ),
        "unreachable": Sentence(
            "oidc.unreachable",
            "Your organisation's log-in cannot be reached now. Try again in a few minutes.",
        ),
    }
    if key in said:
        return said[key]
    match key:
        case "provider":
            return Sentence("oidc.provider", "Your organisation's log-in refused: {reason}", **values)
        case "token":
            return Sentence(
                "oidc.token",
                "Your organisation's log-in gave an answer that could not be verified ({reason}).",
                **values,
            )
        case "no_role":
            return Sentence(
                "oidc.no-role",
                "Your organisation has not given you a role in Lemniscate (claim {claim}): ask whoever "
                "manages your account there for one of: {roles}.",
                claim=repr(values["claim"]),
                roles=", ".join(role.value for role in PERSON_ROLES),
            )
        case "roles":
            return Sentence(
                "oidc.roles",
                "Your organisation gave you several roles in Lemniscate ({roles}); ask for one.",
                **values,
            )
        case "no_organisation":
            return Sentence(
                "oidc.no-organisation",
                "You have the partner role, but your organisation's log-in does not say which "
                "organisation you represent (claim {claim}). Ask whoever manages your account there.",
                claim=repr(values["claim"]),
            )
        case _:
            return Sentence(
                "oidc.unusable",
                "Your organisation's log-in describes you in a way Lemniscate cannot use: {reason}",
                reason=values.get("reason", key),
            )


class IdentityProvider:
    """One provider, found by discovery (`.well-known/openid-configuration`)."""

    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None
        self._fetched = 0.0

    def _client(self, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret.get_secret_value(),
            token_endpoint_auth_method="client_secret_basic",
            scope=SCOPE,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT,
        )

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            async with httpx2.AsyncClient(timeout=TIMEOUT) as http:
                answer = await http.get(url)
                answer.raise_for_status()
                data = answer.json()
        except (httpx2.HTTPError, ValueError) as error:
            log.error("identity provider unreachable", url=url, error=str(error))
            raise Refused(503, _sentence("unreachable")) from None
        if not isinstance(data, dict):
            raise Refused(503, _sentence("unreachable"))
        return data

    async def metadata(self, refresh: bool = False) -> dict[str, Any]:
        if self._metadata is None or refresh or time.time() - self._fetched > METADATA_SECONDS:
            found = await self._get(self.settings.discovery_url)
            # The configuration must be the configured issuer's own (OpenID Discovery 4.3).
            if str(found.get("issuer", "")).rstrip("/") != self.settings.issuer.rstrip("/"):
                log.error("discovery names another issuer", issuer=found.get("issuer"))
                raise Refused(503, _sentence("unreachable"))
            self._metadata, self._jwks, self._fetched = found, None, time.time()
        return self._metadata

    async def _keys(self, refresh: bool = False) -> dict[str, Any]:
        if self._jwks is None or refresh:
            self._jwks = await self._get(str((await self.metadata())["jwks_uri"]))
        return self._jwks

    async def begin(self, redirect_uri: str) -> Begun:
        metadata = await self.metadata()
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        verifier += secrets.token_urlsafe(32)  # RFC 7636: 43 to 128 characters
        async with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
            )
        return Begun(str(url), {"state": state, "nonce": nonce, "verifier": verifier})

    async def finish(
        self, redirect_uri: str, answer: Mapping[str, str], held: dict[str, str] | None
    ) -> Actor:
        """The person the provider's answer (the callback's query) logs in, or `Refused`."""
        if held is None or not {"state", "nonce", "verifier"} <= held.keys():
            raise Refused(400, _sentence("expired"))
        if not secrets.compare_digest(answer.get("state", ""), held["state"]):
            raise Refused(400, _sentence("state"))
        metadata = await self.metadata()
        # RFC 9207: a provider that names itself in the answer must be the one asked.
        if "iss" in answer and answer["iss"].rstrip("/") != str(metadata["issuer"]).rstrip("/"):
            raise Refused(400, _sentence("state"))
        if "error" in answer:
            reason = answer.get("error_description") or answer["error"]
            raise Refused(403, _sentence("provider", reason=reason))
        async with self._client(redirect_uri) as client:
            try:
                token = await client.fetch_token(
                    metadata["token_endpoint"], code=answer.get("code", ""), code_verifier=held["verifier"]
                )
            except httpx2.HTTPError as error:
                log.error("token endpoint unreachable", error=str(error))
                raise Refused(503, _sentence("unreachable")) from None
            except Exception as error:  # authlib's OAuthError: the provider refused the code
                raise Refused(403, _sentence("provider", reason=str(error))) from None
            claims = await self._id_token_claims(token, held["nonce"])
            if self.settings.role_claim not in claims and metadata.get("userinfo_endpoint"):
                claims = {**(await self._userinfo(client, metadata["userinfo_endpoint"], claims)), **claims}
        return actor_of(claims, self.settings)

    async def _id_token_claims(self, token: Mapping[str, Any], nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise Refused(403, _sentence("token", reason="no ID token"))
        algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        access_token = token.get("access_token")

        def check(keys: Mapping[str, Any]) -> dict[str, Any]:
            return validate_id_token(
                id_token,
                keys,
                issuer=str(metadata["issuer"]),
                client_id=self.settings.client_id,
                nonce=nonce,
                # Signed by the provider's published keys only: not unsigned, and not
                # with the client secret (HS*), which this side knows too.
                algorithms=[str(a) for a in algorithms if a != "none" and not str(a).startswith("HS")],
                access_token=access_token if isinstance(access_token, str) else None,
            )

        try:
            return check(await self._keys())
        except InvalidKeyIdError:  # the provider rotated its keys since they were fetched
            return check(await self._keys(refresh=True))

    async def _userinfo(
        self, client: AsyncOAuth2Client, url: str, claims: Mapping[str, Any]
    ) -> dict[str, Any]:
        try:
            answer = await client.get(url)
            answer.raise_for_status()
            info = answer.json()
        except (httpx2.HTTPError, ValueError) as error:
            log.error("userinfo endpoint unusable", error=str(error))
            raise Refused(503, _sentence("unreachable")) from None
        # OpenID Connect Core 5.3.2: userinfo of another subject is not this person's.
        if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
            raise Refused(403, _sentence("token", reason="userinfo of another person"))
        return info


def validate_id_token(
    id_token: str,
    jwks: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    algorithms: list[str],
    access_token: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The claims of an ID token signed by one of `jwks`, issued by `issuer` for `client_id`
    with this `nonce`, not expired; `Refused` for anything else. `InvalidKeyIdError` is let
    through, for a caller to fetch the keys again."""
    try:
        decoded = jwt.decode(
            id_token,
            KeySet.import_key_set(cast(Any, dict(jwks))),
            registry=JWSRegistry(algorithms=algorithms),
        )
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
        }
        params = {"nonce": nonce, "client_id": client_id, "access_token": access_token}
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError) as error:
        log.warning("ID token refused", reason=str(error))
        raise Refused(403, _sentence("token", reason=str(error) or type(error).__name__)) from None
    return dict(claims)


def _texts(value: Any) -> list[str]:
    """A claim as a list of strings: a string, or a list of them (Entra ID's `roles`)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def actor_of(claims: Mapping[str, Any], settings: OidcSettings) -> Actor:
    """The actor a validated ID token (and userinfo) describes; `Refused` (403) when it
    gives no usable role, or a partner no organisation."""
    given = [v.strip().lower() for v in _texts(claims.get(settings.role_claim))]
    roles = sorted({Role(v) for v in given if v in {r.value for r in PERSON_ROLES}})
    if not roles:
        log.warning("log-in refused: no role", subject=claims.get("sub"), claimed=given)
        raise Refused(403, _sentence("no_role", claim=settings.role_claim))
    if len(roles) > 1:
        raise Refused(403, _sentence("roles", roles=", ".join(r.value for r in roles)))
    role = roles[0]
    organisations = _texts(claims.get(settings.organisation_claim))
    if role == Role.partner and len(organisations) != 1:
        raise Refused(403, _sentence("no_organisation", claim=settings.organisation_claim))
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    try:
        person = Person(
            issuer=issuer,
            subject=subject,
            # Only a description: one the journal cannot hold is left out, not a refusal.
            name=_valid(_NAME, _display_name(claims)),
            email=_valid(_EMAIL, claims.get("email")),
        )
        return Actor(
            id=person_actor_id(issuer, subject),
            role=role,
            organisation=organisations[0] if len(organisations) == 1 else None,
            person=person,
        )
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise Refused(403, _sentence("unusable", reason=reasons)) from None


_NAME: Final = TypeAdapter(Name)
_EMAIL: Final = TypeAdapter(Email)


def _valid(adapter: TypeAdapter[str], value: Any) -> str | None:
    try:
        return adapter.validate_python(value) if isinstance(value, str) else None
    except ValidationError:
        return None


def _display_name(claims: Mapping[str, Any]) -> str | None:
    for claim in ("name", "preferred_username", "email"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return value
    return None
