"""A DB member of a catalog system structure (TCON_IP_v4) is a struct in the simulated CPU: its start values apply
(before, it was an opaque system-FB slot and read 0)."""

from __future__ import annotations

from fakes.program import PlcSoftware, read_object
from simatic_xml.generate import generate_xml, parse_spec
from simatic_xml.generate.from_scl import source_to_specs
from simatic_xml.scl import parse as parse_scl

from tools.plc_software import Sim

SOURCE = """DATA_BLOCK "Comm"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
NON_RETAIN
   VAR
      conn : Int;
   END_VAR
BEGIN
END_DATA_BLOCK
"""

# As TIA V17 exports such a member with start values (Gildej31 Connect_MODBUS_TCP.xml in the shared corpus).
CONN = ('<Member Name="conn" Datatype="TCON_IP_v4" Version="1.0"><Sections><Section Name="None">'
        '<Member Name="InterfaceId" Datatype="HW_ANY"><StartValue>64</StartValue></Member>'
        '<Member Name="ID" Datatype="CONN_OUC"><StartValue>16#1</StartValue></Member>'
        '<Member Name="ConnectionType" Datatype="Byte"><StartValue>11</StartValue></Member>'
        '<Member Name="ActiveEstablished" Datatype="Bool" />'
        '<Member Name="RemoteAddress" Datatype="IP_V4" Version="1.0"><Sections><Section Name="None">'
        '<Member Name="ADDR" Datatype="Array[1..4] of Byte"><Subelement Path="1"><StartValue>192</StartValue>'
        '</Subelement></Member></Section></Sections></Member>'
        '<Member Name="RemotePort" Datatype="UInt"><StartValue>502</StartValue></Member>'
        '<Member Name="LocalPort" Datatype="UInt" /></Section></Sections></Member>')


def _software() -> PlcSoftware:
    spec = source_to_specs(parse_scl(SOURCE), SOURCE)[0]
    xml = generate_xml(parse_spec(spec), "V17").decode("utf-8")
    assert '<Member Name="conn" Datatype="Int" />' in xml
    software = PlcSoftware()
    software.add(read_object(xml.replace('<Member Name="conn" Datatype="Int" />', CONN).encode("utf-8"),
                             project_version="V17"), overwrite=False)
    return software


def test_tcon_ip_v4_member_start_values_read_in_the_simulated_cpu():
    sim = Sim.from_software(_software())
    assert sim['"Comm".conn.RemotePort'] == 502
    assert sim['"Comm".conn.ConnectionType'] == 11
    assert sim['"Comm".conn.RemoteAddress.ADDR[1]'] == 192
    assert sim['"Comm".conn.LocalPort'] == 0
    sim['"Comm".conn.LocalPort'] = 2000
    assert sim['"Comm".conn.LocalPort'] == 2000
