// Stand-in for Siemens.Engineering.SW.WatchAndForceTables: the "Watch and force tables" folder of a PLC, its
// user groups, watch tables and the force table (see Engineering.cs for the ground rules and
// openness_bridge/README.md for the source of every public member).
// Shapes follow the 15.1 and 17.0 IronPython stubs of Siemens.Engineering: watch tables can be created and deleted,
// the force table cannot (PlcForceTableComposition has no Create, PlcForceTable no Delete): it comes in by Import.
// Entries are read-only members; their content changes through a SimaticML export and re-import.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using Siemens.Engineering.SW.WatchAndForceTables;
using StandIn.Control;

namespace Siemens.Engineering.SW
{
    public sealed partial class PlcSoftware
    {
        public PlcWatchAndForceTableSystemGroup WatchAndForceTableGroup
        {
            get { OwnerProject.Live(); return new PlcWatchAndForceTableSystemGroup(OwnerProject, Device.Software.Watch); }
        }
    }
}

namespace Siemens.Engineering.SW.WatchAndForceTables
{
    public abstract class PlcWatchAndForceTableGroup : ProjectObject
    {
        internal readonly WatchGroupState State;
        internal PlcWatchAndForceTableGroup(Project project, WatchGroupState state)
            : base(project, () => state.Attached, "The group object has been disposed.", "The group was deleted.", () => state.Name) { State = state; }

        public PlcWatchTableComposition WatchTables { get { Live(); return new PlcWatchTableComposition(OwnerProject, State); } }
        public PlcForceTableComposition ForceTables { get { Live(); return new PlcForceTableComposition(OwnerProject, State); } }
        public PlcWatchAndForceTableUserGroupComposition Groups { get { Live(); return new PlcWatchAndForceTableUserGroupComposition(OwnerProject, State); } }
    }

    public sealed class PlcWatchAndForceTableSystemGroup : PlcWatchAndForceTableGroup
    {
        internal PlcWatchAndForceTableSystemGroup(Project p, WatchGroupState s) : base(p, s) { }
    }

    public sealed class PlcWatchAndForceTableUserGroup : PlcWatchAndForceTableGroup
    {
        internal PlcWatchAndForceTableUserGroup(Project p, WatchGroupState s) : base(p, s) { }

        // Deletes the group, its subgroups and every table in them.
        public void Delete()
        {
            Live();
            OwnerProject.ChangedAt("PlcWatchAndForceTableUserGroup.Delete", () => { State.Parent.Groups.Remove(State); State.Parent = null; });
        }
    }

    public sealed class PlcWatchAndForceTableUserGroupComposition : NamedComposition<PlcWatchAndForceTableUserGroup>
    {
        private readonly WatchGroupState _state;
        internal PlcWatchAndForceTableUserGroupComposition(Project project, WatchGroupState state)
            : base(project, () => state.Groups.Select(g => new PlcWatchAndForceTableUserGroup(project, g)), g => g.State.Name) { _state = state; }

        public PlcWatchAndForceTableUserGroup Create(string name)
        {
            OwnerProject.Live();
            Faults.Check("PlcWatchAndForceTableUserGroupComposition.Create");
            NewName.Check(name, _state.Groups.Select(x => x.Name), "The group cannot be created.", "The name must not be empty.", "A group named '" + name + "' already exists.");
            var group = OwnerProject.Added(_state.Groups, new WatchGroupState { Name = name, Parent = _state });
            return new PlcWatchAndForceTableUserGroup(OwnerProject, group);
        }
    }

    public sealed class PlcWatchTableComposition : NamedComposition<PlcWatchTable>
    {
        private readonly WatchGroupState _state;
        internal PlcWatchTableComposition(Project project, WatchGroupState state)
            : base(project, () => state.Tables.Where(t => !t.Force).Select(t => new PlcWatchTable(project, t)), t => t.State.Name) { _state = state; }

        public PlcWatchTable Create(string name)
        {
            OwnerProject.Live();
            Faults.Check("PlcWatchTableComposition.Create");
            NewName.Check(name, _state.Root.AllTables().Select(x => x.Name), "The watch table cannot be created.", "The name must not be empty.", "A watch or force table named '" + name + "' already exists.");
            var table = OwnerProject.Added(_state.Tables, new WatchTableState { Name = name, Group = _state });
            return new PlcWatchTable(OwnerProject, table);
        }

