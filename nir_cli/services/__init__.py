"""The jobs people do with their register, one module each: persons, registrations, export,
profiles. (Importing files and syncing, larger, are the packages `nir_cli.importer` and
`nir_cli.sync`.) Services never print, exit or import click; they raise `nir_cli.core.errors`."""
