"""`GET /coalitions/{id}/audit`: the audit report over HTTP, for auditors and coordinators.

Registered by api/app.py's `create_app` with `app.include_router(audit_router(service))`.
The report is the same as `lemniscate audit` builds; its mismatch count and chain head are
also in the response headers, so a client can act on them without parsing the body.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from lemniscate.api.contract import operation
from lemniscate.api.deps import Caller, ServiceFactory
from lemniscate.api.formats import answer, document
from lemniscate.audit.formats import MEDIA_TYPES, Format, render, speaks
from lemniscate.audit.report import build_report

FINDINGS_HEADER = "X-Lemniscate-Audit-Findings"
CHAIN_HEAD_HEADER = "X-Lemniscate-Chain-Head"

# The JSON's shape is `audit.report.AuditReport`; not inlined here, because its `$defs` would
# not resolve inside the OpenAPI document.
_AUDIT = answer(
    "The audit report in the format asked for", MEDIA_TYPES, {"application/json": {"type": "object"}}
)


def audit_router(service: ServiceFactory) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/coalitions/{coalition_id}/audit",
        response_class=Response,
        **operation(
            "getAudit",
            "audit",
            "The audit trail, checked against the Temporal history (auditors, coordinators)",
            problems=(403, 404, 409, 422),
            ok=_AUDIT,
        ),
    )
    async def get_audit(
        request: Request, coalition_id: str, caller: Caller, format: Annotated[Format, Query()] = "json"
    ) -> Response:
        # build_report asks membership first (a non-member's 404, as for no coalition), then
        # whether the caller may read audits at all (403).
        report = await build_report(await service(), coalition_id, caller)
        headers = {FINDINGS_HEADER: str(len(report.findings)), CHAIN_HEAD_HEADER: report.chain.head}
        # What a person reads is said in the request's language; the JSON in none.
        return document(
            request,
            lambda lang: render(report, format, lang),
            MEDIA_TYPES[format],
            spoken=speaks(format),
            headers=headers,
        )

    return router
