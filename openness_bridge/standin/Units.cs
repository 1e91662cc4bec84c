// Stand-in for software units (Siemens.Engineering.SW.Units): PlcSoftware.GetService<PlcUnitProvider>() offers the
// unit system group of an S7-1500 (null on an S7-1200, which has no software units), whose Units (and, from V18,
// SafetyUnits) each hold their own block, PLC data type, tag table and external source trees. Shapes: the 15.1-V17 generator stubs
// (Repsay/siemens-tia-openness-python-stubs@v17 typings/Siemens/Engineering/SW/Units) and the V21 catalogue
// (PlcUnitSystemGroup.SafetyUnits); see openness_bridge/README.md for the source of every public member.
// Units are made by a test (StandIn.Control.Units), not through Openness; UnitRecords keeps them in the project file,
// so save/reopen and a transaction's rollback keep them.
// A unit's objects share the PLC's object store: the stand-in keeps object names unique per PLC (TIA V20 allows the
// same plain name in two namespaces; a test needing that is beyond this stand-in).
using System;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering;
using Siemens.Engineering.SW.Blocks;
using Siemens.Engineering.SW.ExternalSources;
using Siemens.Engineering.SW.Tags;
using Siemens.Engineering.SW.Types;
using StandIn.Control;

namespace Siemens.Engineering.SW.Units
{
    public sealed class PlcUnitProvider : IEngineeringService
    {
        private readonly Project _project;
        private readonly SoftwareState _software;
        internal PlcUnitProvider(Project project, SoftwareState software) { _project = project; _software = software; }

        /// <summary>The provider of an S7-1500's software; null for any other CPU (TIA offers units on S7-1500 only).</summary>
        internal static PlcUnitProvider Of(Project project, DeviceState device)
        {
            var order = (device.TypeIdentifier ?? "").Replace("OrderNumber:", "");
            return order.StartsWith("6ES7 51", StringComparison.Ordinal) ? new PlcUnitProvider(project, device.Software) : null;
        }

        public PlcUnitSystemGroup UnitGroup { get { _project.Live(); return new PlcUnitSystemGroup(_project, _software); } }
    }

    public sealed class PlcUnitSystemGroup
    {
        private readonly Project _project;
        private readonly SoftwareState _software;
        internal PlcUnitSystemGroup(Project project, SoftwareState software) { _project = project; _software = software; }

        public PlcUnitComposition Units { get { _project.Live(); return new PlcUnitComposition(_project, _software.Units); } }
#if TIA_FROM_V18
        public PlcSafetyUnitComposition SafetyUnits { get { _project.Live(); return new PlcSafetyUnitComposition(_project, _software.SafetyUnits); } }
#endif
    }

    public sealed class PlcUnitComposition : NamedComposition<PlcUnit>
    {
        internal PlcUnitComposition(Project project, List<UnitState> units)
            : base(project, () => units.Select(u => new PlcUnit(project, units, u)), u => u.State.Name) { }
    }

    public sealed class PlcUnit : UnitObject
    {
        internal PlcUnit(Project project, List<UnitState> units, UnitState state) : base(project, units, state, "unit") { }
    }

#if TIA_FROM_V18
    public sealed class PlcSafetyUnitComposition : NamedComposition<PlcSafetyUnit>
    {
        internal PlcSafetyUnitComposition(Project project, List<UnitState> units)
            : base(project, () => units.Select(u => new PlcSafetyUnit(project, units, u)), u => u.State.Name) { }
    }

    public sealed class PlcSafetyUnit : UnitObject
    {
        internal PlcSafetyUnit(Project project, List<UnitState> units, UnitState state) : base(project, units, state, "safety unit") { }
    }
#endif
}

namespace StandIn.Control
{
    /// <summary>Name, BlockGroup, TypeGroup, TagTableGroup and ExternalSourceGroup, which Openness declares on PlcUnit
    /// and PlcSafetyUnit alike (15.1-V17 stubs; siemens/tia-portal-ai-extensions skills/sw-units: each unit's
    /// TagTableGroup and ExternalSourceGroup are its own, apart from PlcSoftware's).</summary>
    public abstract class UnitObject : ProjectObject
    {
        internal readonly UnitState State;
        internal UnitObject(Siemens.Engineering.Project project, List<UnitState> units, UnitState state, string kind)
            : base(project, () => units.Contains(state), "The " + kind + " object has been disposed.", "The " + kind + " '" + state.Name + "' was deleted.", () => state.Name)
        {
            State = state;
        }

