"""What the templates show, computed here so templates only lay it out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote, urlencode

from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import PortfolioRow
from lemniscate.dashboard import journal
from lemniscate.dashboard.forms import Errors
from lemniscate.dashboard.lemniscate import NODES, Node, node_for, orbit
from lemniscate.dashboard.offers import Choice
from lemniscate.language import format_date, format_moment, office_zone, translate
from lemniscate.models.coalition import Action, ActionStatus, Coalition, Partner
from lemniscate.models.journal import JournalEntry
from lemniscate.models.records import Level
from lemniscate.models.sentence import Sentence
from lemniscate.states.errors import fields_of
from lemniscate.workflows.io import workflow_id

DUE_SOON_DAYS = 7


def humanize(name: str) -> str:
    return name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Due:
    label: str  # in the page's language
    tone: str  # a CSS modifier: ok, soon, late, done, muted


def action_due(action: Action, today: date, lang: str) -> Due:
    def said(sentence: Sentence, tone: str) -> Due:
        return Due(translate(sentence, lang), tone)

    if action.status == ActionStatus.done:
        return said(Sentence("web.due.done", "done"), "done")
    if action.status == ActionStatus.cancelled:
        return said(Sentence("web.due.cancelled", "cancelled"), "muted")
    if action.due_on is None:
        return said(Sentence("web.due.none", "no due date"), "muted")
    days = (action.due_on - today).days
    if days < 0:
        return said(
            Sentence("web.due.overdue", "overdue by {count} day", "overdue by {count} days", count=-days),
            "late",
        )
    if days == 0:
        return said(Sentence("web.due.today", "due today"), "late")
    if days <= DUE_SOON_DAYS:
        return said(Sentence("web.due.soon", "due in {count} day", "due in {count} days", count=days), "soon")
    day = format_date(action.due_on, lang, "medium")
    return said(Sentence("web.due.on", "due {day}", day=day), "ok")


def follow_up(row_time: datetime | None, now: datetime, week_end: datetime, lang: str) -> Due:
    """When a coalition's next follow-up falls, in the office's time zone."""
    if row_time is None:
        return Due(translate(Sentence("web.follow_up.none", "none planned"), lang), "muted")
    if row_time <= now:
        since = format_date(row_time.astimezone(office_zone()).date(), lang, "medium")
        return Due(
            translate(Sentence("web.follow_up.overdue", "overdue since {day}", day=since), lang), "late"
        )
    if row_time <= week_end:
        return Due(format_moment(row_time, lang, "EEE d MMM"), "soon")
    return Due(format_date(row_time.astimezone(office_zone()).date(), lang, "medium"), "ok")


# The interest/influence grid: rows from high influence down, columns from low interest up.
LEVELS = (Level.low, Level.medium, Level.high)


@dataclass(frozen=True)
class Grid:
    cells: list[list[list[Partner]]]  # [influence high..low][interest low..high]
    unplaced: list[Partner]


def partner_grid(coalition: Coalition) -> Grid:
    cells: list[list[list[Partner]]] = [[[] for _ in LEVELS] for _ in LEVELS]
    unplaced = []
    for partner in coalition.partners:
        if partner.placement is None:
            unplaced.append(partner)
            continue
        row = 2 - LEVELS.index(partner.placement.influence)
        cells[row][LEVELS.index(partner.placement.interest)].append(partner)
    return Grid(cells, unplaced)


@dataclass
class MapNode:
    """A place on the lemniscate as drawn: its count, its dots, whether it is highlighted."""

    node: Node
    count: int = 0
    highlight: bool = False
    href: str | None = None
    dots: list[tuple[float, float, str, str, bool]] = field(default_factory=list)

    @property
    def radius(self) -> float:
        return min(24.0, 9 + 2.6 * math.sqrt(self.count)) if self.count else 7.0


def portfolio_map(
    by_node: dict[str, int], rows: list[PortfolioRow], filters: dict[str, str]
) -> list[MapNode]:
    placed = [MapNode(n, by_node.get(n.key, 0)) for n in NODES]
    by_key = {m.node.key: m for m in placed}
    for m in placed:
        query = {**filters, "state": m.node.state}
        if m.node.round.value in ("2", "3"):
            query["round"] = m.node.round.value
        m.href = "/dashboard/?" + urlencode(query)
    for row in rows:
        node = node_for(row.state or "", row.round)
        if node is None:
            continue
        m = by_key[node.key]
        x, y = orbit(node, len(m.dots), m.radius)
        m.dots.append((x, y, f"/dashboard/coalitions/{quote(row.id)}", row.id, row.at_risk))
    return placed


def coalition_map(state: str, round_: str) -> list[MapNode]:
    here = node_for(state, round_)
    return [MapNode(n, highlight=here is not None and n.key == here.key) for n in NODES]


def temporal_ui_link(settings: ClusterSettings | None, base: str | None, slug: str) -> str | None:
    """The coalition's workflow in the Temporal Web UI, where its raw history is."""
    if settings is None or base is None:
        return None
    return (
        f"{base.rstrip('/')}/namespaces/{quote(settings.namespace, safe='')}/workflows/"
        f"{quote(workflow_id(slug), safe='')}"
    )


