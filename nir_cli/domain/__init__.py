"""The NIR domain: identifiers, municipalities, regimes, entitlements, registrations, deadlines.

Click-free and print-free. `enums`, `identifiers`, `deadlines` and `municipalities` use the
standard library only; the pydantic models live in `person` and `registrations`.
"""
