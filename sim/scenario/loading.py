"""Scenario files: YAML in, one validated ``ScenarioConfig`` out, or one ``ScenarioError`` line.

Steps, one function each: read the file (bounded size, UTF-8), parse it with a loader that
refuses anchors and aliases and bounds node count and nesting, turn the nodes into plain
data while remembering the file and line of every key, follow ``extends`` (deep merge,
child wins, cycles refused), apply dotted overrides, check keys and scalar types against
the schema (with did-you-mean), validate with pydantic (translating its first error), and
refuse scenarios whose estimated memory exceeds what the machine has available.
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from sim.errors import ScenarioError
from sim.scenario.walk import KeyPath, allows_none, child, field_at, is_model, unwrap
from sim.schema import CATEGORIES, ScenarioConfig, field_bounds

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "RawScenario",
    "available_memory_bytes",
    "deep_merge",
    "estimate_run_bytes",
    "load_raw",
    "load_scenario",
    "load_scenario_text",
    "parse_value",
    "read_yaml",
    "resolve",
    "scenario_dict",
    "validate_model",
]

#: Largest scenario file read (a real one is a few kB).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Most YAML nodes (keys, values, list items) in one file.
MAX_NODES = 100_000
#: Deepest nesting of mappings and lists in one file.
MAX_DEPTH = 64
#: Longest chain of ``extends``.
MAX_EXTENDS = 32
#: Top-level key naming the scenario a file builds on.
EXTENDS = "extends"


#: Dict-valued fields whose keys are fixed: path -> allowed keys.
_DICT_KEYS: dict[KeyPath, tuple[str, ...]] = {("issues", "categories"): CATEGORIES}

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp"))


# --------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class Loc:
    """Where a key was written: a file (or override) and a 1-based line, if known."""

    source: str
    line: int | None = None


@dataclass(frozen=True)
class RawScenario:
    """Plain scenario data with the location of every key path, and the root file's name."""

    data: dict[str, Any]
    marks: Mapping[KeyPath, Loc]
    source: str

    def locate(self, path: KeyPath) -> Loc:
        """Location of the longest prefix of ``path`` present in the data (root file if none)."""
        best = Loc(self.source)
        node: Any = self.data
        for depth, part in enumerate(path, start=1):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                break
            best = self.marks.get(path[:depth], best)
        return best

    def has(self, path: KeyPath) -> bool:
        """Whether ``path`` exists in the data."""
        node: Any = self.data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return False
        return True

    def error(self, detail: str, path: KeyPath = ()) -> ScenarioError:
        """A ScenarioError citing where ``path`` was written."""
        loc = self.locate(path)
        return ScenarioError(detail, source=loc.source, line=loc.line, key=dotted(path) or None)


def dotted(path: KeyPath) -> str:
    """``('a', 'b', 0, 'c')`` -> ``'a.b[0].c'``, with unprintable characters escaped."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _printable(part)
    return out


def _printable(text: str) -> str:
    """Escape characters that would break or hide in a one-line message."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


# --------------------------------------------------------------------------- YAML


