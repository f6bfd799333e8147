"""Message catalogs (`nb/LC_MESSAGES/nir.po` and its compiled `nir.mo`) and the tool that keeps
them (`python -m nir_cli.locale.catalog`)."""
