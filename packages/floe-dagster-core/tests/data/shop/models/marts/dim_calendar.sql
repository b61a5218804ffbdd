-- Heavy by name only: it runs on the duckdb_heavy target through a per-model compute override.
select range as day_number from range(365)
