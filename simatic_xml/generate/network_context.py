"""What a spec's network needs beside its text: the :class:`~simatic_xml.scl_context.SclContext` of an SCL
network, and the event inputs every OB type has (the builder declares them, the checks accept them).
"""

from __future__ import annotations

from collections.abc import Collection

from ..scl_context import SclContext
from .datatypes import is_system_instance
from .spec_types import BlockSpec, NetworkSpec

__all__ = ("OB_INPUTS", "scl_context")

OB_INPUTS: dict[str, list[tuple[str, str, str]]] = {
    "ProgramCycle": [("Initial_Call", "Bool", "Initial call of this OB"),
                     ("Remanence", "Bool", "=True, if remanent data are available")],
    "Startup": [("LostRetentive", "Bool", "True if retentive data are lost"),
                ("LostRTC", "Bool", "True if date and time are lost")],
    "CyclicInterrupt": [("Initial_Call", "Bool", "Initial call of this OB"),
                        ("Event_Count", "Int", "Events discarded")],
    # S7-1200 System Manual V4.2 (A5E02486680-AK), 5.1.3.6, Table 5-6 "Start information for the time error OB".
    "TimeErrorInterrupt": [("fault_id", "Byte", "16#01: maximum cycle time exceeded"),
                           ("csg_OBnr", "OB_ANY", "Number of the OB running when the error occurred"),
                           ("csg_prio", "UInt", "Priority of the OB causing the error")],
    # As the corpus export Tayoriko_Diagnostic_error_interrupt.xml (OB 82) writes them.
    "DiagnosticErrorInterrupt": [("IO_State", "Word", "IO state of the HW object"),
                                 ("LADDR", "HW_ANY", "Hardware identifier"),
                                 ("Channel", "UInt", "Channel number"),
                                 ("MultiError", "Bool", "=true if more than one error is present")],
    # S7-1200 System Manual V4.2.3 (A5E02486681-AL), tables 5-8 "start information for pull or plug of modules
    # OB" and 5-9 "start information for the rack or station failure OB" (no corpus export of either).
    "PullOrPlugOfModules": [("LADDR", "HW_IO", "Hardware identifier"),
                            ("Event_Class", "Byte", "16#38: module inserted, 16#29: module removed"),
                            ("Fault_ID", "Byte", "Fault identifier")],
    "RackOrStationFailure": [("LADDR", "HW_IO", "Hardware identifier"),
                             ("Event_Class", "Byte", "16#38: outgoing event, 16#39: incoming event"),
                             ("Fault_ID", "Byte", "Fault identifier")],
}
"""OB type -> its event inputs as (name, data type, comment), as TIA declares them in the OB's Input section."""


def scl_context(block: BlockSpec, net: NetworkSpec, global_constants: Collection[str] = ()) -> SclContext:
    """What the SCL text does not say: constants, multi-instance calls, and the ``calls`` hints.

    The call form is the callee's, in every StructuredText version: a user block's call is a ``CallInfo``
    (V20, Fwaldt ``Main.xml``; V16 and V18 exports hold the same, ../shared/notes/simaticml.md §7), the call of a
    system FB's instance (``TON_TIME``, ``R_TRIG``) the nameless ``Instruction`` after the instance (V16,
    mking2203 ``SCL_FB_EMPTY_ADAPTER.xml``; V20, Fwaldt ``FB_DigitalInput.xml``)."""
    ctx = SclContext()
    ctx.global_constants.update(global_constants)
    for m in block.sections.get("Constant", []):
        ctx.local_constants.add(m.name)
    for members in block.sections.values():
        ctx.local_names.update(m.name.casefold() for m in members)
    if block.block_type == "OB":  # the OB's event inputs, which the builder adds from its type
        ctx.local_names.update(n.casefold() for n, _, _ in OB_INPUTS.get(block.secondary_type or "ProgramCycle", []))
    for section in ("Static", "InOut"):
        for m in block.sections.get(section, []):
            if is_system_instance(m.datatype) or m.datatype.startswith('"'):
                ctx.calls[m.name] = None
    for name, (kind, fb) in net.calls.items():
        ctx.calls[name] = (kind, fb)
    return ctx
