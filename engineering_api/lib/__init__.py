"""Plumbing below the port: the wire contract's responses and schemas, the security middleware, keys, audit,
rate limits, path confinement, safe archives, the databases, metrics and logging helpers."""
