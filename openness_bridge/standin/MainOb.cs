// The program cycle OB "Main" [OB1] TIA creates with every CPU it adds (DeviceComposition.CreateWithItem, HW.cs):
// LAD, one empty network, the title TIA gives it. The document is the fake's (fakes/main_ob.py, a TIA V21 export of
// that block) written for the TIA version played, so both adapters show a new PLC alike. A project opened from its
// file keeps what it holds (ProjectState.Read makes no OB1).
using System.Globalization;
using System.Text;

namespace StandIn.Control
{
    internal static class MainOb
    {
        /// <summary>Puts Main [OB1] into the system group of <paramref name="software"/>, a PLC just created.</summary>
        internal static void Add(SoftwareState software, int version)
        {
            var obj = ObjectState.Read(Encoding.UTF8.GetBytes(Document(version)));
            software.Blocks.Items.Add(obj.Name);
            software.Objects[obj.Name] = obj;
            software.InterfaceChanged(obj.Name);
        }

        // Interface/v5 from V17 (v4 before); an empty <Namespace /> from V18 (simatic_xml/versions.py, retarget.py).
        private static string Document(int version)
        {
            var ns = version >= 17 ? "v5" : "v4";
            var unitNamespace = version >= 18 ? "      <Namespace />\r\n" : "";
            return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Document>\r\n"
                + "  <Engineering version=\"V" + version.ToString(CultureInfo.InvariantCulture) + "\" />\r\n"
                + "  <SW.Blocks.OB ID=\"0\">\r\n    <AttributeList>\r\n"
                + "      <Interface><Sections xmlns=\"http://www.siemens.com/automation/Openness/SW/Interface/" + ns + "\">\r\n"
                + "  <Section Name=\"Input\">\r\n"
                + "    <Member Name=\"Initial_Call\" Datatype=\"Bool\" Informative=\"true\">\r\n"
                + "      <Comment>\r\n        <MultiLanguageText Lang=\"en-US\">Initial call of this OB</MultiLanguageText>\r\n      </Comment>\r\n"
                + "    </Member>\r\n"
                + "    <Member Name=\"Remanence\" Datatype=\"Bool\" Informative=\"true\">\r\n"
                + "      <Comment>\r\n        <MultiLanguageText Lang=\"en-US\">=True, if remanent data are available</MultiLanguageText>\r\n      </Comment>\r\n"
                + "    </Member>\r\n"
                + "  </Section>\r\n  <Section Name=\"Temp\" />\r\n  <Section Name=\"Constant\" />\r\n</Sections></Interface>\r\n"
                + "      <MemoryLayout>Optimized</MemoryLayout>\r\n"
                + "      <Name>Main</Name>\r\n" + unitNamespace
                + "      <Number>1</Number>\r\n"
                + "      <ProgrammingLanguage>LAD</ProgrammingLanguage>\r\n"
                + "      <SecondaryType>ProgramCycle</SecondaryType>\r\n"
                + "      <SetENOAutomatically>false</SetENOAutomatically>\r\n"
                + "    </AttributeList>\r\n    <ObjectList>\r\n"
                + Text(1, "Comment", "")
                + "      <SW.Blocks.CompileUnit ID=\"3\" CompositionName=\"CompileUnits\">\r\n"
                + "        <AttributeList>\r\n          <NetworkSource />\r\n          <ProgrammingLanguage>LAD</ProgrammingLanguage>\r\n        </AttributeList>\r\n"
                + "        <ObjectList>\r\n" + Text(4, "Comment", "") + Text(6, "Title", "") + "        </ObjectList>\r\n"
                + "      </SW.Blocks.CompileUnit>\r\n"
                + Text(8, "Title", "\"Main Program Sweep (Cycle)\"")
                + "    </ObjectList>\r\n  </SW.Blocks.OB>\r\n</Document>";
        }

        private static string Text(int id, string composition, string text)
        {
            var body = text.Length == 0 ? "<Text />" : "<Text>" + text + "</Text>";
            return "<MultilingualText ID=\"" + id + "\" CompositionName=\"" + composition + "\"><ObjectList>"
                + "<MultilingualTextItem ID=\"" + (id + 1) + "\" CompositionName=\"Items\"><AttributeList>"
                + "<Culture>en-US</Culture>" + body + "</AttributeList></MultilingualTextItem></ObjectList></MultilingualText>\r\n";
        }
    }
}
