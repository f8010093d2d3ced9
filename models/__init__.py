"""Domain models of a vital coalition: pydantic records, no Temporal, no I/O."""

from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.playbook import CommunicationItem, Playbook

__all__ = ["Actor", "Coalition", "CommunicationItem", "Event", "Playbook", "Role"]
