"""Reading a batch's JSON fast: pydantic-core validates the body's bytes straight into the
route's model, where FastAPI would make dicts first."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json


class FastJSONRequest(Request):
    """A request whose JSON body pydantic-core reads: a batch of a thousand records is most of
    what the registry reads. When the route's body is one pydantic model, the bytes are
    validated straight into it (pydantic's JSON mode, no dicts in between), and FastAPI's own
    validation of that instance is a type check. A body that fails is parsed as plain JSON and
    left to FastAPI, so its 422 names each error as it always does."""

    model: type[BaseModel] | None = None

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            if self.model is not None:
                try:
                    self._json = self.model.model_validate_json(body)
                    return self._json
                except ValidationError:
                    pass
            try:
                self._json = from_json(body)
            except ValueError as exc:
                # What FastAPI turns into its 422 for a body that is not JSON.
                raise json.JSONDecodeError(str(exc), body.decode(errors="replace"), 0) from None
        return self._json


class FastJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        # Only a body that is one model parameter, not several embedded in a made-up model.
        params = self.dependant.body_params
        single = self.body_field is not None and len(params) == 1 and params[0] is self.body_field
        body = self.body_field.field_info.annotation if single and self.body_field else None
        model = body if isinstance(body, type) and issubclass(body, BaseModel) else None

        async def route(request: Request) -> Response:
            fast = FastJSONRequest(request.scope, request.receive)
            fast.model = model
            return await handler(fast)

        return route
