"""The MCP server: tools derived from the operations, profiles, sessions and results, on the official SDK."""