        public PlcBlockSystemGroup BlockGroup { get { Live(); return new PlcBlockSystemGroup(OwnerProject, State.Blocks); } }
        public PlcTypeSystemGroup TypeGroup { get { Live(); return new PlcTypeSystemGroup(OwnerProject, State.Types); } }
        public PlcTagTableSystemGroup TagTableGroup { get { Live(); return new PlcTagTableSystemGroup(OwnerProject, State.Device, State.Tags); } }
        public PlcExternalSourceSystemGroup ExternalSourceGroup { get { Live(); return new PlcExternalSourceSystemGroup(OwnerProject, State.Sources); } }
    }

    /// <summary>A software unit (or the safety unit) of a PLC: its name and its block, PLC data type and tag table
    /// trees (the tag tables' root is one of the PLC's TagFolder.UnitRoots, so tag and table names stay unique per
    /// PLC, as TIA numbers each unit's "Default tag table_N").</summary>
    internal sealed class UnitState
    {
        internal string Name;
        internal DeviceState Device;
        internal GroupState Blocks;
        internal GroupState Types;
        internal TagFolder Tags;
        /// <summary>The unit's "External source files"; the texts are in the PLC's SourceTexts (names unique per PLC).</summary>
        internal GroupState Sources;
    }

    internal sealed partial class SoftwareState
    {
        internal readonly List<UnitState> Units = new List<UnitState>();
        internal readonly List<UnitState> SafetyUnits = new List<UnitState>();

        /// <summary>IEngineeringObject.GetAttribute of a block or PLC data type, for "Namespace" only: the namespace an
        /// object of a software unit carries (SimaticML writes &lt;Namespace&gt; from V18 on, empty outside a namespace:
        /// shared/notes/simaticml.md; V21's unit functions read it with GetAttribute("Namespace")). V17 has no such
        /// attribute, and TIA refuses an attribute an object lacks with EngineeringNotSupportedException.</summary>
        internal static object AttributeOf(ObjectState obj, string name, string kind)
        {
#if TIA_FROM_V18
            if (name == "Namespace") return Attribute(obj, "Namespace") ?? "";
#endif
            throw new Siemens.Engineering.EngineeringNotSupportedException("The attribute '" + name + "' is not supported.", "The " + kind + " '" + obj.Name + "' has no attribute '" + name + "'.", null);
        }

        /// <summary>The block and type system groups of every unit and safety unit.</summary>
        internal IEnumerable<GroupState> UnitRoots()
        {
            return Units.Concat(SafetyUnits).SelectMany(u => new[] { u.Blocks, u.Types });
        }

        /// <summary>The "External source files" of every unit and safety unit (their items are source names, not
        /// objects, so they are apart from <see cref="UnitRoots"/>).</summary>
        internal IEnumerable<GroupState> UnitSourceRoots()
        {
            return Units.Concat(SafetyUnits).Select(u => u.Sources);
        }
    }

    /// <summary>Makes software units in a PLC's software, and puts blocks, PLC data types, tag tables and external
    /// sources into them (test-only).</summary>
    public static class Units
    {
        /// <summary>Add the unit <paramref name="name"/> (a safety unit when <paramref name="safety"/>) to device
        /// <paramref name="device"/> of the project open in process <paramref name="pid"/>.</summary>
        public static void AddUnit(int pid, string device, string name, bool safety)
        {
            Make(Machine.Processes.First(p => p.Id == pid && p.Alive).Project.Devices.First(d => d.Name == device), name, safety);
        }

        internal static UnitState Make(DeviceState device, string name, bool safety)
        {
            var software = device.Software;
            var unit = new UnitState { Name = name, Device = device };
            unit.Blocks = new GroupState { Name = "Program blocks", Software = software };
            unit.Types = new GroupState { Name = "PLC data types", Software = software };
            unit.Tags = new TagFolder { Name = "PLC tags" };
            unit.Sources = new GroupState { Name = "External source files", Software = software };
            TagFolder.Of(software).UnitRoots.Add(unit.Tags);
            (safety ? software.SafetyUnits : software.Units).Add(unit);
            return unit;
        }

