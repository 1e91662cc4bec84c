// The stand-in's tag state (StandIn.Control, not Siemens API): the tag folders of a PLC's software, the
// SimaticML reading and writing of a tag table (TagTableXml), and the project-file records (TagRecords).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using Siemens.Engineering.SW.Tags;
using StandIn.Control;

namespace StandIn.Control
{
    internal sealed partial class SoftwareState
    {
        /// <summary>The "PLC tags" system group; null until first used (then it holds the default tag table).</summary>
        internal TagFolder TagRoot;
    }

    /// <summary>Something with a one-language comment (tags, user constants).</summary>
    internal interface ICommented { string Comment { get; set; } }

    internal sealed class TagState : ICommented
    {
        internal string Name, DataTypeName, LogicalAddress;
        internal bool Accessible = true, Visible = true, Writable = true;
        public string Comment { get; set; }
        internal TagState() { Comment = ""; }
    }

    internal sealed class ConstantState : ICommented
    {
        internal string Name, DataTypeName, Value;
        public string Comment { get; set; }
        internal ConstantState() { Comment = ""; }
    }

    internal sealed class TagTableState
    {
        internal string Name;
        internal bool IsDefault;
        internal readonly List<TagState> Tags = new List<TagState>();
        internal readonly List<ConstantState> Constants = new List<ConstantState>();
    }

    /// <summary>A tag table group ("PLC tags" itself or a user group) and TIA's rules about names in it.</summary>
    internal sealed class TagFolder
    {
        internal string Name;
        internal readonly List<TagFolder> Groups = new List<TagFolder>();
        internal readonly List<TagTableState> Tables = new List<TagTableState>();
        /// <summary>On the PLC's "PLC tags" only: the "PLC tags" of its software units (Units.cs). They are no user
        /// groups, but their tables share the PLC's checks (names, liveness) through <see cref="Folders"/>.</summary>
        internal readonly List<TagFolder> UnitRoots = new List<TagFolder>();

        internal const string DefaultTable = "Default tag table";

        /// <summary>The tag tree of a PLC; TIA gives every PLC its "Default tag table".</summary>
        internal static TagFolder Of(SoftwareState software)
        {
            if (software.TagRoot == null)
            {
                software.TagRoot = new TagFolder { Name = "PLC tags" };
                software.TagRoot.Tables.Add(new TagTableState { Name = DefaultTable, IsDefault = true });
            }
            return software.TagRoot;
        }

        internal IEnumerable<TagFolder> Folders() { return new[] { this }.Concat(Groups.Concat(UnitRoots).SelectMany(g => g.Folders())); }
        internal IEnumerable<TagTableState> AllTables() { return Folders().SelectMany(f => f.Tables); }

        internal static Siemens.Engineering.EngineeringTargetInvocationException Refused(string text, string detail)
        {
            return new Siemens.Engineering.EngineeringTargetInvocationException(text, detail, null);
        }

        /// <summary>A setter or Delete of a tag or user constant (<paramref name="state"/>, checked live by the caller):
        /// the fault point <paramref name="member"/>, the change, the project modified.</summary>
        internal static void Change<T>(Siemens.Engineering.Project project, T state, string member, Action<T> change)
        {
            project.ChangedAt(member, () => change(state));
        }

        /// <summary>Tags, user constants and system constants share one namespace per PLC (case-insensitive).</summary>
        internal static void CheckFreeName(DeviceState device, string name, string text)
        {
            if (string.IsNullOrWhiteSpace(name)) throw Refused(text, "The name is empty.");
            var root = Of(device.Software);
            var taken = root.AllTables().SelectMany(t => t.Tags.Select(x => x.Name).Concat(t.Constants.Select(c => c.Name)))
                .Concat(SystemConstants(device).Select(c => c.Name));
            if (taken.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                throw Refused(text, "The name '" + name + "' is already used in this PLC.");
        }

        /// <summary>The stand-in's system constants: the CPU's fixed hardware objects with TIA's names and identifiers
        /// (a sample; real TIA lists one per hardware object and OB).</summary>
        internal static List<ConstantState> SystemConstants(DeviceState device)
        {
            return new List<ConstantState>
            {
                new ConstantState { Name = "Local~Device", DataTypeName = "Hw_Device", Value = "32" },
                new ConstantState { Name = "Local~Configuration", DataTypeName = "Hw_SubModule", Value = "33" },
                new ConstantState { Name = "Local~Common", DataTypeName = "Hw_SubModule", Value = "50" },
                new ConstantState { Name = "Local~Exec", DataTypeName = "Hw_SubModule", Value = "52" },
            };
        }
    }

