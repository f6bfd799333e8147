"""The reference central registry: FastAPI app, SQLite storage scoped per municipality.

It imports the shared wire models and the domain, and nothing of the CLI.
"""
