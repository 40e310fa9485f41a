"""Evidence files over plain HTTP: GET /campaigns/{id}/brief (printable HTML), /evidence.csv, /evidence.json.

Signed in by the session cookie or a Bearer token, like /graphql. The same authorization and audit as the
`exportCampaignEvidence` mutation: no session 401, no `evidence:export` 403, and an unknown campaign, one of
another organization, or a malformed id 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.relay import decode
from api.session import token_from
from domain.campaigns.exports import export_evidence
from domain.errors import DomainError, ErrorCode
from domain.identity.service import resolve_actor

STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404,
          ErrorCode.VALIDATION: 404}
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # the brief is static HTML: inline styles and SVG, no script, nothing loaded from anywhere
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
}


def _route(fmt: str):
    async def handler(request: Request) -> Response:
        db = request.app.state.db
        settings = request.app.state.settings
        token = token_from(request)
        actor = token and await resolve_actor(db, token, idle=timedelta(minutes=settings.session_idle_minutes),
                                              request_id=request.state.request_id)
        try:
            if not actor:
                raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first.")
            campaign_id = decode(request.path_params["campaign_id"], "Campaign")
            out = await export_evidence(db, actor, campaign_id, fmt, today=date.today())
        except DomainError as e:
            return PlainTextResponse(e.message, status_code=STATUS.get(e.code, 400), headers=HEADERS)
        headers = dict(HEADERS)
        if fmt != "brief":
            headers["Content-Disposition"] = f'attachment; filename="{out.filename}"'
        return Response(out.content, media_type=out.content_type.split(";")[0], headers=headers)
    return handler


brief = _route("brief")
evidence_csv = _route("csv")
evidence_json = _route("json")
