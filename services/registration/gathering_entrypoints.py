"""RPC responders of gatherings, the API's events (seminars, series) and their parts:
parse, call a handler, reply. `entrypoints.rpc_router` registers them with the others."""

from __future__ import annotations

from services.registration.gathering_views import gathering_view
from services.registration.handlers import Deps, gathering_pages, gatherings
from shared.bus import RpcRoutes
from shared.contracts.registration.gatherings import (
    CreateGathering,
    GatheringDetail,
    GatheringPage,
    GatheringQuery,
    GatheringRef,
    GatheringRegistered,
    GatheringView,
    PatchGathering,
    RegisterForGathering,
)


def gathering_responders(routes: RpcRoutes, deps: Deps) -> None:
    """`rpc.registration.*_gathering*`: the API's events (seminars, series) and their parts."""
    clock = deps.clock

    @routes.responder("create_gathering", CreateGathering)
    async def create_gathering(request: CreateGathering) -> GatheringView:
        return gathering_view(await gatherings.create(deps, request.fields, clock()))

    @routes.responder("patch_gathering", PatchGathering)
    async def patch_gathering(request: PatchGathering) -> GatheringView:
        return gathering_view(await gatherings.patch(deps, request.gathering_id,
                                                     request.fields, clock()))

    @routes.responder("publish_gathering", GatheringRef)
    async def publish_gathering(request: GatheringRef) -> GatheringView:
        return gathering_view(await gatherings.publish(deps, request.gathering_id, clock()))

    @routes.responder("get_gathering", GatheringRef)
    async def get_gathering(request: GatheringRef) -> GatheringDetail:
        return await gathering_pages.gathering_detail_of(deps, request)

    @routes.responder("list_gatherings", GatheringQuery)
    async def list_gatherings(request: GatheringQuery) -> GatheringPage:
        return await gathering_pages.gathering_page(deps, request)

    @routes.responder("register_for_gathering", RegisterForGathering)
    async def register_for_gathering(request: RegisterForGathering) -> GatheringRegistered:
        return await gatherings.register_for_all_parts(deps, request.gathering_id,
                                                       request.form, clock())
