"""SimaticML of classic HMI objects (simatic_xml.hmi): round trips, typed views, refusals.

The documents are our own, modelled on the public exports named in :mod:`simatic_xml.hmi` (a V15 tag table
template, V20/V21 screen fixtures, connection imports): every part TIA writes that those show, including a
DocumentInfo, multilingual texts holding markup, empty elements and an intra-document link.
"""

from __future__ import annotations

import pytest

from simatic_xml import SchemaError, SimaticMLError, UnsafeXmlError, XmlSyntaxError
from simatic_xml import hmi as sx

INFO = """  <DocumentInfo>
    <Created>2026-01-05T10:00:00.0000000Z</Created>
    <ExportSetting>WithDefaults</ExportSetting>
    <InstalledProducts>
      <Product>
        <DisplayName>Totally Integrated Automation Portal</DisplayName>
        <DisplayVersion>V17</DisplayVersion>
      </Product>
      <Product>
        <DisplayName>WinCC Basic/Comfort/Advanced</DisplayName>
        <DisplayVersion>V17</DisplayVersion>
      </Product>
    </InstalledProducts>
  </DocumentInfo>
"""

TAG_TABLE = f"""<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V17" />
{INFO}  <Hmi.Tag.TagTable ID="0">
    <AttributeList>
      <Name>Motor tags</Name>
    </AttributeList>
    <ObjectList>
      <Hmi.Tag.Tag ID="1" CompositionName="Tags">
        <AttributeList>
          <AcquisitionTriggerMode>Visible</AcquisitionTriggerMode>
          <AddressAccessMode>Symbolic</AddressAccessMode>
          <Coding>Binary</Coding>
          <ConfirmationType>None</ConfirmationType>
          <Length>2</Length>
          <LinearScaling>false</LinearScaling>
          <LogicalAddress />
          <Name>Motor_Speed</Name>
          <StartValue />
          <UpdateMode>ProjectWide</UpdateMode>
        </AttributeList>
        <LinkList>
          <AcquisitionCycle TargetID="@OpenLink">
            <Name>500 ms</Name>
          </AcquisitionCycle>
          <Connection TargetID="@OpenLink">
            <Name>HMI_Connection_1</Name>
          </Connection>
          <ControllerTag TargetID="@OpenLink">
            <Name>Motor_DB.Speed</Name>
          </ControllerTag>
          <DataType TargetID="@OpenLink">
            <Name>Int</Name>
          </DataType>
          <HmiDataType TargetID="@OpenLink">
            <Name>Int</Name>
          </HmiDataType>
        </LinkList>
        <ObjectList>
          <MultilingualText ID="2" CompositionName="Comment">
            <ObjectList>
              <MultilingualTextItem ID="3" CompositionName="Items">
                <AttributeList>
                  <Culture>en-US</Culture>
                  <Text>Speed in rpm</Text>
                </AttributeList>
              </MultilingualTextItem>
            </ObjectList>
          </MultilingualText>
        </ObjectList>
      </Hmi.Tag.Tag>
      <Hmi.Tag.Tag ID="4" CompositionName="Tags">
        <AttributeList>
          <Name>Page</Name>
        </AttributeList>
        <LinkList>
          <DataType TargetID="@OpenLink">
            <Name>Int</Name>
          </DataType>
        </LinkList>
      </Hmi.Tag.Tag>
    </ObjectList>
  </Hmi.Tag.TagTable>
</Document>
"""

SCREEN = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V19" />
  <Hmi.Screen.Screen ID="0">
    <AttributeList>
      <ActiveLayer>0</ActiveLayer>
      <BackColor>182, 182, 182</BackColor>
      <Height>480</Height>
      <Name>Motor</Name>
      <Number>3</Number>
      <Visible>true</Visible>
      <Width>800</Width>
    </AttributeList>
    <ObjectList>
      <Hmi.Screen.ScreenLayer ID="1" CompositionName="Layers">
        <AttributeList>
          <Index>0</Index>
          <Name />
          <VisibleES>true</VisibleES>
        </AttributeList>
        <ObjectList>
          <Hmi.Screen.IOField ID="2" CompositionName="ScreenItems">
            <AttributeList>
              <DataFormat>Decimal</DataFormat>
              <FieldLength>4</FieldLength>
              <Height>34</Height>
              <Left>10</Left>
              <ObjectName>Speed_IO</ObjectName>
              <Top>40</Top>
              <Width>96</Width>
            </AttributeList>
            <ObjectList>
              <Hmi.Screen.Property ID="3" CompositionName="Properties">
                <AttributeList>
                  <Name>ProcessValue</Name>
                </AttributeList>
                <ObjectList>
                  <Hmi.Dynamic.TagConnectionDynamic ID="4" CompositionName="Dynamic">
                    <AttributeList>
                      <Indirect>false</Indirect>
                    </AttributeList>
                    <LinkList>
                      <Tag TargetID="@OpenLink">
                        <Name>Motor_Speed</Name>
                      </Tag>
                    </LinkList>
                  </Hmi.Dynamic.TagConnectionDynamic>
                </ObjectList>
              </Hmi.Screen.Property>
            </ObjectList>
          </Hmi.Screen.IOField>
          <Hmi.Screen.TextField ID="5" CompositionName="ScreenItems">
            <AttributeList>
              <Height>20</Height>
              <Left>10</Left>
              <ObjectName>Caption</ObjectName>
              <Top>10</Top>
              <Width>100</Width>
            </AttributeList>
            <LinkList>
              <Layer TargetID="#1" />
            </LinkList>
            <ObjectList>
              <MultilingualText ID="6" CompositionName="Text">
                <ObjectList>
                  <MultilingualTextItem ID="7" CompositionName="Items">
                    <AttributeList>
                      <Culture>en-US</Culture>
                      <Text><body><p>Motor <b>speed</b></p></body></Text>
                    </AttributeList>
                  </MultilingualTextItem>
                </ObjectList>
              </MultilingualText>
            </ObjectList>
          </Hmi.Screen.TextField>
        </ObjectList>
      </Hmi.Screen.ScreenLayer>
    </ObjectList>
  </Hmi.Screen.Screen>
