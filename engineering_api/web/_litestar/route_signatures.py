"""Route handlers' parsed signatures, each distinct parameter's field definition made once.

Litestar parses every handler's signature when it registers it (``ParsedSignature.from_fn``): it resolves the
function's annotations, then makes a ``FieldDefinition`` of each parameter, walking its annotation's inner types
(``FieldDefinition.from_annotation``, the largest single cost of ``create_app``). The app's 562 handlers have
1,724 parameters, but only 393 distinct ones (a name, its resolved annotation and its default: ``request:
Request``, the jobs' query markers, ``Idempotency-Key``, ...): :func:`parse_signature` makes each of those once per
process and builds the handler's ``ParsedSignature`` from them, as ``ParsedSignature.from_signature`` does.
Measured 2026-11-27 at load 13: ``create_app`` 0.488 -> 0.435 s of CPU.

Each handler's signature model (a ``msgspec`` Struct that validates a request's parameters,
``SignatureModel.create``) is made when its first request is served, not as the app registers it
(:func:`model_later`): registering reads only the parsed parameters and data DTO the model would hold (for the
kwargs model), and a pipeline's requests reach a dozen of the ~560 handlers. Made at registration, the models were
~20% of ``create_app``'s CPU (~0.075 s: ``create_app`` 0.39 -> 0.30 s with the body key maps of
``web.routes``, medians of 7 paired starts, ``time.process_time``, 2026-11-27 19:01). Litestar's own property makes the
model on first use, from the same layers; ``tests/lib/test_route_signatures.py`` makes every handler's. One
thing changes a handler's parsed parameters after registration: Litestar's OpenAPI generation adds the path
parameters a handler does not take to them (``_openapi/parameters.py``), and a model made from those would require
them in every request (422). So the models not made yet are made before the document is built
(:func:`models_made`).

A field definition is an immutable description of a parameter, the same for every handler that has that
parameter; ``tests/lib/test_route_signatures.py`` compares every served handler's parsed signature with the one
Litestar makes itself.
"""

from __future__ import annotations

from dataclasses import replace
from inspect import Signature
from typing import TYPE_CHECKING, Any, ForwardRef, Literal, cast, get_origin

from litestar.types.empty import Empty
from litestar.typing import FieldDefinition
from litestar.utils.helpers import unwrap_partial
from litestar.utils.signature import ParsedSignature, get_fn_type_hints
from litestar.utils.typing import expand_type_var_in_type_hint

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from inspect import Parameter

    from litestar.handlers.http_handlers import HTTPRouteHandler
    from litestar.routes import BaseRoute

__all__ = ("ModelLater", "annotations_evaluated", "model_later", "models_made", "parse_signature")

_fields: dict[tuple[str, int, int], tuple[Any, Any, FieldDefinition]] = {}
"""Field definitions by parameter name and the identities of its annotation and default (both kept in the value,
so an identity is not reused while it is a key)."""


def parse_signature(handler: HTTPRouteHandler) -> None:
    """Give ``handler`` its parsed signature (what its ``parsed_fn_signature`` would make on first use), unless it
    has one; called as the app registers it, before Litestar reads it."""
    if handler._parsed_fn_signature is not Empty:  # Litestar's memo of this very value
        return
    namespace = handler.resolve_signature_namespace()
    fn = unwrap_partial(handler.fn)
    signature = Signature.from_callable(fn)
    # a signed function's annotations are the objects typing would evaluate them to (:func:`annotations_evaluated`)
    evaluated = getattr(fn, "__dict__", {}).get(_EVALUATED)
    if evaluated is None or evaluated is not getattr(fn, "__annotations__", None):
        evaluated = get_fn_type_hints(fn, namespace=namespace)
    hints = expand_type_var_in_type_hint(dict(evaluated), namespace)
    parameters = {name: _field(parameter, hints) for name, parameter in signature.parameters.items()
                  if name not in ("self", "cls")}
    return_type = FieldDefinition.from_annotation(hints.get("return", Any))
    handler._parsed_fn_signature = ParsedSignature(
        parameters=parameters, original_signature=signature,
        return_type=return_type if "return" in hints else replace(return_type, annotation=Empty))


