"""What the API and the web pages share: request context, sessions, CSRF, errors, edge limits."""
