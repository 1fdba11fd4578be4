"""Weekly posts: due-finding, outbox, pacing and delivery through the platforms' Deliverers."""
