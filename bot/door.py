"""How a request reaches its listener, at the cost of a bare app's.

For every function middleware, every listener matcher it tries and the listener itself, Bolt
builds the dict of every injectable argument, the whole request context included. With forty
services in the context and fifty buttons, forms and events tried before the last command,
that was most of an ack. So:

- the global middleware here are `Plain`: called with the request alone, nothing built;
- the services reach the context only once a listener has matched (`provide`, a listener
  middleware), so the matchers tried before it build a small dict;
- every slash command goes through one Bolt listener, registered before every other one:
  one matcher tried, one set of arguments built, then the command's own listener called
  with the arguments it names (as Bolt would: its parameters' names). Commands never match
  a button, a form or an event, so the order among those (kept as registered) is all that
  the order means.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond, AsyncSay
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk.web.async_client import AsyncWebClient

Next = Callable[[], Awaitable[BoltResponse | None]]
Step = Callable[[AsyncBoltRequest, Next], Awaitable[BoltResponse | None]]
Listener = TypeVar("Listener", bound=Callable[..., Any])


class Plain(AsyncMiddleware):
    """A middleware called with the request and `next` only (no argument injection)."""

    def __init__(self, step: Step) -> None:
        self.step = step

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next
    ) -> BoltResponse | None:
        return await self.step(req, next)

    @property
    def name(self) -> str:
        return f"Plain({getattr(self.step, '__qualname__', self.step)})"


def provide(services: Mapping[str, Any]) -> Plain:
    """The listener middleware that hands the matched listener the services by name."""

    async def provide_services(request: AsyncBoltRequest, next: Next) -> BoltResponse | None:
        request.context.update(services)
        return await next()

    return Plain(provide_services)


# What a command's listener may name besides the services and the caller.
_GIVEN = ("ack", "body", "command", "payload", "context", "respond", "say", "client")


class Registrar:
    """What the features register their listeners with: Bolt's own decorators, each listener
    given the services' middleware first, all given to Bolt at `close`, commands first."""

    def __init__(self, app: AsyncApp, services: Mapping[str, Any]) -> None:
        self.app = app
        self.services = services
        self._provide = provide(services)
        self._later: list[Callable[[], object]] = []
        self._commands: dict[str, tuple[Callable[..., Awaitable[None]], list[str]]] = {}

    def middleware(self, step: Step) -> None:
        """A global middleware, plain (see the module's docstring)."""
        self.app.middleware(Plain(step))

    def command(self, name: str) -> Callable[[Listener], Listener]:
        """The listener of the slash command `name`."""

        def register(listener: Listener) -> Listener:
            names = get_arg_names_of_callable(listener)
            unknown = set(names) - set(_GIVEN) - set(self.services) - {"caller"}
            if unknown:
                raise TypeError(f"{name}: no argument named {sorted(unknown)} is given")
            self._commands[name] = (listener, names)
            return listener

        return register

    def action(self, *args: Any, **kwargs: Any) -> Callable[[Listener], Listener]:
        return self._listener(self.app.action, args, kwargs)

    def view(self, *args: Any, **kwargs: Any) -> Callable[[Listener], Listener]:
        return self._listener(self.app.view, args, kwargs)

    def event(self, *args: Any, **kwargs: Any) -> Callable[[Listener], Listener]:
        return self._listener(self.app.event, args, kwargs)

    def shortcut(self, *args: Any, **kwargs: Any) -> Callable[[Listener], Listener]:
        return self._listener(self.app.shortcut, args, kwargs)

    def close(self) -> None:
        """Register the commands' listener, then everything else in the order it came."""
        if self._commands:
            names = "|".join(re.escape(name) for name in self._commands)
            command = re.compile(f"^(?:{names})$")
            self.app.command(command)(self._route)
        for register in self._later:
            register()
        self._later.clear()

    async def _route(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        command: dict[str, Any],
        context: AsyncBoltContext,
        respond: AsyncRespond,
        say: AsyncSay,
        client: AsyncWebClient,
    ) -> None:
        listener, names = self._commands[command["command"]]
        # Only now, so that Bolt built the arguments above without the services.
        context.update(self.services)
        given = {"ack": ack, "body": body, "command": command, "payload": command}
        given |= {"context": context, "respond": respond, "say": say, "client": client}
        await listener(**{name: given[name] if name in given else context[name] for name in names})

    def _listener(
        self,
        decorator: Callable[..., Callable[[Listener], object]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Callable[[Listener], Listener]:
        given = kwargs.get("middleware") or []
        options = {**kwargs, "middleware": [self._provide, *given]}

        def register(listener: Listener) -> Listener:
            self._later.append(lambda: decorator(*args, **options)(listener))
            return listener

        return register
