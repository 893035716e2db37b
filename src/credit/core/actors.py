"""Who is acting: a staff user, an API client, or the system itself (jobs, commands)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # accounts.User
    client: Any = None  # accounts.ApiClient
    label: str = "系统"
    department_id: int | None = None
    is_credit_admin: bool = False
    request_id: str = ""

    @classmethod
    def system(cls, label: str = "系统", request_id: str = "") -> Actor:
        return cls(label=label, is_credit_admin=True, request_id=request_id)

    @classmethod
    def for_user(cls, user, request_id: str = "") -> Actor:
        return cls(
            user=user,
            label=user.get_username(),
            department_id=user.department_id,
            is_credit_admin=user.is_credit_admin,
            request_id=request_id,
        )

    @classmethod
    def for_client(cls, client, request_id: str = "") -> Actor:
        return cls(
            client=client,
            label=f"api:{client.name}",
            department_id=client.department_id,
            request_id=request_id,
        )
