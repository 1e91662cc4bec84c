"""Design Spec: a structured design (I/O list, equipment modules, interlocks) turned into blocks and tags.

The loaded design is server state, kept in SQLite so it survives a restart. A design is validated when
it is loaded, so mistakes surface at once with the field that is wrong.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engineering_api.backend import errors as e
from engineering_api.domain.blockgen import BulkImportResult, import_documents, import_preview, spec_failure, target_for
from engineering_api.domain.common import DeviceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan, plural
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.project_texts import ProjectTexts
from simatic_xml import SimaticMLError
from simatic_xml.generate import SpecError, design_to_specs, parse_spec

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("OPERATIONS",)

SECTION = "Design Spec"
_STATE_KEY = "design-spec"


class DesignInput(ProjectTexts):
    """A whole design: ``io`` (I/O list), ``modules`` (equipment modules from templates), ``interlocks``.

    A natural-language ``prompt`` is refused (501): the assistant or an MCP client turns prose into a design.
    """

    design: dict[str, Any] | None = None
    """The design as an object with io (the I/O list), modules (equipment modules from templates) and interlocks."""
    prompt: str | None = None
    """A design in prose; refused with 501, since an assistant turns prose into a design."""


class SeparateDesignInput(ProjectTexts):
    """The same design in parts: inputs and outputs (I/O lists), logic (modules, interlocks), configuration."""

    inputs: list[dict[str, Any]] = []
    """The input signals of the I/O list, one object per signal."""
    outputs: list[dict[str, Any]] = []
    """The output signals of the I/O list, one object per signal."""
    logic: dict[str, Any] = {}
    """The logic: modules (equipment modules from templates) and interlocks."""
    configuration: dict[str, Any] = {}
    """Other settings of the design, merged into it as they are."""


class GenerateDesignInput(CamelStruct):
    """Which TIA version to generate for (the open project's by default)."""

    target_version: str | None = None


class ImportDesignInput(DeviceRef):
    """The PLC to import the generated blocks and tags into."""

    target_version: str | None = None
    overwrite: bool = False


class DesignFromBodyInput(ProjectTexts):
    """A design to generate from directly; with ``deviceName`` the result is imported too."""

    design: dict[str, Any] | None = None
    """The design as an object with io (the I/O list), modules (equipment modules from templates) and interlocks."""
    prompt: str | None = None
    """A design in prose; refused with 501, since an assistant turns prose into a design."""
    device_name: str | None = None
    target_version: str | None = None
    overwrite: bool = False


class DesignSummary(CamelStruct):
    """What a loaded design will produce."""

    blocks: list[str]
    tags: int
    tag_table: str
    design: dict[str, Any]


class GeneratedDocument(CamelStruct):
    """One generated document."""

    name: str
    xml: str


class DesignOutput(CamelStruct):
    """The generated documents in import order; the import result when one was asked for."""

    version: str
    documents: list[GeneratedDocument]
    imported: BulkImportResult | None = None


def _needs_assistant(prompt: str | None, design: dict[str, Any] | None) -> None:
    if prompt is not None and design is None:
        raise e.NotSupportedError(
            "This route takes a structured design (io, modules, interlocks), not prose. To start from a "
            "description, ask the assistant (POST /api/assistant/chat) or an MCP client: it writes the design and "
            "calls this route.",
            code=codes.PROMPT_NOT_SUPPORTED,
        )


def _summary(design: dict[str, Any], rename: Callable[[str], str] | None = None) -> DesignSummary:
    try:
        result = design_to_specs(design)
    except SpecError as exc:
        if rename is not None:
            exc = SpecError(rename(exc.field), exc.reason)
        raise spec_failure(exc) from None
    except SimaticMLError as exc:
        raise spec_failure(exc) from None
    return DesignSummary(
        blocks=[parse_spec(s).name for s in result.specs], tags=len(result.tags), tag_table=result.tag_table,
        design=design,
    )


def _store(
    ctx: OperationContext, design: dict[str, Any], rename: Callable[[str], str] | None = None
) -> DesignSummary:
    summary = _summary(design, rename)
    assert ctx.state is not None
    ctx.state.set(_STATE_KEY, design)
    return summary


def _loaded(ctx: OperationContext) -> dict[str, Any]:
    assert ctx.state is not None
    design: dict[str, Any] | None = ctx.state.get(_STATE_KEY)
    if design is None:
        raise e.NotFoundError(
            "No design specification is loaded; POST /api/design-spec/load first.", code=codes.NO_DESIGN_LOADED
        )
    return design


def _load(ctx: OperationContext, data: DesignInput) -> DesignSummary:
    _needs_assistant(data.prompt, data.design)
    if data.design is None:
        raise e.ValidationError("design: a design object is required", details={"field": "design"})
    return _store(ctx, data.design)


def _load_separate(ctx: OperationContext, data: SeparateDesignInput) -> DesignSummary:
    logic = dict(data.logic)
    design: dict[str, Any] = {**data.configuration, "io": [*data.inputs, *data.outputs]}
    for key in ("modules", "equipment", "interlocks"):
        if key in logic:
            design[key] = logic.pop(key)
    if logic:
        unknown = ", ".join(sorted(logic))
        raise e.ValidationError(f"logic: unknown keys {unknown} (use modules and interlocks)",
                                details={"field": "logic"})
    inputs = len(data.inputs)

    def as_sent(field: str) -> str:
        """Name a field of the merged design as it was sent in parts."""
        match = re.match(r"io\[(\d+)\](.*)", field)
        if match:
            index = int(match.group(1))
            part = f"inputs[{index}]" if index < inputs else f"outputs[{index - inputs}]"
            return part + match.group(2)
        if field.split(".")[0].split("[")[0] in ("modules", "equipment", "interlocks"):
            return f"logic.{field}"
        return f"configuration.{field}" if field else field

    return _store(ctx, design, as_sent)


def _clear(ctx: OperationContext, _: None) -> dict[str, bool]:
    assert ctx.state is not None
    if not ctx.state.delete(_STATE_KEY):
        raise e.NotFoundError("No design specification is loaded.", code=codes.NO_DESIGN_LOADED)
    return {"cleared": True}


def _generate(ctx: OperationContext, design: dict[str, Any],
              version: str | None) -> tuple[str, list[tuple[str, bytes]]]:
    target = target_for(ctx, version)
    try:
        return target, design_to_specs(design).documents(target)
    except SimaticMLError as exc:
        raise spec_failure(exc) from None


def _output(
    ctx: OperationContext, design: dict[str, Any], version: str | None, device: str | None, overwrite: bool
) -> DesignOutput:
    ctx.progress(10, "generating")
    target, documents = _generate(ctx, design, version)
    imported = None
    if device is not None:
        ctx.check_canceled()
        ctx.progress(50, "importing")
        imported = import_documents(ctx, device, [(name, data, "") for name, data in documents], overwrite=overwrite)
    return DesignOutput(
        version=target, documents=[GeneratedDocument(name=n, xml=d.decode("utf-8-sig")) for n, d in documents],
        imported=imported,
    )


def _from_body(ctx: OperationContext, data: DesignFromBodyInput) -> DesignOutput:
    _needs_assistant(data.prompt, data.design)
    if data.design is None:
        raise e.ValidationError("design: a design object is required", details={"field": "design"})
    return _output(ctx, data.design, data.target_version, data.device_name, data.overwrite)


def _preview_clear(ctx: OperationContext, _: None) -> Preview:
    summary = _summary(_loaded(ctx))
    detail = f"{plural(len(summary.blocks), 'block')} and {plural(summary.tags, 'tag')} to generate"
    return plan("Would forget the loaded design specification (the project is not touched).",
                [PlannedChange(action="delete", kind="design", name="loaded design", detail=detail)])


def _preview_output(
    ctx: OperationContext, design: dict[str, Any], version: str | None, device: str | None, overwrite: bool
) -> Preview:
    target, documents = _generate(ctx, design, version)
    if device is None:
        return plan(f"Would only generate {plural(len(documents), 'document')} for {target}; nothing would be "
                    "imported (no deviceName).", [])
    return import_preview(ctx, device, documents, overwrite=overwrite)


def _preview_from_body(ctx: OperationContext, data: DesignFromBodyInput) -> Preview:
    _needs_assistant(data.prompt, data.design)
    if data.design is None:
        raise e.ValidationError("design: a design object is required", details={"field": "design"})
    return _preview_output(ctx, data.design, data.target_version, data.device_name, data.overwrite)


_DESIGN_EXAMPLE: dict[str, Any] = {
    "design": {
        "io": [
            {"name": "Pump1_Start", "address": "%I0.0", "dataType": "Bool"},
            {"name": "Pump1_Stop", "address": "%I0.1", "dataType": "Bool"},
            {"name": "Pump1_Overload", "address": "%I0.2", "dataType": "Bool"},
            {"name": "Pump1_Feedback", "address": "%I0.3", "dataType": "Bool"},
            {"name": "Pump1_Run", "address": "%Q0.0", "dataType": "Bool"},
            {"name": "Tank_Level_Low", "address": "%I0.4", "dataType": "Bool"},
        ],
        "modules": [
            {"name": "Pump1", "template": "motor_starter", "parameters": {"blockName": "FB_Motor"},
             "io": {"Start": "Pump1_Start", "Stop": "Pump1_Stop", "Overload": "Pump1_Overload",
                    "RunFeedback": "Pump1_Feedback", "Run": "Pump1_Run"}},
        ],
        "interlocks": [{"target": "Pump1", "condition": "NOT \"Tank_Level_Low\"", "comment": "dry-run protection"}],
    }
}
_NEEDS_PLC = (e.NotFoundError, e.ValidationError, e.AlreadyExistsError, e.ConflictError, e.NoProjectOpenError,
              e.PortalUnavailableError)

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="design-spec.load", summary="Load a design specification (validated at once).", section=SECTION,
        handler=_load, input=DesignInput, output=DesignSummary, route=RouteSpec("POST", "/api/design-spec/load"),
        errors=(e.ValidationError, e.NotSupportedError), example=_DESIGN_EXAMPLE,
    ),
    Operation(
        name="design-spec.load-separate", summary="Load a design given as inputs, outputs, logic and configuration.",
        section=SECTION, handler=_load_separate, input=SeparateDesignInput, output=DesignSummary,
        route=RouteSpec("POST", "/api/design-spec/load-separate"), errors=(e.ValidationError,),
        example={
            "inputs": _DESIGN_EXAMPLE["design"]["io"][:4] + _DESIGN_EXAMPLE["design"]["io"][5:],
            "outputs": _DESIGN_EXAMPLE["design"]["io"][4:5],
            "logic": {"modules": _DESIGN_EXAMPLE["design"]["modules"],
                      "interlocks": _DESIGN_EXAMPLE["design"]["interlocks"]},
        },
    ),
    read("design-spec.model", SECTION, "The loaded design and what it produces.", "/api/design-spec/model",
         lambda ctx, _: _summary(_loaded(ctx)), None, DesignSummary, errors=(e.NotFoundError,)),
    Operation(
        name="design-spec.clear", summary="Forget the loaded design.", section=SECTION, handler=_clear, input=None,
        output=dict[str, bool], route=RouteSpec("DELETE", "/api/design-spec/model"), errors=(e.NotFoundError,),
        destructive=True, preview=_preview_clear,
    ),
    Operation(
        name="design-spec.generate", summary="Generate blocks and tags from the loaded design, without importing.",
        section=SECTION, handler=lambda ctx, d: _output(ctx, _loaded(ctx), d.target_version, None, False),
        input=GenerateDesignInput, output=DesignOutput, route=RouteSpec("POST", "/api/design-spec/generate"),
        mutating=False, errors=(e.NotFoundError, e.ValidationError),
    ),
    Operation(
        name="design-spec.generate-and-import", summary="Generate from the loaded design and import into a PLC.",
        section=SECTION,
        handler=lambda ctx, d: _output(ctx, _loaded(ctx), d.target_version, d.device_name, d.overwrite),
        input=ImportDesignInput, output=DesignOutput, route=RouteSpec("POST", "/api/design-spec/generate-and-import"),
        long_running=True, errors=_NEEDS_PLC, example={"deviceName": "PLC_1"}, destructive=True,
        preview=lambda ctx, d: _preview_output(ctx, _loaded(ctx), d.target_version, d.device_name, d.overwrite),
    ),
    Operation(
        name="blockgeneration.generate-from-design",
        summary="Generate blocks and tags from a structured design; import them when a device is given.",
        section="Block Generation", handler=_from_body, input=DesignFromBodyInput, output=DesignOutput,
        route=RouteSpec("POST", "/api/blockgeneration/generate-from-design"), long_running=True,
        errors=(*_NEEDS_PLC, e.NotSupportedError), example={**_DESIGN_EXAMPLE, "deviceName": "PLC_1"},
        destructive=True, preview=_preview_from_body,
    ),
)
