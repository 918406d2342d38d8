"""The JSON API under /api/v1/, documented by its OpenAPI document at /api/v1/openapi.json.

Each app adds its router here. Every operation declares who may call it with the same
`public`/`staff` markers as the pages; the access test walks the operations too.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI

from caremarket.access import public

api = NinjaAPI(
    title="caremarket API",
    version="1",
    description="Open data and calculators for adult social care markets, and sourcing care "
    "for councils' case management systems and providers (with API tokens: Bearer cm_…).",
    urls_namespace="api-1",
    docs_url=None,
)


@api.get("/health", summary="Service health", tags=["service"])
@public
def health(request: HttpRequest) -> dict[str, str]:
    """Answers when the service and its database are up."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}


def _add_routers() -> None:
    from caremarket.calc.api import router as calc_router
    from caremarket.directory.api import router as oruk_router
    from caremarket.outcomes.api import router as outcomes_router
    from caremarket.sourcing.api import router as sourcing_router

    api.add_router("/calc", calc_router)
    api.add_router("/oruk", oruk_router)
    api.add_router("/outcomes", outcomes_router)
    api.add_router("/sourcing", sourcing_router)


_add_routers()
