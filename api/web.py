"""The browser app (web/, built into web/dist by `make run`): its assets, and index.html for its client routes.

The SPA fallback is registered after every other route, so it never shadows /graphql, /healthz or the
server's own pages; it answers GET/HEAD only, and never for a path that looks like a file (a missing
asset is a 404, not the app).

The app's pages a mailed link opens (/accept-invite?token=…, /reset-password?token=…) carry a secret in the
address: their shell is never stored in the HTTP cache, and no page of the app sends its address on as a Referer
(Referrer-Policy: no-referrer; the app loads nothing from other origins either)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
FALLBACK = Path(__file__).resolve().parent / "static" / "index.html"
NO_CACHE = {"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"}
NO_STORE = {**NO_CACHE, "Cache-Control": "no-store"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
# First path segments that belong to the server: never answered with the app.
RESERVED = {"graphql", "healthz", "readyz", "metrics", "assets"}
# The app's pages that mailed links open: the token in their query string stays out of every cache.
LINK_PAGES = {"accept-invite", "reset-password"}


def app_index(dist: Path = DIST, headers: dict[str, str] = NO_CACHE) -> Response:
    """The built app's index.html, or the placeholder page when web/dist has not been built."""
    built = dist / "index.html"
    return FileResponse(built if built.is_file() else FALLBACK, headers=headers)


def routes(dist: Path = DIST) -> tuple[list[Route], list[Route]]:
    """(routes to add anywhere, the catch-all to add last)."""

    async def asset(request: Request) -> Response:
        base = (dist / "assets").resolve()
        target = (base / request.path_params["path"]).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(target, headers=IMMUTABLE)

    async def spa(request: Request) -> Response:
        path = request.path_params["path"]
        first, _, _ = path.partition("/")
        last = path.rsplit("/", 1)[-1]
        if first in RESERVED or "." in last:
            return PlainTextResponse("Not Found", status_code=404)
        return app_index(dist, NO_STORE if path in LINK_PAGES else NO_CACHE)

    return [Route("/assets/{path:path}", asset, methods=["GET"])], [Route("/{path:path}", spa, methods=["GET"])]
