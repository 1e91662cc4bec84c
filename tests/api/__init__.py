"""The HTTP API's tests, through Litestar's test client."""
