"""One YAML file of a pack, parsed with its line numbers, and the errors found in it.

A file is composed by PyYAML into nodes (each with its ``start_mark``) and constructed into plain data;
``PackFile.line(path)`` finds the line of any field by walking the nodes along the same path, so an error
found in the data (by the JSON Schema or by a section) is reported at the line where the office sees it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class PackError:
    """One problem in a pack: where (file, line, field path) and what, in Chinese."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} 第{self.line}行" if self.line else self.file
        return f"{where} {self.field}：{self.message}" if self.field else f"{where}：{self.message}"


class PackInvalid(Exception):
    """The pack was refused: nothing was written. ``errors`` holds every problem found."""

    def __init__(self, errors: list[PackError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def field_path(path: Iterable[object]) -> str:
    """``("seats", 3, "unit")`` → ``seats[3].unit`` (indices count from 0)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def plain(value: Any) -> Any:
    """The data as JSON sees it (dates as ISO strings), for the JSON Schema."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class PackFile:
    """A parsed file: ``data`` (dates as ``datetime.date``) and the node tree for line numbers."""

    def __init__(self, name: str, data: Any, node: yaml.Node | None):
        self.name = name
        self.data = data
        self.node = node
        self.errors: list[PackError] = []

    @classmethod
    def read(cls, path: Path, name: str | None = None) -> "PackFile":
        """Parse ``path``; a file that is not valid YAML gives a PackFile with one error and no data."""
        name = name or path.name
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            bad = cls(name, None, None)
            bad.errors.append(PackError(name, 0, "", "文件不是 UTF-8 编码"))
            return bad
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            bad = cls(name, None, None)
            problem = getattr(exc, "problem", None) or str(exc)
            bad.errors.append(
                PackError(name, mark.line + 1 if mark else 0, "", f"YAML 格式错误（{problem}）")
            )
            return bad
        finally:
            loader.dispose()
        return cls(name, data, node)

    def line(self, path: Iterable[object] = ()) -> int:
        """The line of the field at ``path``: of its key in a mapping, of its item in a list. Where the
        path stops early (a missing field) the line of the deepest field that is there."""
        node = self.node
        if node is None:
            return 0
        line = node.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif (
                isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def error(self, path: Iterable[object], message: str) -> PackError:
        """Record (and return) an error at ``path`` (a tuple of keys and indices)."""
        err = PackError(self.name, self.line(path), field_path(path), message)
        self.errors.append(err)
        return err
