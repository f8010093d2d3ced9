"""Auditors: a trail of every accepted change, in the method's own terms, checked against
the Temporal event history and sealed by the journal's hash chain.

- `history`: fetching and decoding a coalition's event history across continue-as-new.
- `crosscheck`: journal entries against the history, every mismatch named.
- `trail`: the journal replayed: plain-words payloads, guards as they held.
- `report`: the report model and building it; `formats`: HTML, Markdown, JSON, CSV.
- `verify`: checking an exported report; `portfolio`: the portfolio CSV.
- `refusals`: reading the log of refused attempts, which the service writes for every surface.

The hash chain itself is `models.chain`: the workflow seals journal entries with it, and
the workflow must not depend on this client-side package.
"""
