"""The click layer: one module per noun. Only this package (and nir_cli.cli) imports click.

Each command parses its options, calls one core function and renders the result; errors travel
as `NirError` to the one handler in `nir_cli.cli`.
"""
