"""Walking the parameter schema: the type and constraints of any key of a pydantic model.

One walker for every reader of the schema: scenario loading (errors that state the allowed
range), the ODD's parameter tables and the app's controls.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.schema import ScenarioConfig

__all__ = ["KeyPath", "Typed", "allows_none", "child", "field_at", "info_at", "is_model", "unwrap", "without_none"]

KeyPath = tuple[str | int, ...]
#: A bare type and the constraint metadata (``Ge``, ``Le``, ``MinLen``, ...) that applies to it.
Typed = tuple[Any, list[Any]]


def unwrap(annotation: Any) -> Typed:
    """Strip ``Annotated`` layers (outermost last); the bare type and all their constraints."""
    meta: list[Any] = []
    while get_origin(annotation) is Annotated:
        inner, *extras = get_args(annotation)
        found: list[Any] = []
        for extra in extras:
            found.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
        meta = found + meta
        annotation = inner
    return annotation, meta


def without_none(annotation: Any) -> Any:
    """The bare type of an optional field (``X | None`` -> ``X``), ``Annotated`` stripped."""
    annotation, _ = unwrap(annotation)
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return without_none(args[0])
    return annotation


def is_model(annotation: Any) -> bool:
    """Whether ``annotation`` is a pydantic model class."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def allows_none(annotation: Any) -> bool:
    """Whether ``None`` is a valid value of ``annotation``."""
    annotation, _ = unwrap(annotation)
    if annotation is Any or annotation is type(None):
        return True
    return get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in get_args(annotation)


def child(annotation: Any, key: str | int) -> Typed | None:
    """Type and constraints of ``key`` inside a value of type ``annotation`` (a model's field,
    a mapping's value, a list's or tuple's item); None if there is no such key."""
    annotation, _ = unwrap(annotation)
    if is_model(annotation):
        field = annotation.model_fields.get(key) if isinstance(key, str) else None
        if field is None:
            return None
        inner, meta = unwrap(field.annotation)
        return inner, list(field.metadata) + meta
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict and len(args) == 2:
        return unwrap(args[1])
    if origin in (tuple, list) and isinstance(key, int) and args:
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            return unwrap(args[0])
        return unwrap(args[key]) if 0 <= key < len(args) else None
    return None


def field_at(path: KeyPath, root: type[BaseModel] = ScenarioConfig) -> Typed | None:
    """Type and constraints of the key at ``path`` of ``root`` (default: a scenario)."""
    current: Typed | None = (root, [])
    for part in path:
        if current is None:
            return None
        current = child(current[0], part)
    return current


def info_at(path: tuple[str, ...], root: type[BaseModel] = ScenarioConfig) -> FieldInfo:
    """The pydantic field at a path of model keys (KeyError naming the key if there is none)."""
    model: Any = root
    info: FieldInfo | None = None
    for part in path:
        info = without_none(model).model_fields[part]
        model = info.annotation
    if info is None:
        raise KeyError("empty path")
    return info
