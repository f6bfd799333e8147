"""The infrastructure every layer stands on, gathered: errors and exit codes, the numbers the
tool runs by, folders and the config file, safe files, SQLite files, what differs on Windows,
ids, the garbage collector's tuning, the version, and the words a person reads (the bokmål
catalog, column headings, rendering). Nothing here imports a layer above it."""
