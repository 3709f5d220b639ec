"""Use cases of accounts: signing in, second factors, tokens, passwords and their policy."""
