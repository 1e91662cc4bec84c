"""engineering-api: a REST service for TIA Portal engineering."""
