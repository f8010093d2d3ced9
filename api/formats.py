"""A document in the format a request asked for (`?format=`), in the request's language:
the closing report (`report_routes`) and the audit report (`audit_routes`) answer alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request, Response

from lemniscate.api.problems import language_of


def answer(description: str, media_types: Mapping[str, str], schemas: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI 200 answer of a document served in each of `media_types`: its text, or
    what `schemas` say for a media type."""
    content = {media.split(";")[0]: {"schema": {"type": "string"}} for media in media_types.values()}
    content |= {media: {"schema": schema} for media, schema in schemas.items()}
    return {"description": description, "content": content}


def document(
    request: Request,
    render: Callable[[str], bytes | str],
    media_type: str,
    *,
    spoken: bool = True,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """What `render` makes in the request's language. A `spoken` document (one a person
    reads, not JSON) says which language it is in, and that another request may get another."""
    language = language_of(request)
    answer = dict(headers or {})
    if spoken:
        answer |= {"Content-Language": language, "Vary": "Accept-Language"}
    return Response(render(language), media_type=media_type, headers=answer)