</Document>
"""

CONNECTION = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V21" />
  <Hmi.Communication.Connection ID="0">
    <AttributeList>
      <Driver>SMART_S7_1200_OMS</Driver>
      <InterfaceType>ETHERNET</InterfaceType>
      <Name>HMI_Connection_1</Name>
      <Online>true</Online>
      <PartnerName>PLC_1</PartnerName>
      <PhysicId>S7_ETHERNET_IP4</PhysicId>
      <ProtocolId>S7_ETHERNET_IP4</ProtocolId>
    </AttributeList>
    <ObjectList>
      <Hmi.Communication.NameValuePair ID="1" CompositionName="PhysicValues">
        <AttributeList>
          <Name>LocAddress</Name>
          <Value>192.168.0.2</Value>
        </AttributeList>
      </Hmi.Communication.NameValuePair>
      <Hmi.Communication.NameValuePair ID="2" CompositionName="ProtocolValues">
        <AttributeList>
          <Name>RemStAddress</Name>
          <Value>192.168.0.1</Value>
        </AttributeList>
      </Hmi.Communication.NameValuePair>
    </ObjectList>
  </Hmi.Communication.Connection>
</Document>
"""


@pytest.mark.parametrize("text", [TAG_TABLE, SCREEN, CONNECTION], ids=["tag table", "screen", "connection"])
def test_read_then_write_keeps_the_document(text: str) -> None:
    doc = sx.read_hmi(text.encode())
    written = sx.to_bytes(doc)
    assert sx.canonical(written) == sx.canonical(text.encode())
    assert sx.to_bytes(sx.read_hmi(written)) == written  # and our own output is a fixed point, byte for byte


def test_typed_views() -> None:
    table = sx.read_hmi(TAG_TABLE, expect=sx.TAG_TABLE)
    speed, page = table.root.objects(sx.TAG)
    assert (speed.name, speed.link("DataType"), speed.link("Connection"), speed.link("ControllerTag"),
            speed.link("AcquisitionCycle")) == ("Motor_Speed", "Int", "HMI_Connection_1", "Motor_DB.Speed", "500 ms")
    assert (page.link("Connection"), page.attr("LogicalAddress")) == (None, None)
    screen = sx.read_hmi(SCREEN, expect=sx.SCREEN)
    assert (screen.kind, screen.root.attr("Number"), screen.root.attr("Width")) == ("screen", "3", "800")
    items = sx.screen_items(screen.root)
    assert [(i.element, i.name, sx.item_tag(i)) for i in items] == [
        ("Hmi.Screen.IOField", "Speed_IO", "Motor_Speed"), ("Hmi.Screen.TextField", "Caption", None)]
    assert items[1].links == [sx.HmiLink("Layer", "#1", None)]  # an intra-document link is kept, not read as unbound
    connection = sx.read_hmi(CONNECTION, expect=sx.CONNECTION)
    assert sx.connection_info(connection.root) == ("PLC_1", "SIMATIC S7 1200")


def test_new_objects_read_back() -> None:
    doc = sx.new_screen("Main", 2, 1280, 800, "V19", [sx.new_item("IOField", "F", 1, 2, 3, 4, tag="T")])
    back = sx.read_hmi(sx.to_bytes(doc))
    assert [sx.item_tag(i) for i in sx.screen_items(back.root)] == ["T"]
    assert [c.id for c in back.root.objects()] == ["1"]
    connection = sx.new_connection("C", "PLC_9", "SIMATIC S7 1500", "V19")
    assert sx.connection_info(sx.read_hmi(sx.to_bytes(connection)).root) == ("PLC_9", "SIMATIC S7 1500")


@pytest.mark.parametrize(("text", "error"), [
    ('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>', UnsafeXmlError),
    ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]><Document>&l2;</Document>',
     UnsafeXmlError),
    ("<Document><Engineering version='V19'/><Hmi.Screen.Screen>", XmlSyntaxError),
    ("<Root/>", SchemaError),
    ("<Document><Hmi.Screen.Screen ID='0'/></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><SW.Blocks.FB ID='0'><AttributeList><Name>F</Name></AttributeList>"
     "</SW.Blocks.FB></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><Hmi.Screen.ScreenTemplate ID='0'/></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><Hmi.Screen.Screen ID='0'><AttributeList><Number>1</Number>"
     "</AttributeList></Hmi.Screen.Screen></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><Hmi.Tag.TagTable ID='0'><AttributeList><Name>T</Name></AttributeList>"
     "<ObjectList><Hmi.Tag.Tag ID='1'><AttributeList/></Hmi.Tag.Tag></ObjectList></Hmi.Tag.TagTable></Document>",
     SchemaError),
])
def test_refused_documents(text: str, error: type[SimaticMLError]) -> None:
    with pytest.raises(error):
        sx.read_hmi(text)


def test_a_document_of_another_kind_is_refused_when_one_is_expected() -> None:
    with pytest.raises(SchemaError, match="is a connection, not a screen"):
        sx.read_hmi(CONNECTION, expect=sx.SCREEN)