_EVALUATED = "__evaluated_annotations__"
"""The attribute of a function whose annotations are evaluated already: the very ``__annotations__`` dict."""


def annotations_evaluated(fn: Callable[..., Any]) -> None:
    """Say that ``fn``'s annotations, as they are now, are objects (no text, no ``None``, no forward reference
    inside): what ``typing.get_type_hints`` makes of them, so :func:`parse_signature` reads them as they are.
    Litestar evaluates a function's annotations in a namespace it builds of ``typing``'s names and the module's
    (``get_fn_type_hints``): for the ~425 handlers whose signatures are made at run time (``web.route_shape.sign``),
    ~7 ms of the start spent finding what they already are. A new ``__annotations__`` dict is evaluated again; one
    changed in place is not (the signers make each handler's annotations once).
    ``tests/lib/test_route_signatures.py`` holds every handler's parsed signature equal to Litestar's."""
    if not any(_unevaluated(hint) for hint in fn.__annotations__.values()):
        fn.__dict__[_EVALUATED] = fn.__annotations__


def _unevaluated(hint: Any) -> bool:
    """Whether ``hint`` holds what ``typing.get_type_hints`` would still change: text, ``None`` or a forward
    reference, at any depth of its arguments (``list["Block"]``, ``Optional["Block"]``)."""
    if hint is None or isinstance(hint, (str, ForwardRef)):
        return True
    if get_origin(hint) is Literal:  # its arguments are values, text among them
        return False
    return any(_unevaluated(argument) for argument in getattr(hint, "__args__", ()) or ())


def _field(parameter: Parameter, hints: dict[str, Any]) -> FieldDefinition:
    """``FieldDefinition.from_parameter(parameter, hints)``, made once for a name, annotation and default."""
    annotation = hints.get(parameter.name, Empty)
    key = (parameter.name, id(annotation), id(parameter.default))
    known = _fields.get(key)
    if known is not None and known[0] is annotation and known[1] is parameter.default:
        return known[2]
    made = FieldDefinition.from_parameter(parameter, hints)  # raises, as Litestar's parsing would, without one
    _fields[key] = (annotation, parameter.default, made)
    return made


class ModelLater:
    """Stands for a handler's signature model while the app registers the handler: what Litestar's kwargs model
    reads of the model then (``KwargsModel.create_for_signature_model``: its fields and data DTO), read from the
    handler as ``SignatureModel.create`` would. Taken away once the registration is over (:meth:`end`), so the
    handler's ``signature_model`` makes the real one when its first request needs it."""

    __slots__ = ("_handler",)

    def __init__(self, handler: HTTPRouteHandler) -> None:
        self._handler = handler

    @property
    def _fields(self) -> dict[str, FieldDefinition]:
        return self._handler.parsed_fn_signature.parameters

    @property
    def _data_dto(self) -> Any:
        return self._handler.resolve_data_dto()

    def end(self) -> None:
        """The registration is over: the handler makes its model on first use (unless it has one already)."""
        if self._handler._signature_model is self:
            self._handler._signature_model = Empty


def model_later(handler: HTTPRouteHandler) -> ModelLater | None:
    """Let ``handler`` be registered without its signature model (see the module); None when it has one. The
    caller ends the stand-in (:meth:`ModelLater.end`) once the app has registered the handler."""
    if handler._signature_model is not Empty:
        return None
    later = ModelLater(handler)
    handler._signature_model = cast("Any", later)
    return later


def models_made(routes: Iterable[BaseRoute]) -> None:
    """Every signature model of the handlers of ``routes`` made now, from the parameters they were registered with:
    called before Litestar's OpenAPI generation adds path parameters to them (see the module). A served app makes
    them on its event loop before the document's thread starts (``docs.openapi_document_ready``), so no first
    request on the loop makes a model while the generation changes parameters."""
    for route in routes:
        for handler in getattr(route, "route_handlers", ()):
            _ = handler.signature_model  # Litestar's property makes and keeps it
