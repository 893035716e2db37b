"""Gives every request an id that the change and access logs carry.

The id is always made by the server; a caller's own X-Request-ID is kept only as the
separate, labelled 客户端请求号 (sanitised and capped), so it can be traced but never
passed off as ours."""

from credit.audit import context


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = context.new_request_id()
        client_id = context.clean_client_request_id(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id
        request.client_request_id = client_id
        token = context.request_id.set(request_id)
        client_token = context.client_request_id.set(client_id)
        try:
            response = self.get_response(request)
        finally:
            context.client_request_id.reset(client_token)
            context.request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
