"""A throw-away API used only by tests: real auth and error handlers, one scoped endpoint."""

from django.urls import path
from ninja import NinjaAPI, Schema

from credit.accounts.apiauth import api_auth, require_scope
from credit.api import install_error_handlers

test_api = NinjaAPI(urls_namespace="accounts_test_api", auth=api_auth)
install_error_handlers(test_api)


class Echo(Schema):
    count: int


@test_api.get("/whoami")
def whoami(request):
    require_scope(request, "records:read")
    return {"actor": request.actor.label, "department_id": request.actor.department_id}


@test_api.post("/echo")
def echo(request, payload: Echo):
    require_scope(request, "records:write")
    return {"count": payload.count}


urlpatterns = [path("api/", test_api.urls)]
