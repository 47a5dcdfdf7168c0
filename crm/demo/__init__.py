"""Demo data for a local try-out (`make run`). Never used in production."""