        public IList<PlcWatchTable> Import(FileInfo path, ImportOptions importOptions)
        {
            return new List<PlcWatchTable> { new PlcWatchTable(OwnerProject, WatchTableXml.Import(OwnerProject, _state, path, importOptions, false)) };
        }
    }

    // No Create: a PLC's force table is system-owned; Openness brings one in only by Import.
    public sealed class PlcForceTableComposition : NamedComposition<PlcForceTable>
    {
        private readonly WatchGroupState _state;
        internal PlcForceTableComposition(Project project, WatchGroupState state)
            : base(project, () => state.Tables.Where(t => t.Force).Select(t => new PlcForceTable(project, t)), t => t.State.Name) { _state = state; }

        public IList<PlcForceTable> Import(FileInfo path, ImportOptions importOptions)
        {
            return new List<PlcForceTable> { new PlcForceTable(OwnerProject, WatchTableXml.Import(OwnerProject, _state, path, importOptions, true)) };
        }
    }

    public sealed class PlcWatchTable : WatchOrForceTable
    {
        internal PlcWatchTable(Project project, WatchTableState state) : base(project, state) { }

        public void Delete()
        {
            Live();
            OwnerProject.ChangedAt("PlcWatchTable.Delete", () => { State.Group.Tables.Remove(State); State.Group = null; });
        }
    }

    // No Delete: the force table stays with the PLC.
    public sealed class PlcForceTable : WatchOrForceTable
    {
        internal PlcForceTable(Project project, WatchTableState state) : base(project, state) { }
    }

    // Holds comment rows and operand rows; the typed rows are PlcWatchTableEntry / PlcForceTableEntry.
    // (Create(), which makes a comment row, is not declared: the bridge does not use it.)
    public sealed class PlcTableCommentEntryComposition : CountedComposition<PlcTableCommentEntry>
    {
        private readonly Project _project;
        private readonly WatchTableState _table;
        internal PlcTableCommentEntryComposition(Project project, WatchTableState table) { _project = project; _table = table; }

        internal override IEnumerable<PlcTableCommentEntry> Items()
        {
            WatchTableXml.Live(_project, _table);
            return _table.Entries.Select(e => _table.Force ? (PlcTableCommentEntry)new PlcForceTableEntry(_project, e) : new PlcWatchTableEntry(_project, e));
        }
    }

    public class PlcTableCommentEntry
    {
        internal readonly Project OwnerProject;
        internal readonly WatchEntryState State;
        internal PlcTableCommentEntry(Project project, WatchEntryState state) { OwnerProject = project; State = state; }
    }

    public sealed class PlcWatchTableEntry : PlcTableCommentEntry
    {
        internal PlcWatchTableEntry(Project p, WatchEntryState s) : base(p, s) { }
        public string Name { get { OwnerProject.Live(); return State.Get("Name"); } }
    }

    public sealed class PlcForceTableEntry : PlcTableCommentEntry
    {
        internal PlcForceTableEntry(Project p, WatchEntryState s) : base(p, s) { }
        public string Name { get { OwnerProject.Live(); return State.Get("Name"); } }
    }
}

namespace StandIn.Control
{
    /// <summary>Name, IsConsistent, Entries and Export of a watch or force table, which Openness declares on each
    /// (PlcWatchTable, PlcForceTable).</summary>
    public abstract class WatchOrForceTable
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        internal readonly WatchTableState State;
        internal WatchOrForceTable(Siemens.Engineering.Project project, WatchTableState state) { OwnerProject = project; State = state; }

        public string Name { get { Live(); return State.Name; } }
        // The stand-in does not check operands: its tables report consistent (the bridge resolves operands itself).
        public bool IsConsistent { get { Live(); return true; } }
        public PlcTableCommentEntryComposition Entries { get { Live(); return new PlcTableCommentEntryComposition(OwnerProject, State); } }

        public void Export(FileInfo path, Siemens.Engineering.ExportOptions exportOptions) { Live(); WatchTableXml.Export(State, path); }

