"""The ground floor: what every other package stands on, and which imports nothing of theirs.

Modules: errors (the project's error types), connection (the one door to DuckDB: opening, binding,
error mapping, timing), db_errors (DuckDB's and the disk's failures in a user's words), scope (who is
asking), filters (periods, grids, communities, seed colours as bound SQL), sql (composable fragments with
named parameters), masking / suppression / privacy (personal data and small counts), isolate (running
untrusted parsing in a capped worker process), export (files people download).
"""