    /// <summary>The SW.Tags.PlcTagTable document of a table, in the layout of TIA's exports (attributes in
    /// alphabetical order; from V19 on the HMI flags are written only when false).</summary>
    internal static class TagTableXml
    {
        internal static string Write(TagTableState table, int version)
        {
            var id = 0;
            var xml = new StringBuilder();
            xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Document>\r\n");
            xml.Append("  <Engineering version=\"V" + version + "\" />\r\n");
            xml.Append("  <SW.Tags.PlcTagTable ID=\"" + (id++).ToString("X") + "\">\r\n");
            xml.Append("    <AttributeList>\r\n      <Name>" + Esc(table.Name) + "</Name>\r\n    </AttributeList>\r\n");
            xml.Append("    <ObjectList>\r\n");
            foreach (var tag in table.Tags)
            {
                xml.Append("      <SW.Tags.PlcTag ID=\"" + (id++).ToString("X") + "\" CompositionName=\"Tags\">\r\n        <AttributeList>\r\n");
                Attr(xml, "DataTypeName", tag.DataTypeName);
                foreach (var flag in new[] { Tuple.Create("ExternalAccessible", tag.Accessible), Tuple.Create("ExternalVisible", tag.Visible), Tuple.Create("ExternalWritable", tag.Writable) })
                    if (version < 19 || !flag.Item2) Attr(xml, flag.Item1, flag.Item2 ? "true" : "false");
                Attr(xml, "LogicalAddress", tag.LogicalAddress);
                Attr(xml, "Name", tag.Name);
                xml.Append("        </AttributeList>\r\n");
                Comment(xml, tag.Comment, ref id);
                xml.Append("      </SW.Tags.PlcTag>\r\n");
            }
            foreach (var constant in table.Constants)
            {
                xml.Append("      <SW.Tags.PlcUserConstant ID=\"" + (id++).ToString("X") + "\" CompositionName=\"UserConstants\">\r\n        <AttributeList>\r\n");
                Attr(xml, "DataTypeName", constant.DataTypeName);
                Attr(xml, "Name", constant.Name);
                Attr(xml, "Value", constant.Value);
                xml.Append("        </AttributeList>\r\n");
                Comment(xml, constant.Comment, ref id);
                xml.Append("      </SW.Tags.PlcUserConstant>\r\n");
            }
            xml.Append("    </ObjectList>\r\n  </SW.Tags.PlcTagTable>\r\n</Document>");
            return xml.ToString();
        }

        /// <summary>The table of a SW.Tags.PlcTagTable document (null when the bytes are not one): tags with their
        /// HMI flags (absent means true, as V19+ exports omit them) and en-US comments, and user constants.</summary>
        internal static TagTableState Read(byte[] data)
        {
            try
            {
                var doc = new System.Xml.XmlDocument { XmlResolver = null };
                using (var stream = new MemoryStream(data)) doc.Load(stream);
                var root = doc.DocumentElement;
                var element = root == null || root.Name != "Document" ? null : root["SW.Tags.PlcTagTable"];
                var name = Field(element, "Name");
                if (string.IsNullOrEmpty(name)) return null;
                var table = new TagTableState { Name = name };
                var objects = element["ObjectList"];
                if (objects == null) return table;
                foreach (var item in objects.ChildNodes.OfType<System.Xml.XmlElement>())
                {
                    if (item.Name == "SW.Tags.PlcTag")
                        table.Tags.Add(new TagState
                        {
                            Name = Field(item, "Name"), DataTypeName = Field(item, "DataTypeName") ?? "", LogicalAddress = Field(item, "LogicalAddress") ?? "",
                            Accessible = Field(item, "ExternalAccessible") != "false", Visible = Field(item, "ExternalVisible") != "false",
                            Writable = Field(item, "ExternalWritable") != "false", Comment = CommentOf(item),
                        });
                    else if (item.Name == "SW.Tags.PlcUserConstant")
                        table.Constants.Add(new ConstantState
                        {
                            Name = Field(item, "Name"), DataTypeName = Field(item, "DataTypeName") ?? "", Value = Field(item, "Value") ?? "", Comment = CommentOf(item),
                        });
                }
                return table;
            }
            catch (System.Xml.XmlException) { return null; }
        }

        private static string Field(System.Xml.XmlElement element, string name)
        {
            var attrs = element == null ? null : element["AttributeList"];
            var field = attrs == null ? null : attrs[name];
            return field == null ? null : field.InnerText;
        }

        private static string CommentOf(System.Xml.XmlElement item)
        {
            var texts = item.SelectNodes("ObjectList/MultilingualText[@CompositionName='Comment']/ObjectList/MultilingualTextItem/AttributeList")
                .OfType<System.Xml.XmlElement>().ToList();
            var english = texts.FirstOrDefault(a => a["Culture"] != null && a["Culture"].InnerText == "en-US") ?? texts.FirstOrDefault();
            return english == null || english["Text"] == null ? "" : english["Text"].InnerText;
        }