class _Refused(Exception):
    """Raised inside the YAML loader for input refused on principle; carries the mark."""

    def __init__(self, detail: str, mark: yaml.Mark | None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.mark = mark


class _GuardedComposer(Composer):
    """Composer that refuses anchors and aliases (no billion laughs, nothing is ever
    expanded), a second document, more than ``MAX_NODES`` nodes and nesting deeper
    than ``MAX_DEPTH``."""

    _nodes = 0
    _depth = 0

    def get_single_node(self) -> yaml.Node | None:
        self.get_event()  # stream start
        if self.check_event(yaml.StreamEndEvent):
            return None
        node = self.compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            raise _Refused(
                "a second YAML document starts here ('---'); a scenario file holds exactly one mapping",
                self.peek_event().start_mark,
            )
        self.get_event()
        return node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"YAML alias '*{event.anchor}' is not allowed; write the value out in full", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise _Refused(f"YAML anchor '&{event.anchor}' is not allowed; write values out in full", event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES:,} YAML values; a scenario file is far smaller", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _ScenarioYamlLoader(_GuardedComposer, yaml.SafeLoader):
    """SafeLoader with the guarded composer (pure Python; positions count characters)."""

    byte_positions = False


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _FastScenarioYamlLoader(_GuardedComposer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """Same loader on libyaml's event parser (about 4x faster; positions count bytes)."""

        byte_positions = True

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _GuardedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

        def dispose(self) -> None:
            pass

    _LOADERS: tuple[type[Any], ...] = (_ScenarioYamlLoader, _FastScenarioYamlLoader)
    _Loader: type[Any] = _FastScenarioYamlLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_ScenarioYamlLoader,)
    _Loader = _ScenarioYamlLoader

# YAML 1.1 reads 1e-3 as text; scenario files mean a number.
for _cls in _LOADERS:
    _cls.add_implicit_resolver(
        _TAG + "float",
        re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )


def _yaml_error(exc: Exception, text: str, source: str, byte_positions: bool) -> ScenarioError:
    """One line for a YAML problem: the refusal or parser message, with line and column."""
    if isinstance(exc, _Refused):
        return ScenarioError(exc.detail, source=source, line=_line(exc.mark))
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        col = f" at column {mark.column + 1}" if mark is not None else ""
        context = f" ({exc.context})" if exc.context else ""
        return ScenarioError(f"malformed YAML{col}: {exc.problem}{context}", source=source, line=_line(mark))
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.position, int):
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace") if byte_positions else text[: exc.position]
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        return ScenarioError(f"malformed YAML at column {col}: unacceptable character {char} ({exc.reason})", source=source, line=line)
    return ScenarioError(f"malformed YAML: {exc}", source=source)


def _tag(tag: str) -> str:
    """``tag:yaml.org,2002:set`` -> ``!!set``."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _line(mark: yaml.Mark | None) -> int | None:
    """1-based line of a YAML mark."""
    return mark.line + 1 if mark is not None else None


def _node_error(detail: str, node: yaml.Node, path: KeyPath, source: str) -> ScenarioError:
    """A ScenarioError at a YAML node's line."""
    return ScenarioError(detail, source=source, line=_line(node.start_mark), key=dotted(path) or None)


def _to_python(node: yaml.Node, loader: Any, path: KeyPath, marks: dict[KeyPath, Loc], source: str) -> Any:
    """Plain data from a node tree; records the line of every key and list item in ``marks``."""
    if isinstance(node, yaml.MappingNode):
        if node.tag != _TAG + "map":
            raise _node_error(f"YAML tag '{_tag(node.tag)}' is not allowed here; write a plain mapping", node, path, source)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kpath = path + (_key(key_node, path, source),)
            if kpath[-1] in out:
                first = marks[kpath].line
                raise _node_error(f"duplicate key '{dotted(kpath)}' (first written at line {first}); keep one", key_node, kpath, source)
            marks[kpath] = Loc(source, _line(key_node.start_mark))
            out[kpath[-1]] = _to_python(value_node, loader, kpath, marks, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _TAG + "seq":
            raise _node_error(f"YAML tag '{_tag(node.tag)}' is not allowed here; write a plain list", node, path, source)
        items = []
        for i, child in enumerate(node.value):
            marks[path + (i,)] = Loc(source, _line(child.start_mark))
            items.append(_to_python(child, loader, path + (i,), marks, source))
        return items
    if node.tag not in _SCALAR_TAGS:
        raise _node_error(f"YAML tag '{_tag(node.tag)}' is not allowed; write a plain value", node, path, source)
    ambiguous = _yaml11_only(node)
    if ambiguous:
        raise _node_error(f"{dotted(path) or 'value'} = {node.value}: {ambiguous}", node, path, source)
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:
        raise _node_error(f"cannot read value {_fmt_value(node.value)}: {getattr(exc, 'problem', exc)}", node, path, source) from None


_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_BOOL_12 = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))


