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
