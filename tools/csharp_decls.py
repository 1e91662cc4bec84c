"""The public declarations of the C# stand-ins, read from their sources without Mono.

Enough of C# for the stand-ins' own style: comments and string literals are dropped, ``#if``/``#else``/``#endif``
are evaluated against the defines of the version being played, and the text is walked by braces. A declaration
is whatever precedes a ``{`` (or a ``;`` for interface and abstract members): a namespace, a type, a property
(its block holds ``get``/``set``) or a method (a name followed by a parameter list).

The stand-in writes members Openness declares on many types once, in public bases of ``StandIn.Control``
(``Composition<T>``, ``UnifiedObject``, ...); :func:`standin_declarations` gives each Siemens type the members of
those bases as its own, with the base's type parameters replaced by the arguments the type gives, as the bridge's
reflection reports them (``openness_bridge/reflection.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ("PLUMBING_NAMESPACE", "Declared", "declarations", "preprocess", "standin_declarations")

_KEYWORDS = frozenset({"if", "for", "foreach", "while", "switch", "catch", "using", "lock", "return", "new", "else",
                       "try", "finally", "do", "get", "set", "add", "remove", "checked", "unchecked", "fixed", "base",
                       "this", "throw", "case", "default", "when", "typeof", "nameof", "sizeof"})
_TYPE = re.compile(r"\b(class|interface|enum|struct)\s+(\w+)(?:<([^>]*)>)?\s*(?::\s*([^{]+))?$")
_MEMBER = re.compile(r"\bpublic\b")
PLUMBING_NAMESPACE = "StandIn.Control"
"""The namespace of the stand-in's shared bases (as ``openness_bridge.reflection.STAND_IN_PLUMBING``)."""


@dataclass
class Declared:
    """One public member of a stand-in type (``kind``: property, method, enum_value) or a type (``kind`` type)."""

    namespace: str
    type: str
    kind: str
    member: str = ""
    signature: str = ""
    setter: bool = False
    value: int | None = None
    bases: list[str] = field(default_factory=list)
    file: str = ""
    parameters: list[str] = field(default_factory=list)
    """A generic type's type parameters (``T`` of ``Composition<T>``)."""


def preprocess(text: str, defines: set[str]) -> str:
    """``text`` with the lines of false ``#if``/``#elif``/``#else`` branches blanked (symbols, ``!``, ``&&``,
    ``||``)."""
    out: list[str] = []
    frames: list[list[bool]] = []  # per open #if: [parent active, a branch taken, this branch active]
    for line in text.splitlines():
        directive = line.strip()
        active = frames[-1][2] if frames else True
        if directive.startswith("#if "):
            value = eval_condition(directive[4:].split("//")[0].strip(), defines)
            frames.append([active, value, active and value])
        elif directive.startswith("#elif "):
            frame = frames[-1]
            value = not frame[1] and eval_condition(directive[6:].split("//")[0].strip(), defines)
            frame[1], frame[2] = frame[1] or value, frame[0] and value
        elif directive.startswith("#else"):
            frame = frames[-1]
            frame[2], frame[1] = frame[0] and not frame[1], True
        elif directive.startswith("#endif"):
            frames.pop()
        else:
            out.append(line if active else "")
            continue
        out.append("")
    return "\n".join(out)


def eval_condition(cond: str, defines: set[str]) -> bool:
    """A ``#if`` condition of symbols, ``!``, ``&&``, ``||`` and parentheses."""
    expr = re.sub(r"[A-Za-z_]\w*", lambda m: "True" if m.group(0) in defines else "False", cond)
    expr = expr.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
    if not re.fullmatch(r"[\sA-Za-z()]*", expr):
        raise ValueError(f"unsupported #if condition: {cond}")
    return bool(eval(expr, {"__builtins__": {}}))  # only True/False/and/or/not/parentheses remain


def _strip(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r'@"(?:[^"]|"")*"', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "''", text)
    return re.sub(r"//[^\n]*", "", text)


def _param_types(params: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in params:
        depth += char in "<([" and 1 or 0
        depth -= char in ">)]" and 1 or 0
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current)
    types = []
    for part in parts:
        part = re.sub(r"\s*=.*$", "", part.strip())
        part = re.sub(r"^(?:params|ref|out|in|this)\s+", "", part)
        types.append(part.rsplit(None, 1)[0] if " " in part else part)
    return types


def declarations(path: Path, defines: set[str], namespaces: tuple[str, ...] = ("Siemens",)) -> list[Declared]:
    """The public types and members ``path`` declares in namespaces that start with one of ``namespaces``."""
    text = _strip(preprocess(path.read_text(encoding="utf-8"), defines))
    found: list[Declared] = []
    # One entry per open brace: (kind, the property's Declared or None); kind is namespace, type, enum, property, other.
    stack: list[tuple[str, Declared | None]] = []
    namespace: list[str] = []
    types: list[tuple[str, bool, str]] = []  # (name, public, class/interface/enum/struct)
    start = 0
    for pos, char in enumerate(text):
        if char not in "{};":
            continue
        decl = " ".join(text[start:pos].split())
        start = pos + 1
        top, current = stack[-1] if stack else ("file", None)
        ns_name = ".".join(namespace)
        if char == "}":
            if top == "enum":
                _enum_values(decl, found, ns_name, types, path.name, namespaces)
            if stack:
                kind, _ = stack.pop()
                if kind == "namespace":
                    namespace.pop()
                elif kind in {"type", "enum"}:
                    types.pop()
            continue
        if top == "enum":
            continue
        accessor = re.fullmatch(r"((?:private|internal|protected)\s+)?(get|set)", decl)
        if top == "property" and accessor:
            if accessor.group(2) == "set" and current is not None:
                current.setter = accessor.group(1) is None
            if char == "{":
                stack.append(("other", None))
            continue
        if char == ";":
            if top == "type":
                _member(decl, found, ns_name, types, path, namespaces, opens_block=False)
            continue
        ns = re.match(r"^namespace\s+([\w.]+)$", decl)
        type_match = _TYPE.search(decl)
        if ns:
            stack.append(("namespace", None))
            namespace.append(ns.group(1))
        elif type_match and top in {"namespace", "type", "file"} and "(" not in decl:
            kind, name = type_match.group(1), type_match.group(2)
            public = bool(_MEMBER.search(decl)) and (not types or types[-1][1])
            types.append((name, public, kind))
            stack.append(("enum" if kind == "enum" else "type", None))
            if public and ns_name.startswith(namespaces):
                bases = _split_arguments(re.sub(r"\bwhere\b.*$", "", type_match.group(4) or ""))
                found.append(Declared(ns_name, name, "type", bases=bases, file=path.name,
                                      parameters=_split_arguments(type_match.group(3) or "")))
        elif top == "type":
            declared = _member(decl, found, ns_name, types, path, namespaces, opens_block=True)
            stack.append(("property" if declared is not None and declared.kind == "property" else "other", declared))
        else:
            stack.append(("other", None))
    return found