        internal void Live() { WatchTableXml.Live(OwnerProject, State); }
    }

    internal sealed partial class SoftwareState
    {
        /// <summary>The "Watch and force tables" system group.</summary>
        internal readonly WatchGroupState Watch = new WatchGroupState { Name = "Watch and force tables", IsRoot = true };
    }

    internal sealed class WatchGroupState
    {
        internal string Name;
        internal bool IsRoot;
        internal WatchGroupState Parent;
        internal readonly List<WatchGroupState> Groups = new List<WatchGroupState>();
        internal readonly List<WatchTableState> Tables = new List<WatchTableState>();

        internal WatchGroupState Root { get { return IsRoot || Parent == null ? this : Parent.Root; } }
        internal bool Attached { get { return IsRoot || (Parent != null && Parent.Groups.Contains(this) && Parent.Attached); } }

        internal IEnumerable<WatchGroupState> Walk() { return new[] { this }.Concat(Groups.SelectMany(g => g.Walk())); }
        internal IEnumerable<WatchTableState> AllTables() { return Walk().SelectMany(g => g.Tables); }

        internal string PathOf(WatchGroupState group)
        {
            return group == null || group.IsRoot ? "" : (group.Parent.IsRoot ? group.Name : PathOf(group.Parent) + "/" + group.Name);
        }

        /// <summary>The user group at "a/b" below this one, created when missing (project files only).</summary>
        internal WatchGroupState Path(string path)
        {
            return GroupPath.Below(this, path, g => g.Groups, g => g.Name, (parent, part) => new WatchGroupState { Name = part, Parent = parent });
        }
    }

    internal sealed class WatchTableState
    {
        internal string Name;
        internal bool Force;
        internal WatchGroupState Group;
        internal readonly List<WatchEntryState> Entries = new List<WatchEntryState>();
    }

    /// <summary>One row: the AttributeList of its SimaticML element, in document order.</summary>
    internal sealed class WatchEntryState
    {
        internal readonly List<KeyValuePair<string, string>> Attributes = new List<KeyValuePair<string, string>>();
        internal string Get(string name) { return Attributes.Where(a => a.Key == name).Select(a => a.Value).FirstOrDefault(); }
    }

    /// <summary>The SimaticML of watch and force tables as the stand-in reads and writes it (not Siemens API).</summary>
    internal static class WatchTableXml
    {
        private const string Prefix = "SW.WatchAndForceTables.";

        internal static void Live(Siemens.Engineering.Project project, WatchTableState table)
        {
            project.Live(() => table.Group != null && table.Group.Tables.Contains(table) && table.Group.Attached, "The table object has been disposed.", "The table was deleted.");
        }

        private static Siemens.Engineering.EngineeringTargetInvocationException Refused(string detail)
        {
            return new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", detail, null);
        }

        internal static WatchTableState Import(Siemens.Engineering.Project project, WatchGroupState group, FileInfo path,
            Siemens.Engineering.ImportOptions options, bool force)
        {
            project.Live();
            Faults.Check(force ? "PlcForceTableComposition.Import" : "PlcWatchTableComposition.Import");
            if (!path.Exists) throw Refused("The file '" + path.FullName + "' does not exist.");
            var table = Read(File.ReadAllBytes(path.FullName));
            if (table.Force != force)
                throw Refused("The document holds a " + (table.Force ? "force" : "watch") + " table; this composition takes " + (force ? "force" : "watch") + " tables.");
            var root = group.Root;
            var clash = root.AllTables().FirstOrDefault(t => string.Equals(t.Name, table.Name, StringComparison.OrdinalIgnoreCase));
            if (clash != null && options != Siemens.Engineering.ImportOptions.Override)
                throw Refused("A watch or force table named '" + clash.Name + "' already exists.");
            if (clash != null && clash.Force != force)
                throw Refused("'" + clash.Name + "' is a table of the other kind; it cannot be overridden.");
            if (force && root.AllTables().Any(t => t.Force && t != clash))
                throw Refused("The PLC already has its force table; a PLC has one force table.");
            var index = clash != null && clash.Group == group ? group.Tables.IndexOf(clash) : group.Tables.Count;
            if (clash != null) { clash.Group.Tables.Remove(clash); clash.Group = null; }
            table.Group = group;
            group.Tables.Insert(index, table);
            project.State.Modified = true;
            return table;
        }

        /// <summary>Parses a table document; TIA refuses what is not a watch or force table.</summary>
        internal static WatchTableState Read(byte[] data)
        {
            var doc = new XmlDocument { XmlResolver = null };
            try
            {
                using (var stream = new MemoryStream(data)) doc.Load(stream);
            }
            catch (XmlException exc) { throw Refused("The file is not well-formed XML: " + exc.Message); }
            var top = doc.DocumentElement == null ? null : doc.DocumentElement.ChildNodes.OfType<XmlElement>()
                .FirstOrDefault(e => e.Name == Prefix + "PlcWatchTable" || e.Name == Prefix + "PlcForceTable");
            if (doc.DocumentElement == null || doc.DocumentElement.Name != "Document" || top == null)
                throw Refused("The file is not a SimaticML watch or force table.");
            var attrs = top["AttributeList"];
            var name = attrs == null || attrs["Name"] == null ? "" : attrs["Name"].InnerText;
            if (name.Trim().Length == 0) throw Refused("The table has no name.");
            var table = new WatchTableState { Name = name, Force = top.Name.EndsWith("PlcForceTable", StringComparison.Ordinal) };
            var entryElement = top.Name + "Entry";
            var list = top["ObjectList"];
            foreach (var child in list == null ? new XmlElement[0] : list.ChildNodes.OfType<XmlElement>().ToArray())
            {
                if (child.GetAttribute("CompositionName") != "Entries") continue;
                if (child.Name != entryElement) throw Refused("A " + top.Name + " cannot hold " + child.Name + " entries.");
                var entry = new WatchEntryState();
                var list2 = child["AttributeList"];
                foreach (var a in list2 == null ? new XmlElement[0] : list2.ChildNodes.OfType<XmlElement>().ToArray())
                    entry.Attributes.Add(new KeyValuePair<string, string>(a.Name, a.InnerText));
                if (string.IsNullOrEmpty(entry.Get("Name"))) throw Refused("An entry has no Name (operand).");
                table.Entries.Add(entry);
            }
            return table;
        }

        internal static void Export(WatchTableState table, FileInfo path)
        {
            Faults.Check(table.Force ? "PlcForceTable.Export" : "PlcWatchTable.Export");
            if (path.Exists)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The export failed.", "The file '" + path.FullName + "' already exists.", null);
            File.WriteAllBytes(path.FullName, Write(table));
        }

        /// <summary>The table as TIA writes an export: UTF-8 with a byte-order mark, IDs counted up.</summary>
        internal static byte[] Write(WatchTableState table)
        {
            var element = Prefix + (table.Force ? "PlcForceTable" : "PlcWatchTable");
            var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(true), Indent = true };
            using (var stream = new MemoryStream())
            {
                using (var w = XmlWriter.Create(stream, settings))
                {
                    w.WriteStartDocument();
                    w.WriteStartElement("Document");
                    w.WriteStartElement("Engineering");
                    w.WriteAttributeString("version", "V" + Machine.Version);
                    w.WriteEndElement();
                    w.WriteStartElement(element);
                    w.WriteAttributeString("ID", "0");
                    w.WriteStartElement("AttributeList");
                    w.WriteElementString("Name", table.Name);
                    w.WriteEndElement();
                    if (table.Entries.Count > 0)
                    {
                        w.WriteStartElement("ObjectList");
                        var id = 1;
                        foreach (var entry in table.Entries)
                        {
                            w.WriteStartElement(element + "Entry");
                            w.WriteAttributeString("ID", (id++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                            w.WriteAttributeString("CompositionName", "Entries");
                            w.WriteStartElement("AttributeList");
                            foreach (var a in entry.Attributes) w.WriteElementString(a.Key, a.Value);
                            w.WriteEndElement();
                            w.WriteEndElement();
                        }
                        w.WriteEndElement();
                    }
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                return stream.ToArray();
            }
        }
    }

    /// <summary>Keeps user groups and tables in the project file: one record per group (parents first), one per
    /// table with its SimaticML.</summary>
    internal sealed class WatchPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Software != null))
            {
                var root = device.Software.Watch;
                foreach (var group in root.Walk().Where(g => !g.IsRoot))
                    yield return new[] { "watchgroup", device.Name, root.PathOf(group) };
                foreach (var group in root.Walk())
                    foreach (var table in group.Tables)
                        yield return new[] { "watchtable", device.Name, root.PathOf(group), Record.Text(Encoding.UTF8.GetString(WatchTableXml.Write(table))) };
            }
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length == 3 && fields[0] == "watchgroup")
            {
                project.Devices.First(d => d.Name == fields[1]).Software.Watch.Path(fields[2]);
                return true;
            }
            if (fields.Length == 4 && fields[0] == "watchtable")
            {
                var group = project.Devices.First(d => d.Name == fields[1]).Software.Watch.Path(fields[2]);
                var table = WatchTableXml.Read(Encoding.UTF8.GetBytes(Record.Untext(fields[3])));
                table.Group = group;
                group.Tables.Add(table);
                return true;
            }
            return false;
        }
    }
}
