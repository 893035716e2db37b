"""The HTTP API: one NinjaAPI that mounts each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="信用本溪 信用信息共享平台接口",
    version="1.0.0",
    description="数据归集、共享与信用核查接口。认证方式：Authorization: Bearer <令牌>。",
    urls_namespace="api",
)


def _mount() -> None:
    from credit.collection.api import router as collection_router

    api.add_router("/", collection_router)


_mount()
