"""Domain models of a vital coalition: pydantic records, no Temporal, no I/O."""

from models.coalition import Coalition
from models.events import Actor, Event, Role
from models.playbook import CommunicationItem, Playbook

__all__ = ["Actor", "Coalition", "CommunicationItem", "Event", "Playbook", "Role"]