def _enum_values(body: str, found: list[Declared], namespace: str, types: list[tuple[str, bool, str]],
                 file: str, namespaces: tuple[str, ...]) -> None:
    if not types or not types[-1][1] or not namespace.startswith(namespaces):
        return
    number = -1
    for entry in (e.strip() for e in body.split(",")):
        if not entry:
            continue
        name, _, value = (p.strip() for p in entry.partition("="))
        number = int(value, 0) if value and re.fullmatch(r"-?(?:0x[0-9a-fA-F]+|\d+)", value) else number + 1
        found.append(Declared(namespace, types[-1][0], "enum_value", member=name, value=number, file=file))


def _member(decl: str, found: list[Declared], namespace: str, types: list[tuple[str, bool, str]], path: Path,
            namespaces: tuple[str, ...], *, opens_block: bool) -> Declared | None:
    """Record ``decl`` if it is a public member of a public type in ``namespaces``, and return it."""
    if not types or not types[-1][1] or not namespace.startswith(namespaces):
        return None
    owner, _, owner_kind = types[-1]
    if not (decl.startswith(("public ", "static public ")) or owner_kind == "interface"):
        return None
    if re.search(r"\b(?:event|operator|const|delegate|class|struct|enum|interface)\b", decl):
        return None
    head, arrow, _ = decl.partition("=>")
    head = head.strip()
    method = re.search(r"(\w+)(?:<[^<>()]*>)?\s*\((.*)\)\s*(?::\s*(?:base|this)\s*\(.*\))?(?:\s*where\s.*)?$", head)
    if method is not None:
        name = method.group(1)
        if name in _KEYWORDS or name == owner:
            return None
        declared = Declared(namespace, owner, "method", member=name,
                            signature=f"({','.join(_param_types(method.group(2)))})", file=path.name)
    elif (opens_block or arrow) and re.search(r"\w\s+(\w+)$", head):
        name_match = re.search(r"(\w+)$", head)
        assert name_match is not None
        if name_match.group(1) == "this":
            return None  # an indexer
        type_match = re.search(r"([\w.<>\[\], ]+?)\s+\w+$", head)
        declared = Declared(namespace, owner, "property", member=name_match.group(1), file=path.name,
                            signature=type_match.group(1).split()[-1] if type_match else "")
    else:
        return None  # a field
    found.append(declared)
    return declared


def _split_arguments(text: str) -> list[str]:
    """``A<B, C>, D`` as ``["A<B, C>", "D"]``: split at the commas outside angle brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "<") - (char == ">")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in [*parts, current.strip()] if p]


def _generic(name: str) -> tuple[str, list[str]]:
    """``StandIn.Control.Composition<PlcTag>`` as ``("Composition", ["PlcTag"])``."""
    head, _, arguments = name.partition("<")
    return head.strip().rsplit(".", 1)[-1], _split_arguments(arguments.rpartition(">")[0])


def _substitute(text: str, arguments: dict[str, str]) -> str:
    return re.sub(r"\w+", lambda word: arguments.get(word.group(0), word.group(0)), text)


def standin_declarations(paths: list[Path], defines: set[str]) -> list[Declared]:
    """The public types and members of ``Siemens.*`` namespaces the stand-in sources ``paths`` declare, each type with
    the public members of its ``StandIn.Control`` bases as its own (``file`` then names the base: ``Tags.cs <-
    NamedComposition``)."""
    found = [d for path in paths for d in declarations(path, defines, ("Siemens", PLUMBING_NAMESPACE))]
    bases = {d.type: d for d in found if d.kind == "type" and d.namespace == PLUMBING_NAMESPACE}
    members: dict[str, list[Declared]] = {}
    for d in found:
        if d.kind != "type" and d.namespace == PLUMBING_NAMESPACE:
            members.setdefault(d.type, []).append(d)
    declared = [d for d in found if d.namespace != PLUMBING_NAMESPACE]
    for owner in [d for d in declared if d.kind == "type" and d.bases]:
        name, arguments = _generic(owner.bases[0])
        while name in bases:
            base = bases[name]
            given = dict(zip(base.parameters, arguments, strict=False))
            declared += [Declared(owner.namespace, owner.type, m.kind, member=m.member,
                                  signature=_substitute(m.signature, given), setter=m.setter, value=m.value,
                                  file=f"{owner.file} <- {name}") for m in members.get(name, [])]
            if not base.bases:
                break
            name, arguments = _generic(_substitute(base.bases[0], given))
    return declared
