"""Activities: every side effect of a coalition (notifications, outbound calls)."""