def temporal_ui_base(settings: ClusterSettings | None, configured: str | None) -> str | None:
    """`LEMNISCATE_TEMPORAL_UI_URL` when set; else the embedded server's UI; else Temporal
    Cloud's for a Cloud address; else none (a self-hosted UI's address is not knowable)."""
    if configured:
        return configured
    if settings is None:
        return None
    if settings.embedded:
        return f"http://127.0.0.1:{settings.ui_port}"
    if (settings.address or "").split(":")[0].endswith(".tmprl.cloud"):
        return "https://cloud.temporal.io"
    return None


@dataclass(frozen=True)
class Moment:
    entry: JournalEntry
    moved: bool
    said: str  # the entry in a sentence (journal.said)
    items: list[journal.Item]  # its payload as named values


def timeline(entries: list[JournalEntry]) -> list[Moment]:
    """Newest first: what a person reading the story wants to see first."""
    return [
        Moment(
            e,
            e.from_state not in (None, e.to_state),
            journal.said(e.event.trigger, e.event.payload),
            journal.items(e.event.payload),
        )
        for e in reversed(entries)
    ]


@dataclass(frozen=True)
class Submitted:
    """A posted form shown again: what was typed, what is wrong, what the method refused."""

    trigger: str
    values: dict[str, list[str]]
    errors: Errors = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    @property
    def general(self) -> list[str]:
        """Errors that belong to no single field (the model's own rules across fields)."""
        return self.errors.get("", [])

    @property
    def marked(self) -> bool:
        """Whether some field carries an error of its own."""
        return any(path for path in self.errors)


@dataclass(frozen=True)
class FormContext:
    """What one rendered form needs: its id, what was typed, what is wrong, its choices."""

    id: str
    values: dict[str, list[str]]
    errors: dict[str, list[str]]
    choices: dict[str, list[Choice]]
    flagged: frozenset[str]  # fields a refusal sentence names ("partner: ...")
    locked: bool  # a partner's own organisation, the only choice it has
    defaults: dict[str, list[str]] = field(default_factory=dict)  # a fresh form's values


def form_context(
    form_id: str,
    trigger: str,
    submitted: Submitted | None,
    choices: dict[str, list[Choice]],
    locked: bool = False,
    defaults: dict[str, list[str]] | None = None,
) -> FormContext:
    mine = submitted if submitted is not None and submitted.trigger == trigger else None
    if mine is None:
        return FormContext(form_id, {}, {}, choices, frozenset(), locked, defaults or {})
    flagged = frozenset(field for field, _ in fields_of(mine.refused) if field)
    return FormContext(form_id, mine.values, mine.errors, choices, flagged, locked)


CHANNELS: dict[str, Sentence] = {
    "log": Sentence("web.channel.log", "log"),
    "email": Sentence("web.channel.email", "e-mail"),
    "webhook": Sentence("web.channel.webhook", "webhook"),
}
OUTCOMES: dict[str, Sentence] = {
    "delivered": Sentence("web.outcome.delivered", "delivered"),
    "skipped": Sentence("web.outcome.skipped", "skipped"),
    "failed": Sentence("web.outcome.failed", "failed"),
}


def resolvers(blocker: str) -> list[str]:
    """The triggers whose forms supply what `blocker` says is missing: those its sentence
    names (states.guard_checks), `step` first, so the page can link them; none for a
    sentence that names none, or text that is no Sentence."""
    if not isinstance(blocker, Sentence):
        return []
    named = sorted(blocker.params.items(), key=lambda item: item[0] != "step")
    codes = [value.code for _, value in named if isinstance(value, Sentence)]
    return [code.removeprefix("trigger.") for code in codes if code.startswith("trigger.")]


def resolved_by(blocker: str) -> str | None:
    """The first of `resolvers`: the form a blocker links to."""
    return next(iter(resolvers(blocker)), None)


def with_codes(said: list[str], known: list[str]) -> list[str]:
    """`said` (blockers as the coalition's view sends them: plain text once they crossed
    Temporal) with each sentence that `known` (the same coalition's overview worked out
    here, as Sentences) words identically swapped for that Sentence, so the page can say it
    in its language and link it to its form. Only an identical text is swapped: a view
    redacted for its reader may differ from what is worked out here, and then says itself."""
    by_text = {str(s): s for s in known if isinstance(s, Sentence)}
    return [by_text.get(str(s), s) for s in said]
