"""Forms generated from a trigger's JSON schema, and the decoding of what a form posts.

`fields(schema)` turns a payload's JSON schema (as `method_description()` gives it) into a
tree of `FieldSpec`s. The templates render that tree as inputs with data attributes; the
page's script checks those attributes and `decode` checks the same rules on the server,
both with the sentences of `dashboard.messages`. Then the payload goes to the service, which
parses it with the method's own model, and to the workflow: they stay the authority, and
their sentences (`states.describe_errors`) are shown next to the fields they name.

Field paths are dotted (`answers.drive`, `partners.0.name`), the same as the `loc` of a
pydantic error and the field prefix of a refusal sentence, so every error finds its input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from lemniscate.dashboard.help import help_of
from lemniscate.dashboard.messages import PATTERN_MESSAGES, message
from lemniscate.dashboard.names import FIELDS
from lemniscate.models.sentence import Sentence
from lemniscate.states.errors import fields_of

Kind = Literal[
    "text",
    "textarea",
    "date",
    "integer",
    "boolean",
    "tristate",
    "enum",
    "lines",
    "choices",
    "mapping",
    "object",
    "objects",
]
FormValues = Mapping[str, Sequence[str]]
Errors = dict[str, list[str]]

# Text fields allowed thousands of characters are prose: give them a text area.
_PROSE_LENGTH = 1000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")
_ALTERNATIVES = re.compile(r"^\^\(([\w|]+)\)\$$")
# Inputs whose emptiness says nothing (a preselected default, an unticked box) do not make
# a repeated group "filled in"; these kinds do.
_TYPED_KINDS = frozenset({"text", "textarea", "date", "integer", "tristate", "lines", "mapping"})
RESERVED_PREFIX = "__"  # form fields of the dashboard itself (reason, which form), not payload


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind
    required: bool
    help: str | None = None
    default: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | None = None
    options: tuple[str, ...] = ()
    min_items: int | None = None
    max_items: int | None = None
    children: tuple[FieldSpec, ...] = field(default=())

    @property
    def pattern_message(self) -> str:
        return PATTERN_MESSAGES.get(self.pattern or "", "pattern")

    def attributes(self) -> dict[str, str]:
        """The rules as data attributes, for the page's script."""
        rules: dict[str, Any] = {
            "kind": self.kind,
            "required": self.required,
            "min-length": self.min_length,
            "max-length": self.max_length,
            "pattern": self.pattern,
            "pattern-message": self.pattern_message if self.pattern else None,
            "minimum": self.minimum,
            "min-items": self.min_items,
            "max-items": self.max_items,
            "options": json.dumps(self.options) if self.options else None,
            "has-default": self.default is not None,
        }
        return {
            f"data-{k}": ("true" if v is True else str(v))
            for k, v in rules.items()
            if v is not None and v is not False
        }


