"""Every request starts with no organization (row-level security shows it nothing) and forgets the one its
actor was resolved to when it ends, also when requests share one task (tests, in-process transports)."""

from __future__ import annotations

from domain.db import tenant


class TenantScopeMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with tenant(None):
            await self.app(scope, receive, send)
