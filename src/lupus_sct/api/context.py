"""Route dependencies: the signed-in principal with the scope a route needs, the clock, the UoW."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.http.context import (
    CSRF_HEADER,
    UNSAFE_METHODS,
    check_csrf,
    platform_of,
    resolve_principal,
)
from lupus_sct.services.ports import UnitOfWork


def require(scope: Scope) -> Callable[[Request], Principal]:
    """A dependency: the signed-in principal, refused with 401/403 without ``scope``."""

    def dependency(request: Request) -> Principal:
        principal = resolve_principal(request)
        if principal is None:
            raise HTTPException(401, "sign in, or send a valid API token")
        if not principal.may(scope):
            raise HTTPException(403, f"this needs the '{scope.value}' scope")
        if request.method in UNSAFE_METHODS and request.state.via_cookie:
            check_csrf(request, request.headers.get(CSRF_HEADER))
        return principal

    dependency.__name__ = f"require_{scope.value}"
    return dependency


def signed_in(request: Request) -> Principal:
    """Any signed-in principal (for the user's own account)."""
    principal = resolve_principal(request)
    if principal is None:
        raise HTTPException(401, "sign in, or send a valid API token")
    if request.method in UNSAFE_METHODS and request.state.via_cookie:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return principal


def uow_factory(request: Request) -> Callable[[], UnitOfWork]:
    """The unit-of-work factory."""
    return platform_of(request).uow


def now_of(request: Request) -> datetime:
    """The platform clock's current time."""
    return platform_of(request).clock.now()


Reader = Annotated[Principal, Depends(require(Scope.READ))]
Writer = Annotated[Principal, Depends(require(Scope.WRITE))]
IdentityReader = Annotated[Principal, Depends(require(Scope.IDENTITY))]
Researcher = Annotated[Principal, Depends(require(Scope.RESEARCH))]
Auditor = Annotated[Principal, Depends(require(Scope.AUDIT))]
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]
SignedIn = Annotated[Principal, Depends(signed_in)]
Uow = Annotated[Callable[[], UnitOfWork], Depends(uow_factory)]
Now = Annotated[datetime, Depends(now_of)]
