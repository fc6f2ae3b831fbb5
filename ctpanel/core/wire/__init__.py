"""Everything that knows a URL, a JSON key or a socket: the REST client, the WebSocket stream,
reply parsing, TLS, the request budget.
"""
