"""Domain areas: each module defines its operations (and any hand-written controllers)."""
