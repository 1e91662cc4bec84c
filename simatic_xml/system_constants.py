"""System constants: the hardware identifiers TIA names for each device, module and interface, which no export holds.

STEP 7 assigns every module and submodule a hardware identifier and enters it, under a name it generates, in
the PLC's default tag table, where the user cannot change it (Siemens, "S7-1500 Automation System" system
manual A5E03461182, 7.1 "Address assignment", "Hardware identifier"). The names join the levels of the
hardware with ``~``: ``"Local~Common"``, ``"Local~PROFINET_interface_1"``, ``"Local~CB_1241_(RS485)"``,
``"IO_device_1~DI_8x24VDC_ST_1"``. Programs hand them to instructions (``LED(LADDR := "Local~Common")``, the
hardware ID of a SIWAREX or a serial module).

They belong to the hardware configuration, not to the program: none of the seven default tag tables in
``../shared/corpus/simaticml/tagtable`` holds one, though the corpus' sources use them
(krisztianloki/ess_plcfactory ``PLCFactory_external_source_TIAv15.1.scl``: ``"Local~Common"``), and a
repository of sources and exports (micheldavalos/dosificacion_pigmento@6199d9f ``Main.scl``:
``"Local~SIWAREX_WP321_1"``) cannot carry them. So a global name with ``~`` that the program does not define
is read as a system constant: a constant (never written) of a hardware type (``HW_SUBMODULE``, ``HW_IO``,
``HW_INTERFACE``, ``HW_DEVICE``... the export does not say which), which the checker leaves untyped so that no
parameter check fails on a type it cannot know. A user tag or constant of that name is what it is: the
program's definition wins.

In a network TIA writes one as a global constant, ``<Access Scope="GlobalConstant"><Constant Name=…/>``: a V18
LAD export hands ``"Local~HSC_1"`` so to CTRL_HSC (MMohammadizadehZIP/SK-054SW_R02@b9ba6ec
``PLC_1/Program blocks/flow_measurement_ladder.xml:208``), an SCL network of a V21 export quoted in a user's
notes ("TIA Portal V21 语法规则", 1.1.5) writes ``"ABB-Gantry~PPO_Type_6_1"`` so, and Siemens' Openness manual
lists the ``GlobalConstant`` scope with ``<Constant Name=…/>`` for named constants; ``scl build`` writes it so.
"""

from __future__ import annotations

__all__ = ("is_system_constant",)


def is_system_constant(name: str) -> bool:
    """Whether a global name the program does not define stands for a system constant of the hardware."""
    # TIA writes at least two levels around the "~" ("Local~Common"); a name starting or ending with one is no
    # name TIA generates.
    head, sep, tail = name.partition("~")
    return bool(sep and head.strip() and tail.strip())
