"""Temporal workflows: one durable entity workflow per coalition."""
