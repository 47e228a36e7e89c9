"""The client address of the request being served, so actions need not pass the request around."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