def _yaml11_only(node: yaml.ScalarNode) -> str:
    """Why a plain scalar would be read differently by YAML 1.1 (PyYAML) and YAML 1.2, or ''.

    YAML 1.1 reads ``030`` as octal 24, ``1:30`` as base-60 90, ``0x1e``/``0b11`` as hex and
    binary, ``1_000`` with its underscore dropped, and ``yes``/``no``/``on``/``off`` as
    true/false; YAML 1.2 reads the first as 30 and the others as text (``0x1e`` as 30). Such
    values are refused instead of silently converted.
    """
    text, tag = str(node.value), node.tag
    if tag == _TAG + "bool" and text not in _BOOL_12:
        truth = "true" if text.lower() in ("yes", "on", "y") else "false"
        return f"YAML 1.1 reads {text!r} as {truth}, YAML 1.2 as text; write {truth}, or quote it for text"
    if tag == _TAG + "int" and not _PLAIN_INT.match(text):
        digits = text.lstrip("+-")
        if ":" in text:
            why = f"YAML 1.1 reads {text} as the base-60 number {int(_construct_int(text))}"
        elif digits[:2].lower() in ("0x", "0b"):
            why = "YAML 1.1 and 1.2 disagree on 0x, 0o and 0b numbers"
        elif "_" in text:
            why = "YAML 1.2 reads a number with '_' as text"
        else:
            why = f"YAML 1.1 reads {text} as the octal number {int(_construct_int(text))}"
        return f"{why}; write the decimal number {_decimal(text)}, or quote it for text"
    if tag == _TAG + "float" and (":" in text or "_" in text):
        return "YAML 1.1 and 1.2 read this number differently (base 60 or '_'); write it as a plain decimal, or quote it for text"
    return ""


def _construct_int(text: str) -> int:
    return SafeConstructor().construct_yaml_int(yaml.ScalarNode(_TAG + "int", text))


def _decimal(text: str) -> str:
    """What the user most likely meant: ``030`` -> 30, ``0x1e`` -> 30, ``1_000`` -> 1000, ``1:30`` -> 90."""
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-").replace("_", "")
    if digits[:2].lower() in ("0x", "0b"):
        return sign + str(int(digits, 16 if digits[1] in "xX" else 2))
    if ":" in digits:
        return str(_construct_int(text))
    return sign + (digits.lstrip("0") or "0")


def _key(node: yaml.Node, path: KeyPath, source: str) -> str:
    """A mapping key, which must be plain text."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "str":
        return str(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "merge":
        raise _node_error("YAML merge keys ('<<') are not allowed; use 'extends' or write the keys out", node, path, source)
    if isinstance(node, yaml.ScalarNode):
        kind = node.tag.removeprefix(_TAG)
        raise _node_error(f"key {_fmt_value(node.value)} is read by YAML as {kind}, keys must be text: quote it", node, path, source)
    raise _node_error("a key must be plain text, not a mapping or list", node, path, source)


def _parse(text: str, source: str) -> RawScenario:
    """One file's text -> RawScenario (no ``extends`` resolution)."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"text is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a scenario file is a few kB", source=source)
    try:
        loader = _Loader(text)
        try:
            return _build(loader, loader.get_single_node(), source)
        finally:
            loader.dispose()
    except (_Refused, yaml.YAMLError) as exc:
        raise _yaml_error(exc, text, source, _Loader.byte_positions) from None


def _build(loader: Any, node: yaml.Node | None, source: str) -> RawScenario:
    """RawScenario from the document's node, which must be a non-empty mapping."""
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null" and node.value == ""):
        raise ScenarioError("file is empty (no keys, only blank lines or comments); write at least 'name: ...'", source=source)
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else f"the single value {_fmt_value(node.value)}"
        raise ScenarioError(f"top level must be a mapping of 'key: value' lines, found {kind}", source=source, line=_line(node.start_mark))
    marks: dict[KeyPath, Loc] = {}
    return RawScenario(_to_python(node, loader, (), marks, source), marks, source)


# --------------------------------------------------------------------------- files


