"""Errors raised by services: a stable code for machines, a Chinese message for people."""


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status


class PermissionDenied(ServiceError):
    status = 403

    def __init__(self, message: str = "无权执行此操作", code: str = "permission_denied"):
        super().__init__(code, message)


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str = "对象不存在", code: str = "not_found"):
        super().__init__(code, message)
