"""Cut the part of OS2mo's published GraphQL schema that telefonspor's queries use.

    python scripts/os2mo_schema_subset.py FULL_SCHEMA.graphql "SOURCE NOTE" > OUT.graphql

FULL_SCHEMA is a schema OS2mo publishes at ``/graphql/vNN/schema.graphql`` (for
example a snapshot committed to magenta-aps/os2mo-os2sync-export). Every query of
``telefonspor.sources.os2mo_api`` that validates against it is walked; the output
keeps exactly the types, fields, arguments and input fields those queries touch,
with their names, nullability and deprecation as published. The OS2mo test
server (tests/live/os2mo_server.py) executes queries against these subsets.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from graphql import (
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_schema,
    get_named_type,
    parse,
    validate,
    visit,
)
from graphql.language import (
    ArgumentNode,
    FieldNode,
    NamedTypeNode,
    ObjectFieldNode,
    VariableDefinitionNode,
)

from telefonspor.sources.os2mo_api import EMPLOYEES_QUERY, PERSONS_QUERY

_BUILT_IN = frozenset({"String", "Int", "Boolean", "Float", "ID"})


class _Collector(Visitor):
    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.fields: dict[str, dict[str, set[str]]] = defaultdict(dict)  # type -> field -> args
        self.inputs: dict[str, set[str]] = defaultdict(set)
        self.named: set[str] = set()
        self._stack: list[tuple[str, str]] = []

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.info.get_parent_type()
        field = self.info.get_field_def()
        if parent is None or field is None:
            raise SystemExit(f"ukendt felt {node.name.value}")
        self.fields[parent.name].setdefault(node.name.value, set())
        self.named.add(get_named_type(field.type).name)
        self._stack.append((parent.name, node.name.value))

    def leave_field(self, *_: object) -> None:
        self._stack.pop()

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        argument = self.info.get_argument()
        if argument is None:
            raise SystemExit(f"ukendt argument {node.name.value}")
        parent, field = self._stack[-1]
        self.fields[parent][field].add(node.name.value)
        self.named.add(get_named_type(argument.type).name)

    def enter_object_field(self, node: ObjectFieldNode, *_: object) -> None:
        parent = get_named_type(self.info.get_parent_input_type())
        if isinstance(parent, GraphQLInputObjectType):
            self.inputs[parent.name].add(node.name.value)
            self.named.add(get_named_type(parent.fields[node.name.value].type).name)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: object) -> None:
        kind = node.type
        while not isinstance(kind, NamedTypeNode):
            kind = kind.type
        self.named.add(kind.name.value)


def _deprecated(reason: str | None) -> str:
    if reason is None:
        return ""
    escaped = reason.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f' @deprecated(reason: "{escaped}")'


def subset(full: GraphQLSchema) -> str:
    used = [q for q in (EMPLOYEES_QUERY, PERSONS_QUERY) if not validate(full, parse(q))]
    if not used:
        raise SystemExit("ingen af telefonspors forespørgsler validerer mod dette skema")
    info = TypeInfo(full)
    collector = _Collector(info)
    for query in used:
        visit(parse(query), TypeInfoVisitor(info, collector))
    lines: list[str] = []
    named: list[GraphQLNamedType] = [full.type_map[n] for n in sorted(collector.named)]
    for kind in named:
        if isinstance(kind, GraphQLScalarType) and kind.name not in _BUILT_IN:
            lines.append(f"scalar {kind.name}\n")
        elif not isinstance(kind, GraphQLScalarType | GraphQLObjectType | GraphQLInputObjectType):
            raise SystemExit(f"{kind.name}: typen kan ikke skrives (kun skalarer, objekter, input)")
    for name in sorted(collector.inputs):
        kind = full.type_map[name]
        assert isinstance(kind, GraphQLInputObjectType)
        lines.append(f"input {name} {{")
        for field in sorted(collector.inputs[name]):
            lines.append(f"  {field}: {kind.fields[field].type}")
        lines.append("}\n")
    for name in sorted(collector.fields, key=lambda n: (n != "Query", n)):
        kind = full.type_map[name]
        assert isinstance(kind, GraphQLObjectType)
        lines.append(f"type {name} {{")
        for field, args in sorted(collector.fields[name].items()):
            definition = kind.fields[field]
            arguments = ", ".join(f"{a}: {definition.args[a].type}" for a in sorted(args))
            signature = f"({arguments})" if arguments else ""
            lines.append(
                f"  {field}{signature}: {definition.type}{_deprecated(definition.deprecation_reason)}"
            )
        lines.append("}\n")
    return "\n".join(lines)


def main() -> None:
    full_path, note = sys.argv[1], sys.argv[2]
    full = build_schema(Path(full_path).read_text(encoding="utf-8"))
    header = (
        "# The part of OS2mo's published GraphQL schema that telefonspor's queries use,\n"
        "# cut by scripts/os2mo_schema_subset.py; names, nullability and deprecations as published.\n"
        f"# Source: {note}\n\n"
    )
    sys.stdout.write(header + subset(full))


if __name__ == "__main__":
    main()