def _read_file(path: Path, display: str) -> str:
    """Text of a scenario file; missing, unreadable, directories, oversize and non-UTF-8 refused."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ScenarioError("file not found", source=display) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read file ({exc.strerror or exc})", source=display) from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError("is a directory, not a scenario file; give a .yaml file", source=display)
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError("is not a regular file; give a .yaml file", source=display)
    if st.st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"file is {st.st_size / 2**20:.1f} MB, larger than the {MAX_FILE_BYTES // 2**20} MB limit; a scenario file is a few kB",
            source=display,
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read file ({exc.strerror or exc})", source=display) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(f"file is larger than the {MAX_FILE_BYTES // 2**20} MB limit", source=display)
    return _decode(data, display)


def _decode(data: bytes, display: str) -> str:
    """UTF-8 text (a BOM is allowed)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8", source=display, line=line) from None


def _load_file(path: Path, display: str, chain: tuple[tuple[Path, str], ...]) -> RawScenario:
    """A file's RawScenario with its ``extends`` chain merged in."""
    raw = _parse(_read_file(path, display), display)
    real = Path(os.path.realpath(path))
    return _resolve_extends(raw, path.parent, os.path.dirname(display), chain + ((real, display),))


def _resolve_extends(raw: RawScenario, base_dir: Path, display_dir: str, chain: tuple[tuple[Path, str], ...]) -> RawScenario:
    """Merge ``raw`` onto the scenario it ``extends`` (if any); ``chain`` holds the files so far."""
    if EXTENDS not in raw.data:
        return raw
    data = dict(raw.data)
    target = data.pop(EXTENDS)
    here = raw.locate((EXTENDS,))
    if not isinstance(target, str) or not target.strip():
        raise raw.error(f"extends must be the path of another scenario file (relative to this one), not {_fmt_value(target)}", (EXTENDS,))
    parent_path = base_dir / target
    parent_display = os.path.normpath(os.path.join(display_dir, target))
    names = [name for _, name in chain]
    real = Path(os.path.realpath(parent_path))
    if any(real == p for p, _ in chain):
        raise raw.error(f"extends cycle: {' -> '.join(names + [parent_display])}; remove one 'extends'", (EXTENDS,))
    if len(chain) >= MAX_EXTENDS:
        raise raw.error(f"extends chain longer than {MAX_EXTENDS} files", (EXTENDS,))
    if not os.path.exists(parent_path):
        raise ScenarioError(f"extends {target!r}: file not found ({parent_display})", source=here.source, line=here.line, key=EXTENDS)
    if os.path.isdir(parent_path):
        raise ScenarioError(f"extends {target!r}: is a directory ({parent_display}), not a scenario file",
                            source=here.source, line=here.line, key=EXTENDS)
    parent = _load_file(parent_path, parent_display, chain)
    marks = {p: loc for p, loc in raw.marks.items() if p != (EXTENDS,)}
    return _merge(parent, RawScenario(data, marks, raw.source))


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Recursive merge of mappings: ``over``'s keys win; lists and scalars are replaced whole."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _merge(parent: RawScenario, child: RawScenario) -> RawScenario:
    """Child on top of parent; a key's location is where the winning value was written."""
    return RawScenario(deep_merge(parent.data, child.data), {**parent.marks, **child.marks}, child.source)


# --------------------------------------------------------------------------- overrides


def _apply_overrides(raw: RawScenario, overrides: Mapping[str, Any]) -> RawScenario:
    """Set dotted keys (``{"population.residents": 500}``) on the merged data."""
    data, marks = raw.data, dict(raw.marks)
    where = Loc(f"{raw.source} (override)")
    for key, value in overrides.items():
        parts = tuple(key.split(".")) if isinstance(key, str) else ()
        if not parts or not all(parts):
            raise ScenarioError(f"override key {key!r} must be a dotted key path like 'population.residents'", source=where.source)
        if parts[0] == EXTENDS:
            raise ScenarioError("'extends' cannot be overridden; write it in the file", source=where.source, key=EXTENDS)
        data = _set_path(data, parts, value, where)
        marks = {p: loc for p, loc in marks.items() if p[: len(parts)] != parts}
        for depth in range(1, len(parts) + 1):
            marks.setdefault(parts[:depth], where)  # sections the override created
    return RawScenario(data, marks, raw.source)


