"""Session tokens on the wire: the HttpOnly cookie and the Bearer header."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.config import Settings
from domain.security.devices import DEVICE_DAYS

COOKIE = "advocase_session"
DEVICE_COOKIE = "advocase_device"  # a browser that signed in before (domain/security/devices.py)


def token_from(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return request.cookies.get(COOKIE)


def cookie_token_from(request: Request) -> str | None:
    """The session cookie's token when the request is signed in with it (no bearer token)."""
    if request.headers.get("authorization", "")[:7].lower() == "bearer ":
        return None
    return request.cookies.get(COOKIE)


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(COOKIE, token, max_age=settings.session_ttl_hours * 3600, httponly=True,
                        samesite="lax", secure=settings.production, path="/")


def set_device_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(DEVICE_COOKIE, token, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="lax",
                        secure=settings.production, path="/")


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=settings.production)


def cookie_authenticated(request: Request) -> bool:
    """The session comes from the cookie (a browser), not from an Authorization: Bearer header."""
    return request.headers.get("authorization", "")[:7].lower() != "bearer " and COOKIE in request.cookies


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: see ADVOCASE_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"