def fields(schema: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """The fields of an object schema in the order a person fills them in: what is
    required before what is not, and within each the single fields before the groups (the
    interview's partner, day and interviewer before its seven questions); else the model's
    order."""
    return _object_fields(schema, schema.get("$defs", {}))


def _object_fields(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    required = set(schema.get("required", []))
    made = [_field(name, prop, name in required, defs) for name, prop in schema.get("properties", {}).items()]
    return tuple(sorted(made, key=lambda spec: (not spec.required, spec.kind in ("object", "objects"))))


def _resolved(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """Follow a `$ref`, keeping what the referring schema adds (default, description)."""
    if "$ref" in schema:
        target = defs[str(schema["$ref"]).rsplit("/", 1)[-1]]
        return {**_resolved(target, defs), **{k: v for k, v in schema.items() if k != "$ref"}}
    return dict(schema)


def _optional(schema: dict[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """`X | None` is `anyOf: [X, null]`: the schema of X, and whether null was allowed."""
    variants = schema.get("anyOf")
    if not variants:
        return schema, False
    concrete = [v for v in variants if v.get("type") != "null"]
    if len(concrete) != 1:
        raise ValueError(f"cannot build a form field for a union: {variants}")
    outer = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**_resolved(concrete[0], defs), **outer}, len(concrete) < len(variants)


def _label(name: str) -> str:
    """The field's name in words: a Sentence the page says in its language."""
    return FIELDS.get(name) or name.replace("_", " ").capitalize()


def _field(name: str, raw: Mapping[str, Any], required: bool, defs: Mapping[str, Any]) -> FieldSpec:
    schema, _nullable = _optional(_resolved(raw, defs), defs)
    common: dict[str, Any] = {
        "name": name,
        "label": _label(name),
        "required": required,
        "help": help_of(schema.get("description")),
        "default": schema.get("default"),
    }
    kind = schema.get("type")
    if "enum" in schema:
        return FieldSpec(kind="enum", options=tuple(schema["enum"]), **common)
    if kind == "string":
        pattern = schema.get("pattern")
        alternatives = _ALTERNATIVES.match(pattern or "")
        if alternatives:  # a pattern like ^(a|b)$ is a choice between words
            return FieldSpec(kind="enum", options=tuple(alternatives.group(1).split("|")), **common)
        if schema.get("format") == "date":
            return FieldSpec(kind="date", **common)
        max_length = schema.get("maxLength")
        prose = max_length is not None and max_length > _PROSE_LENGTH
        return FieldSpec(
            kind="textarea" if prose else "text",
            min_length=schema.get("minLength"),
            max_length=max_length,
            pattern=pattern,
            **common,
        )
    if kind == "integer":
        return FieldSpec(kind="integer", minimum=schema.get("minimum"), **common)
    if kind == "boolean":
        # A boolean that may stay unset ("leave as it is") needs three answers, not a box.
        is_tristate = raw.get("anyOf") is not None
        return FieldSpec(kind="tristate" if is_tristate else "boolean", **common)
    if kind == "array":
        items = _resolved(schema.get("items", {}), defs)
        bounds: dict[str, Any] = {"min_items": schema.get("minItems"), "max_items": schema.get("maxItems")}
        if items.get("type") == "object":
            return FieldSpec(kind="objects", children=_object_fields(items, defs), **bounds, **common)
        if "enum" in items:
            return FieldSpec(kind="choices", options=tuple(items["enum"]), **bounds, **common)
        return FieldSpec(
            kind="lines",
            min_length=items.get("minLength"),
            max_length=items.get("maxLength"),
            **bounds,
            **common,
        )
    if kind == "object":
        if "properties" in schema:
            return FieldSpec(kind="object", children=_object_fields(schema, defs), **common)
        values = schema.get("additionalProperties", {})
        return FieldSpec(kind="mapping", max_length=values.get("maxLength"), **common)
    raise ValueError(f"cannot build a form field for {name}: {raw}")


# Decoding -------------------------------------------------------------------------------------


def decode(specs: Sequence[FieldSpec], form: FormValues) -> tuple[dict[str, Any], Errors]:
    """The JSON payload a form describes, and every rule it breaks (by field path)."""
    errors: Errors = {}
    return _decode_object(specs, form, "", errors), errors


def _first(form: FormValues, path: str) -> str:
    values = form.get(path) or [""]
    return values[0].strip()


def _decode_object(
    specs: Sequence[FieldSpec], form: FormValues, prefix: str, errors: Errors
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        path = prefix + spec.name
        present, value = _decode_field(spec, form, path, errors)
        if present:
            out[spec.name] = value
    return out


def _fail(errors: Errors, path: str, key: str, **values: int) -> tuple[bool, Any]:
    errors.setdefault(path, []).append(message(key, **values))
    return False, None


def _decode_field(spec: FieldSpec, form: FormValues, path: str, errors: Errors) -> tuple[bool, Any]:
    if spec.kind == "boolean":
        return True, _first(form, path) in ("on", "true")
    if spec.kind == "tristate":
        raw = _first(form, path)
        return (raw != "", raw == "true") if raw in ("", "true", "false") else _fail(errors, path, "enum")
    if spec.kind in ("lines", "choices", "mapping"):
        return _decode_collection(spec, form, path, errors)
    if spec.kind == "object":
        if not spec.required and _blank(spec.children, form, path + "."):
            return False, None
        return True, _decode_object(spec.children, form, path + ".", errors)
    if spec.kind == "objects":
        return _decode_items(spec, form, path, errors)
    raw = _first(form, path)
    if raw == "":
        return _fail(errors, path, "required") if spec.required else (False, None)
    return _decode_scalar(spec, raw, path, errors)


def _decode_scalar(spec: FieldSpec, raw: str, path: str, errors: Errors) -> tuple[bool, Any]:
    if spec.kind == "date":
        if not _DATE.match(raw) or not _is_date(raw):
            return _fail(errors, path, "date")
        return True, raw
    if spec.kind == "integer":
        if not _INTEGER.match(raw):
            return _fail(errors, path, "integer")
        if spec.minimum is not None and int(raw) < spec.minimum:
            return _fail(errors, path, "minimum", min=spec.minimum)
        return True, int(raw)
    if spec.kind == "enum":
        return (True, raw) if raw in spec.options else _fail(errors, path, "enum")
    length = len(raw)
    if spec.min_length is not None and length < spec.min_length:
        return _fail(errors, path, "too_short", min=spec.min_length)
    if spec.max_length is not None and length > spec.max_length:
        return _fail(errors, path, "too_long", max=spec.max_length)
    if spec.pattern is not None and not re.search(spec.pattern, raw):
        return _fail(errors, path, spec.pattern_message)
    return True, raw


def _is_date(raw: str) -> bool:
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _lines(form: FormValues, path: str) -> list[str]:
    """Text areas give one value with a line per item; tick boxes give one value each."""
    return [line.strip() for value in form.get(path, []) for line in value.splitlines() if line.strip()]


def _decode_collection(spec: FieldSpec, form: FormValues, path: str, errors: Errors) -> tuple[bool, Any]:
    items = _lines(form, path)
    before = len(errors.get(path, []))
    value: Any = items
    if spec.kind == "choices":
        if any(item not in spec.options for item in items):
            _fail(errors, path, "enum")
    elif spec.kind == "lines":
        for number, item in enumerate(items, start=1):
            if spec.max_length is not None and len(item) > spec.max_length:
                _fail(errors, path, "item_too_long", line=number, max=spec.max_length)
    else:
        value = {}
        for number, item in enumerate(items, start=1):
            key, colon, text = item.partition(":")
            if not colon or not key.strip() or not text.strip():
                _fail(errors, path, "mapping_line", line=number)
            else:
                value[key.strip()] = text.strip()
    count = len(value)
    if spec.min_items is not None and count < spec.min_items:
        _fail(errors, path, "min_items", min=spec.min_items)
    if spec.max_items is not None and count > spec.max_items:
        _fail(errors, path, "max_items", max=spec.max_items)
    if len(errors.get(path, [])) > before:
        return False, None
    return (True, value) if value or spec.required else (False, None)


def item_indices(form: FormValues, path: str) -> list[int]:
    """The indices of a repeated group's items that the form holds, in order."""
    prefix = path + "."
    found = {
        int(head)
        for key in form
        if key.startswith(prefix)
        if (head := key[len(prefix) :].split(".", 1)[0]).isdigit()
    }
    return sorted(found)


def _decode_items(spec: FieldSpec, form: FormValues, path: str, errors: Errors) -> tuple[bool, Any]:
    items = []
    for index in item_indices(form, path):
        prefix = f"{path}.{index}."
        if _blank(spec.children, form, prefix):
            continue  # an empty row the person added and did not use
        # Errors keep the row's own index, so they land next to the row on the page.
        items.append(_decode_object(spec.children, form, prefix, errors))
    if spec.min_items is not None and len(items) < spec.min_items:
        _fail(errors, path, "min_items", min=spec.min_items)
    if spec.max_items is not None and len(items) > spec.max_items:
        _fail(errors, path, "max_items", max=spec.max_items)
    return (True, items) if items or spec.required else (False, None)


def _blank(specs: Sequence[FieldSpec], form: FormValues, prefix: str) -> bool:
    for spec in specs:
        path = prefix + spec.name
        if spec.kind in ("object", "objects"):
            nested = (
                [path + "."] if spec.kind == "object" else [f"{path}.{i}." for i in item_indices(form, path)]
            )
            if not all(_blank(spec.children, form, p) for p in nested):
                return False
        elif (spec.kind in _TYPED_KINDS or (spec.kind == "enum" and spec.default is None)) and any(
            v.strip() for v in form.get(path, [])
        ):
            return False
    return True


def as_reasons(errors: Errors) -> list[str]:
    """What a form got wrong, worded as `states.describe_errors` words a payload's mistakes
    ("field: what is wrong"): the refusal the service logs."""
    return [f"{path}: {text}" for path, texts in errors.items() for text in texts]


def errors_of(reasons: Sequence[str]) -> Errors:
    """A refusal's sentences by the field each names, so they land next to their inputs
    ("" for the payload as a whole: shown above the form)."""
    found: Errors = {}
    for sentence, (path, text) in zip(reasons, fields_of(reasons), strict=True):
        # A core sentence "field: reason" keeps its reason as made, to be said in Dutch.
        made = isinstance(sentence, Sentence) and sentence.code == "field"
        reason = sentence.params.get("reason") if isinstance(sentence, Sentence) else None
        said = reason if made and isinstance(reason, str) else text
        found.setdefault(path, []).append(said)
    return found


def form_values(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """A posted form as path -> values, keeping repeated keys (tick boxes)."""
    values: dict[str, list[str]] = {}
    for key, value in items:
        values.setdefault(key, []).append(value)
    return values