def _set_path(data: dict[str, Any], parts: tuple[str, ...], value: Any, where: Loc,
              prefix: tuple[str, ...] = ()) -> dict[str, Any]:
    """Copy of ``data`` with ``parts`` set to ``value`` (missing mappings created)."""
    out = dict(data)
    head, rest = parts[0], parts[1:]
    if not rest:
        out[head] = value
        return out
    inner = out[head] if head in out else _default_section(prefix + (head,))
    if not isinstance(inner, dict):
        raise ScenarioError(f"override {'.'.join(parts)!r}: {head!r} is {_fmt_value(inner)}, not a mapping",
                            source=where.source, key=".".join(parts))
    out[head] = _set_path(inner, rest, value, where, prefix + (head,))
    return out


@functools.lru_cache(maxsize=256)
def _default_dump(path: tuple[str, ...]) -> Any:
    node: Any = ScenarioConfig()
    for part in path:
        node = getattr(node, part, None) if not isinstance(node, dict) else node.get(part)
    return node.model_dump(mode="json") if isinstance(node, BaseModel) else None


def _default_section(path: tuple[str, ...]) -> dict[str, Any]:
    """The schema's default of a section an override reaches into (so that setting
    ``behaviour.trust_initial.local`` keeps the other groups' defaults)."""
    dump = _default_dump(path)
    return copy.deepcopy(dump) if isinstance(dump, dict) else {}


# --------------------------------------------------------------------------- schema checks


def _check_value(raw: RawScenario, value: Any, annotation: Any, path: KeyPath) -> None:
    """Refuse unknown keys (with a suggestion), empty values and mistyped scalars below ``path``."""
    annotation, _ = unwrap(annotation)
    if value is None:
        if not allows_none(annotation):
            raise raw.error(f"'{dotted(path)}' has no value; write one, or delete the key to keep the default", path)
        return
    if is_model(annotation):
        if isinstance(value, dict):
            fields = annotation.model_fields
            for key, sub in value.items():
                if key not in fields:
                    raise _unknown_key(raw, path + (key,), list(fields), extra=[EXTENDS] if not path else [])
                _check_value(raw, sub, fields[key].annotation, path + (key,))
        return
    origin = get_origin(annotation)
    if origin is dict and isinstance(value, dict):
        allowed = _DICT_KEYS.get(path)
        for key, sub in value.items():
            if allowed is not None and key not in allowed:
                raise _unknown_key(raw, path + (key,), list(allowed))
            sub_type = child(annotation, key)
            if sub_type is not None:
                _check_value(raw, sub, sub_type[0], path + (key,))
        return
    if origin in (tuple, list) and isinstance(value, list):
        for i, item in enumerate(value):
            sub_type = child(annotation, i)
            if sub_type is not None:
                _check_value(raw, item, sub_type[0], path + (i,))
        return
    _check_scalar(raw, value, annotation, path)


def _check_scalar(raw: RawScenario, value: Any, annotation: Any, path: KeyPath) -> None:
    """Numbers must be numbers (not text or true/false) and finite; switches must be true/false."""
    key = dotted(path)
    if annotation in (int, float):
        if isinstance(value, bool):
            raise raw.error(f"{key} = {_fmt_value(value)}: must be a number, not true/false", path)
        if isinstance(value, str):
            raise raw.error(f"{key} = {_fmt_value(value)}: must be a number, not text (remove the quotes)", path)
        if isinstance(value, float) and not math.isfinite(value):
            raise raw.error(f"{key} = {_fmt_value(value)}: must be a finite number", path)
    elif annotation is bool and not isinstance(value, bool):
        raise raw.error(f"{key} = {_fmt_value(value)}: must be true or false", path)


def _unknown_key(raw: RawScenario, path: KeyPath, allowed: list[str], extra: list[str] | None = None) -> ScenarioError:
    """'unknown key' error with a did-you-mean or the list of allowed keys."""
    key = path[-1]
    guess = difflib.get_close_matches(str(key), allowed + (extra or []), n=1, cutoff=0.6)
    hint = f"did you mean '{guess[0]}'?" if guess else f"allowed keys here: {', '.join(allowed)}"
    return raw.error(f"unknown key '{dotted(path)}': {hint}", path)


# --------------------------------------------------------------------------- validation


