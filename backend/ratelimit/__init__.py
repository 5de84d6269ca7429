"""Per-address rate limits on costly public endpoints and login: counters (database or Redis) and the middleware."""