        internal static UnitState Find(SoftwareState software, string unit) { return software.Units.Concat(software.SafetyUnits).First(u => u.Name == unit); }

        /// <summary>Add the external source <paramref name="name"/> with <paramref name="text"/> in the user-group path
        /// <paramref name="groupPath"/> of unit <paramref name="unit"/>.</summary>
        public static void AddExternalSource(int pid, string device, string unit, string groupPath, string name, string text)
        {
            var software = Program.Software(pid, device);
            if (software.SourceTexts.ContainsKey(name))
                throw new ArgumentException("The stand-in keeps source names unique per PLC: '" + name + "' exists.", "name");
            Find(software, unit).Sources.Path(groupPath).Items.Add(name);
            software.SourceTexts[name] = text;
        }

        /// <summary>Add the empty tag table <paramref name="name"/> in the user-group path <paramref name="groupPath"/>
        /// of unit <paramref name="unit"/> (its tags are then made through Openness).</summary>
        public static void AddTagTable(int pid, string device, string unit, string groupPath, string name)
        {
            var software = Program.Software(pid, device);
            if (TagFolder.Of(software).AllTables().Any(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException("Tag table names are unique per PLC: '" + name + "' exists.", "name");
            TagsAt(Find(software, unit), groupPath).Tables.Add(new TagTableState { Name = name });
        }

        internal static TagFolder TagsAt(UnitState unit, string groupPath)
        {
            return GroupPath.Below(unit.Tags, groupPath, g => g.Groups, g => g.Name, (parent, part) => new TagFolder { Name = part });
        }

        /// <summary>Add the PLC data type of SimaticML <paramref name="xml"/> (as <see cref="AddBlock"/> adds a block) to
        /// the unit <paramref name="unit"/>.</summary>
        public static void AddType(int pid, string device, string unit, string groupPath, byte[] xml) { Added(Program.Software(pid, device), unit, groupPath, xml, u => u.Types); }

        /// <summary>Add the block of SimaticML <paramref name="xml"/> (its element, name, number and
        /// attributes, the Namespace too, as an import would read them) in the user-group path
        /// <paramref name="groupPath"/> of unit <paramref name="unit"/>.</summary>
        public static void AddBlock(int pid, string device, string unit, string groupPath, byte[] xml) { Added(Program.Software(pid, device), unit, groupPath, xml, u => u.Blocks); }

        /// <summary><see cref="Add"/> as a change: the object's interface date is now (a project file's record
        /// keeps the date it had).</summary>
        private static void Added(SoftwareState software, string unit, string groupPath, byte[] xml, Func<UnitState, GroupState> tree)
        {
            software.InterfaceChanged(Add(software, unit, groupPath, xml, tree).Name);
        }

        internal static ObjectState Add(SoftwareState software, string unit, string groupPath, byte[] xml, Func<UnitState, GroupState> tree)
        {
            var obj = ObjectState.Read(xml);
            if (obj == null) throw new ArgumentException("Not a SimaticML document.", "xml");
            if (software.Objects.ContainsKey(obj.Name)) throw new ArgumentException("The stand-in keeps names unique per PLC: '" + obj.Name + "' exists.", "xml");
            tree(Find(software, unit)).Path(groupPath).Items.Add(obj.Name);
            software.Objects[obj.Name] = obj;
            return obj;
        }
    }

    /// <summary>Keeps software units in the project file, so save/reopen and a transaction's rollback (which rebuilds
    /// the project from its records) keep them: each unit, then its blocks and types (their SimaticML), tag tables (as
    /// TagTableXml writes them) and external sources (their text), after its user groups (empty ones too: the bridge
    /// makes them in a unit).</summary>
    internal sealed class UnitRecords : IProjectPart
    {
        private static readonly string[] Kinds = { "block", "type" };

        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Software != null))
                foreach (var unit in device.Software.Units.Concat(device.Software.SafetyUnits))
                {
                    var unitName = Record.Text(unit.Name);
                    yield return new[] { "unit", device.Name, unitName, device.Software.SafetyUnits.Contains(unit) ? "1" : "0" };
                    // Every user group first, parents before children, so an empty one (made through Openness) is kept
                    foreach (var tree in GroupKinds)
                        foreach (var path in GroupPaths(tree.Value(unit).Groups, "", g => g.Groups, g => g.Name))
                            yield return new[] { "unit.group", device.Name, unitName, tree.Key, Record.Text(path) };
                    foreach (var path in GroupPaths(unit.Tags.Groups, "", g => g.Groups, g => g.Name))
                        yield return new[] { "unit.group", device.Name, unitName, "tags", Record.Text(path) };
                    for (var k = 0; k < Kinds.Length; k++)
                        foreach (var p in (k == 0 ? unit.Blocks : unit.Types).Paths(""))
                            yield return new[] { "unit.object", device.Name, unitName, Kinds[k], Record.Text(p.Key), Convert.ToBase64String(device.Software.Objects[p.Value].Xml ?? new byte[0]) };
                    foreach (var p in unit.Sources.Paths(""))
                        yield return new[] { "unit.source", device.Name, unitName, Record.Text(p.Key), Record.Text(p.Value), Record.Text(device.Software.SourceTexts[p.Value]) };
                    foreach (var table in Tables(unit.Tags, ""))
                        yield return new[] { "unit.tags", device.Name, unitName, Record.Text(table.Key), Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TagTableXml.Write(table.Value, Machine.Version))) };
                }
        }

        private static readonly KeyValuePair<string, Func<UnitState, GroupState>>[] GroupKinds =
        {
            new KeyValuePair<string, Func<UnitState, GroupState>>("block", u => u.Blocks),
            new KeyValuePair<string, Func<UnitState, GroupState>>("type", u => u.Types),
            new KeyValuePair<string, Func<UnitState, GroupState>>("source", u => u.Sources),
        };

        private static IEnumerable<string> GroupPaths<T>(List<T> groups, string path, Func<T, List<T>> below, Func<T, string> name)
        {
            foreach (var g in groups)
            {
                var here = path.Length == 0 ? name(g) : path + "/" + name(g);
                yield return here;
                foreach (var deeper in GroupPaths(below(g), here, below, name)) yield return deeper;
            }
        }

        private static IEnumerable<KeyValuePair<string, TagTableState>> Tables(TagFolder folder, string path)
        {
            foreach (var table in folder.Tables) yield return new KeyValuePair<string, TagTableState>(path, table);
            foreach (var g in folder.Groups)
                foreach (var deeper in Tables(g, path.Length == 0 ? g.Name : path + "/" + g.Name)) yield return deeper;
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length < 4 || (fields[0] != "unit" && !fields[0].StartsWith("unit.", StringComparison.Ordinal))) return false;
            var device = project.Devices.First(d => d.Name == fields[1]);
            var unit = Record.Untext(fields[2]);
            switch (fields[0])
            {
                case "unit": Units.Make(device, unit, fields[3] == "1"); return true;
                case "unit.group":
                    var made = Units.Find(device.Software, unit);
                    if (fields[3] == "tags") Units.TagsAt(made, Record.Untext(fields[4]));
                    else GroupKinds.First(k => k.Key == fields[3]).Value(made).Path(Record.Untext(fields[4]));
                    return true;
                case "unit.object":
                    Units.Add(device.Software, unit, Record.Untext(fields[4]), Convert.FromBase64String(fields[5]), u => fields[3] == "type" ? u.Types : u.Blocks);
                    return true;
                case "unit.source":
                    Units.Find(device.Software, unit).Sources.Path(Record.Untext(fields[3])).Items.Add(Record.Untext(fields[4]));
                    device.Software.SourceTexts[Record.Untext(fields[4])] = Record.Untext(fields[5]);
                    return true;
                case "unit.tags":
                    Units.TagsAt(Units.Find(device.Software, unit), Record.Untext(fields[3])).Tables.Add(TagTableXml.Read(Convert.FromBase64String(fields[4])));
                    return true;
                default: return false;
            }
        }
    }
}