def _validate(raw: RawScenario) -> ScenarioConfig:
    """Schema checks, then pydantic; its first error becomes one ScenarioError line."""
    return validate_model(raw, ScenarioConfig)


def validate_model[M: BaseModel](raw: RawScenario, model: type[M]) -> M:
    """``raw`` validated as ``model`` (a scenario, an experiment file, ...): unknown keys with
    did-you-mean, mistyped scalars, then pydantic; the first problem becomes one
    ScenarioError line naming file, line and key path."""
    _check_value(raw, raw.data, model, ())
    try:
        return model.model_validate(raw.data)
    except ValidationError as exc:
        raise _translate(raw, exc, model) from None


_RANGE_OPS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
_RANGE_CTX = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le", "less_than": "lt"}


def _translate(raw: RawScenario, exc: ValidationError, root: type[BaseModel] = ScenarioConfig) -> ScenarioError:
    """First pydantic error -> ScenarioError naming key path, bad value and the allowed values."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    path: KeyPath = tuple(err["loc"])
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    kind, key = err["type"], dotted(path)
    if kind == "missing" and path and isinstance(path[-1], int):
        return raw.error(f"'{dotted(path[:-1])}' has too few items: item {path[-1] + 1} is missing{more}", path)
    if kind == "missing":
        return raw.error(f"missing required key '{key}'{more}", path)
    if kind in ("value_error", "assertion_error"):
        msg = re.sub(r"^(Value error|Assertion failed), ", "", err["msg"])
        named = re.match(r"^([A-Za-z_][\w.]*): ", msg)
        if not path and named and raw.has(tuple(named.group(1).split("."))):
            return raw.error(f"{msg}{more}", tuple(named.group(1).split(".")))
        return raw.error(f"{key}: {msg}{more}" if key else f"{msg}{more}", path)
    if kind == "extra_forbidden":
        return raw.error(f"unknown key '{key}'{more}", path)
    return raw.error(f"{key} = {_fmt_value(err.get('input'))}: {_must(err, path, root)}{more}", path)


def _must(err: Mapping[str, Any], path: KeyPath, root: type[BaseModel] = ScenarioConfig) -> str:
    """The rule a value broke, phrased 'must ...'."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _RANGE_OPS:
        rule = f"must be {_RANGE_OPS[kind]} {_fmt_number(ctx.get(_RANGE_CTX[kind]))}"
        allowed = _range_text(field_at(path, root))
        return f"{rule} ({allowed})" if allowed else rule
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a mapping of keys"
    if kind in ("tuple_type", "list_type"):
        return "must be a list"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        guess = difflib.get_close_matches(str(err.get("input")), options, n=1, cutoff=0.6)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        return f"must be one of {', '.join(options)}{hint}"
    return re.sub(r"^\w+ should ", "must ", err["msg"])


def _range_text(field: tuple[Any, list[Any]] | None) -> str:
    """'allowed range [0, 1]' from a field's ge/gt/le/lt constraints."""
    if field is None:
        return ""
    lo, lo_open, hi, hi_open = field_bounds(field[1])
    if lo is None and hi is None:
        return ""
    if lo is None:
        return f"allowed: {'<' if hi_open else '<='} {_fmt_number(hi)}"
    if hi is None:
        return f"allowed: {'>' if lo_open else '>='} {_fmt_number(lo)}"
    return f"allowed range {'(' if lo_open else '['}{_fmt_number(lo)}, {_fmt_number(hi)}{')' if hi_open else ']'}"


