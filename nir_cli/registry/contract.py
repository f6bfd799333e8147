"""Record bodies in the OpenAPI document, typed: a person's body is `PersonData`, a
registration's one model per kind, told apart by `kind` (a discriminated union).

On the wire `RecordIn.body` stays a JSON object the registry validates record by record, so one
bad record is a rejection in the answer, not a 422 for the whole batch; this makes the document
say exactly what each body must hold, for other implementations and for schemathesis.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

REF = "#/components/schemas/{model}"
REGISTRATION_BODY = "RegistrationBody"


def _add(components: dict[str, Any], model: type[BaseModel]) -> str:
    """The model's schema (and the enums it uses) among the components; returns its name."""
    schema = model.model_json_schema(ref_template=REF)
    for name, definition in schema.pop("$defs", {}).items():
        existing = components.setdefault(name, definition)
        if existing != definition:
            raise RuntimeError(f"two different schemas are both called {name}")
    name = schema.get("title", model.__name__)
    components[name] = schema
    return str(name)


def typed(spec: dict[str, Any]) -> dict[str, Any]:
    """Replace RecordIn's untyped body with the union of the domain's bodies (in place)."""
    from nir_cli.domain.person import PersonData
    from nir_cli.domain.registrations import MODELS

    components = spec.setdefault("components", {}).setdefault("schemas", {})
    person = _add(components, PersonData)
    mapping = {}
    for kind, model in MODELS.items():
        name = _add(components, model)
        schema = components[name]
        schema["required"] = sorted({*schema.get("required", []), "kind"})
        mapping[kind.value] = REF.format(model=name)
    components[REGISTRATION_BODY] = {
        "title": REGISTRATION_BODY,
        "description": "a registration: the model of its kind",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    }
    _errors(spec)
    body = components["RecordIn"]["properties"]["body"]
    description = body.get("description", "")
    components["RecordIn"]["properties"]["body"] = {
        "description": description + " (a person's fields, or a registration's by its kind)",
        "oneOf": [
            {"$ref": REF.format(model=person)},
            {"$ref": REF.format(model=REGISTRATION_BODY)},
        ],
    }
    return spec


# What each refusal means, for the answers every operation of a kind can give (limits.py,
# app.py); all have the one error shape, `Problem`.
ERRORS = {
    "401": "not logged in, or the token expired, was revoked or its user disabled",
    "404": "no such thing in the caller's municipality",
    "408": "the body did not arrive in time",
    "413": "the body is larger than the limit (16 MiB; a login's 16 KiB)",
    "422": "the request could not be read: `errors` says where and why",
    "503": "busy (the database, or the bodies the process holds): try again after Retry-After",
}


def _errors(spec: dict[str, Any]) -> None:
    """Every operation's possible refusals, documented with the one error shape: 401 where a
    token is needed, 404 where a path names something, 408/413 where a body is read, 422 on
    all (a query parameter the operation does not take is one), 503 wherever the database is
    asked; FastAPI's own 422 schema (an array under `detail`) gives way to `Problem` (a
    sentence under `detail`, the problems under `errors`)."""
    problem = {"application/json": {"schema": {"$ref": REF.format(model="Problem")}}}
    for path, operations in spec.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            codes = set()
            if operation.get("security"):
                codes.add("401")
            if "{" in path:
                codes.add("404")
            if operation.get("requestBody"):
                codes.update({"408", "413", "422", "503"})
            # Any operation refuses a query parameter it does not take (or a NUL in one).
            codes.add("422")
            if path != "/v1/health":
                codes.add("503")
            for code in sorted(codes | {c for c in responses if c.startswith(("4", "5"))}):
                described = responses.setdefault(code, {"description": ERRORS.get(code, "")})
                described["content"] = problem
                if not described.get("description") or code == "422":
                    described["description"] = ERRORS.get(code, described.get("description"))
    schemas = spec.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
