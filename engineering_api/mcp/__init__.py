"""MCP server of engineering-api."""