def _fmt_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _fmt_value(value: Any) -> str:
    """A value as the user would write it in YAML, shortened to fit a line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, float):
        return _fmt_number(value) if math.isfinite(value) else str(value)
    text = repr(value) if isinstance(value, str) else str(value)
    text = _printable(text)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- memory


def estimate_run_bytes(cfg: ScenarioConfig) -> int:
    """Rough peak memory of a run: 600 B per resident, 24 B per tie, 80 B per expected
    issue over the horizon, times 2 for temporaries."""
    pop, ties = cfg.population, cfg.population.ties
    residents = pop.residents
    ties_per_resident = (
        pop.household_size + ties.building_degree + ties.compound_degree + ties.community_degree + ties.long_range_degree
    )
    issues = cfg.issues.rate_per_resident_day * residents * cfg.days
    return int(2 * (600 * residents + 24 * ties_per_resident * residents + 80 * issues))


def available_memory_bytes() -> int | None:
    """MemAvailable from /proc/meminfo, else free physical pages; None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _fmt_bytes(n: float) -> str:
    """Bytes in binary units, e.g. ``'89.4 GB'``."""
    units = ("B", "kB", "MB", "GB", "TB")
    i = 0
    while n >= 1024 and i < len(units) - 1:
        n, i = n / 1024, i + 1
    return f"{n:.1f} {units[i]}"


def _check_memory(raw: RawScenario, cfg: ScenarioConfig) -> None:
    """Refuse a scenario whose estimated memory exceeds what is available now."""
    need, have = estimate_run_bytes(cfg), available_memory_bytes()
    if have is not None and need > have:
        raise raw.error(
            f"scenario needs about {_fmt_bytes(need)} of memory but only {_fmt_bytes(have)} is available; "
            f"lower population.residents ({cfg.population.residents:,}), days ({cfg.days:,}) "
            f"or issues.rate_per_resident_day ({cfg.issues.rate_per_resident_day:g})",
            ("population", "residents"),
        )


# --------------------------------------------------------------------------- public API


def _raw_from_path(path: str | Path) -> RawScenario:
    """RawScenario of a file and its ``extends`` chain; messages name it as given."""
    return _load_file(Path(path), str(path), ())


def _finish(raw: RawScenario, overrides: Mapping[str, Any] | None, *, check_memory: bool = True) -> ScenarioConfig:
    """Overrides, validation, memory check."""
    if overrides:
        raw = _apply_overrides(raw, overrides)
    cfg = _validate(raw)
    if check_memory:
        _check_memory(raw, cfg)
    return cfg


def load_scenario(path: str | Path, *, overrides: Mapping[str, Any] | None = None) -> ScenarioConfig:
    """Load, merge (``extends``), override, validate and size-check a scenario file.

    Raises ScenarioError (one line) for anything wrong with the file or the overrides.
    """
    return _finish(_raw_from_path(path), overrides)


def load_scenario_text(
    text: str,
    *,
    source: str = "<string>",
    base_dir: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ScenarioConfig:
    """Like ``load_scenario`` for YAML text; ``extends`` resolves against ``base_dir`` (default: cwd)."""
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    display_dir = str(base_dir) if base_dir is not None else ""
    raw = _resolve_extends(_parse(text, source), base, display_dir, ())
    return _finish(raw, overrides)


def scenario_dict(path: str | Path) -> dict[str, Any]:
    """The merged raw mapping of a scenario file after ``extends`` (no overrides, not validated)."""
    return _raw_from_path(path).data


def read_yaml(path: str | Path) -> RawScenario:
    """One YAML file (any govsim file: scenario, experiment) as plain data with the line of
    every key; ``extends`` is not followed. Raises ScenarioError (one line)."""
    return _parse(_read_file(Path(path), str(path)), str(path))


def load_raw(path: str | Path) -> RawScenario:
    """A scenario file merged with its ``extends`` chain, not yet validated: resolve it
    with :func:`resolve`, as often as needed, without reading the files again."""
    return _raw_from_path(path)


def resolve(raw: RawScenario, overrides: Mapping[str, Any] | None = None, *, check_memory: bool = True) -> ScenarioConfig:
    """``raw`` (from :func:`load_raw`) with dotted overrides applied, validated and (unless
    ``check_memory`` is false) size-checked: what :func:`load_scenario` returns."""
    return _finish(raw, overrides, check_memory=check_memory)


def parse_value(text: str, *, source: str) -> Any:
    """A value written on a command line (``--set key=VALUE``) read as YAML, with the same
    rules as a file: ``500`` is a number, ``true`` a switch, ``[a, b]`` a list, ``030`` refused."""
    raw = _parse(f"value: {text}\n" if text.strip() else "value: ''\n", source)
    return raw.data["value"]
