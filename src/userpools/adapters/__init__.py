"""Edges we do not own: message senders (console, file outbox, SMTP)."""