        private static string Esc(string text) { return SecurityElement.Escape(text ?? ""); }

        private static void Attr(StringBuilder xml, string name, string value)
        {
            xml.Append("          <" + name + ">" + Esc(value) + "</" + name + ">\r\n");
        }

        private static void Comment(StringBuilder xml, string text, ref int id)
        {
            xml.Append("        <ObjectList>\r\n          <MultilingualText ID=\"" + (id++).ToString("X") + "\" CompositionName=\"Comment\">\r\n");
            xml.Append("            <ObjectList>\r\n              <MultilingualTextItem ID=\"" + (id++).ToString("X") + "\" CompositionName=\"Items\">\r\n");
            xml.Append("                <AttributeList>\r\n                  <Culture>en-US</Culture>\r\n");
            xml.Append(string.IsNullOrEmpty(text) ? "                  <Text />\r\n" : "                  <Text>" + Esc(text) + "</Text>\r\n");
            xml.Append("                </AttributeList>\r\n              </MultilingualTextItem>\r\n            </ObjectList>\r\n");
            xml.Append("          </MultilingualText>\r\n        </ObjectList>\r\n");
        }
    }

    /// <summary>Keeps every PLC's tag tree in the project file: "tags.group" (folder path), "tags.table" (folder,
    /// name, default), "tags.tag" and "tags.const" (table and fields); free text as <see cref="Record.Text"/>.</summary>
    internal sealed class TagRecords : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Software != null && d.Software.TagRoot != null))
                foreach (var record in Folder(device.Name, device.Software.TagRoot, ""))
                    yield return record;
        }

        private static IEnumerable<string[]> Folder(string device, TagFolder folder, string path)
        {
            if (path.Length > 0) yield return new[] { "tags.group", device, Record.Text(path) };
            foreach (var table in folder.Tables)
            {
                yield return new[] { "tags.table", device, Record.Text(path), Record.Text(table.Name), table.IsDefault ? "1" : "0" };
                foreach (var t in table.Tags)
                    yield return new[]
                    {
                        "tags.tag", device, Record.Text(table.Name), Record.Text(t.Name), Record.Text(t.DataTypeName), Record.Text(t.LogicalAddress),
                        Record.Text(t.Comment), (t.Accessible ? "1" : "0") + (t.Visible ? "1" : "0") + (t.Writable ? "1" : "0"),
                    };
                foreach (var c in table.Constants)
                    yield return new[] { "tags.const", device, Record.Text(table.Name), Record.Text(c.Name), Record.Text(c.DataTypeName), Record.Text(c.Value), Record.Text(c.Comment) };
            }
            foreach (var g in folder.Groups)
                foreach (var record in Folder(device, g, path.Length == 0 ? g.Name : path + "/" + g.Name)) yield return record;
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length < 3 || !fields[0].StartsWith("tags.", StringComparison.Ordinal)) return false;
            var software = project.Devices.First(d => d.Name == fields[1]).Software;
            if (software.TagRoot == null) software.TagRoot = new TagFolder { Name = "PLC tags" };  // the records hold the default table
            var root = software.TagRoot;
            switch (fields[0])
            {
                case "tags.group": Path(root, Record.Untext(fields[2])); return true;
                case "tags.table":
                    Path(root, Record.Untext(fields[2])).Tables.Add(new TagTableState { Name = Record.Untext(fields[3]), IsDefault = fields[4] == "1" });
                    return true;
                case "tags.tag":
                    Table(root, fields[2]).Tags.Add(new TagState
                    {
                        Name = Record.Untext(fields[3]), DataTypeName = Record.Untext(fields[4]), LogicalAddress = Record.Untext(fields[5]),
                        Comment = Record.Untext(fields[6]), Accessible = fields[7][0] == '1', Visible = fields[7][1] == '1', Writable = fields[7][2] == '1',
                    });
                    return true;
                case "tags.const":
                    Table(root, fields[2]).Constants.Add(new ConstantState
                    {
                        Name = Record.Untext(fields[3]), DataTypeName = Record.Untext(fields[4]), Value = Record.Untext(fields[5]), Comment = Record.Untext(fields[6]),
                    });
                    return true;
                default: return false;
            }
        }

        private static TagTableState Table(TagFolder root, string field)
        {
            var name = Record.Untext(field);
            return root.AllTables().First(t => t.Name == name);
        }

        private static TagFolder Path(TagFolder root, string path)
        {
            return GroupPath.Below(root, path, g => g.Groups, g => g.Name, (parent, part) => new TagFolder { Name = part });
        }
    }
}
