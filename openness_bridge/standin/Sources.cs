// Stand-in for Siemens.Engineering.SW.ExternalSources (the PLC's "External source files"; its groups are in
// ProgramTree.cs) and the state the
// block/type/source areas keep beside Control.cs's SoftwareState: source texts, user groups (kept even when
// empty), and which objects are inconsistent. See openness_bridge/README.md for the source of every public
// member. The stand-in does not compile, so GenerateBlocksFromSource is not offered (no port method uses it).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Siemens.Engineering.SW.ExternalSources;
using StandIn.Control;

namespace Siemens.Engineering.SW
{
    public sealed partial class PlcSoftware
    {
        public PlcExternalSourceSystemGroup ExternalSourceGroup { get { OwnerProject.Live(); return new PlcExternalSourceSystemGroup(OwnerProject, Device.Software.Sources); } }
    }
}

namespace Siemens.Engineering.SW.ExternalSources
{
    public sealed partial class PlcExternalSourceComposition
    {
        // TIA copies the file's text into the project; the file itself is not kept.
        public PlcExternalSource CreateFromFile(string name, string path)
        {
            OwnerProject.Live();
            Faults.Check("PlcExternalSourceComposition.CreateFromFile");
            var software = State.Software;
            if (string.IsNullOrEmpty(name))
                throw new EngineeringTargetInvocationException("The external source cannot be created.", "The name must not be empty.", null);
            if (!File.Exists(path))
                throw new EngineeringTargetInvocationException("The external source cannot be created.", "The file '" + path + "' does not exist.", null);
            if (software.SourceTexts.ContainsKey(name))
                throw new EngineeringTargetInvocationException("The external source cannot be created.", "An external source named '" + name + "' already exists.", null);
            software.SourceTexts[name] = File.ReadAllText(path);
            State.Items.Add(name);
            OwnerProject.State.Modified = true;
            return Make(name);
        }
    }

    public sealed class PlcExternalSource
    {
        private readonly Project _project;
        private readonly GroupState _group;
        private readonly string _name;
        internal PlcExternalSource(Project project, GroupState group, string name) { _project = project; _group = group; _name = name; }

        public string Name { get { _project.Live(); Calls.Count("PlcExternalSource.Name"); return _name; } }

        public void Delete()
        {
            _project.Live();
            Faults.Check("PlcExternalSource.Delete");
            if (!_group.Items.Contains(_name))
                throw new EngineeringObjectDisposedException("The external source object has been disposed.", "The source '" + _name + "' was deleted.", null);
            _group.Items.Remove(_name);
            _group.Software.SourceTexts.Remove(_name);
            _project.State.Modified = true;
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class SoftwareState
    {
        private GroupState _sources;

        /// <summary>The "External source files" system group (made on first use).</summary>
        internal GroupState Sources { get { return _sources ?? (_sources = new GroupState { Name = "External source files", Software = this }); } }

        /// <summary>Source name -> text, for the sources anywhere below <see cref="Sources"/>.</summary>
        internal readonly Dictionary<string, string> SourceTexts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Names of the blocks and types TIA would show as inconsistent (need a compile).</summary>
        internal readonly HashSet<string> Inconsistent = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        internal IEnumerable<GroupState> Roots() { return new[] { Blocks, Types, Sources }; }

        /// <summary>Text of an attribute in the object's own AttributeList (null when absent).</summary>
        internal static string Attribute(ObjectState obj, string name)
        {
            var element = Element(obj);
            var attrs = element == null ? null : element["AttributeList"];
            return attrs == null || attrs[name] == null ? null : attrs[name].InnerText;
        }

        private static System.Xml.XmlElement Element(ObjectState obj)
        {
            if (obj.Xml == null || obj.Xml.Length == 0) return null;
            try
            {
                var doc = new System.Xml.XmlDocument { XmlResolver = null };
                using (var stream = new MemoryStream(obj.Xml)) doc.Load(stream);
                return doc.DocumentElement == null ? null : doc.DocumentElement.ChildNodes.OfType<System.Xml.XmlElement>()
                    .FirstOrDefault(e => e.Name.StartsWith("SW.", StringComparison.Ordinal));
            }
            catch (System.Xml.XmlException) { return null; }
        }

        /// <summary>The Interface element as text: what users of the object are built against.</summary>
        internal static string Interface(ObjectState obj)
        {
            var element = Element(obj);
            var attrs = element == null ? null : element["AttributeList"];
            return attrs == null || attrs["Interface"] == null ? "" : attrs["Interface"].OuterXml;
        }

        private static IEnumerable<string> DataTypes(ObjectState obj)
        {
            var element = Element(obj);
            if (element == null) return new string[0];
            return element.GetElementsByTagName("Member", "*").OfType<System.Xml.XmlElement>().Select(m => m.GetAttribute("Datatype")).ToList();
        }

        private static IEnumerable<string> Quoted(string datatype)
        {
            var parts = datatype.Split('"');
            for (var i = 1; i < parts.Length; i += 2) yield return parts[i];
        }

        private static bool Uses(ObjectState obj, string name)
        {
            if (string.Equals(obj.InstanceOf, name, StringComparison.OrdinalIgnoreCase)) return true;
            return DataTypes(obj).SelectMany(Quoted).Any(q => string.Equals(q, name, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>True when the object's interface names a type (or its instance DB an FB) the software lacks.</summary>
        internal bool MissesTypes(ObjectState obj)
        {
            if (obj.InstanceOf != null && !Objects.ContainsKey(obj.InstanceOf)) return true;
            return DataTypes(obj).SelectMany(Quoted).Any(q => !string.Equals(q, obj.Name, StringComparison.OrdinalIgnoreCase) && !Objects.ContainsKey(q));
        }

        /// <summary>What TIA does when <paramref name="name"/>'s interface changed or it disappeared: its users, and
        /// through PLC data types their users, turn inconsistent until compiled.</summary>
        internal void MarkUsersInconsistent(string name)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name };
            var pending = new Queue<string>();
            pending.Enqueue(name);
            while (pending.Count > 0)
            {
                var current = pending.Dequeue();
                foreach (var obj in Objects.Values.ToList())
                {
                    if (seen.Contains(obj.Name) || !Uses(obj, current)) continue;
                    seen.Add(obj.Name);
                    Inconsistent.Add(obj.Name);
                    if (obj.Element.StartsWith("SW.Types.", StringComparison.Ordinal)) pending.Enqueue(obj.Name);
                }
            }
        }

        /// <summary>A renamed object carries its new name in its SimaticML too (as TIA exports it afterwards).</summary>
        internal void Rename(ObjectState obj, string name)
        {
            var doc = new System.Xml.XmlDocument { XmlResolver = null };
            using (var stream = new MemoryStream(obj.Xml)) doc.Load(stream);
            var element = doc.DocumentElement.ChildNodes.OfType<System.Xml.XmlElement>().First(e => e.Name.StartsWith("SW.", StringComparison.Ordinal));
            element["AttributeList"]["Name"].InnerText = name;
            using (var output = new MemoryStream())
            {
                doc.Save(output);
                obj.Xml = output.ToArray();
            }
            if (Inconsistent.Remove(obj.Name)) Inconsistent.Add(name);
            DateTime date;
            if (InterfaceDates.TryGetValue(obj.Name, out date)) { InterfaceDates.Remove(obj.Name); InterfaceDates[name] = date; }
            obj.Name = name;
        }
    }

    /// <summary>Keeps user groups (empty ones too), external sources and inconsistency in the project file.</summary>
    internal sealed class ProgramStructurePart : IProjectPart
    {
        private const string Group = "sw-group";
        private const string Source = "sw-source";
        private const string Stale = "sw-inconsistent";
        private static readonly string[] Kinds = { "block", "type", "source" };

        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Software != null))
            {
                var software = device.Software;
                var roots = software.Roots().ToList();
                for (var k = 0; k < roots.Count; k++)
                    foreach (var path in GroupPaths(roots[k], ""))
                        yield return new[] { Group, device.Name, Kinds[k], Record.Text(path.Key) };
                foreach (var path in software.Sources.Paths(""))
                    yield return new[] { Source, device.Name, Record.Text(path.Key), Record.Text(path.Value), Record.Text(software.SourceTexts[path.Value]) };
                foreach (var name in software.Inconsistent)
                    yield return new[] { Stale, device.Name, Record.Text(name) };
            }
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length < 3 || (fields[0] != Group && fields[0] != Source && fields[0] != Stale)) return false;
            var software = project.Devices.First(d => d.Name == fields[1]).Software;
            if (fields[0] == Group)
                software.Roots().ElementAt(Array.IndexOf(Kinds, fields[2])).Path(Record.Untext(fields[3]));
            else if (fields[0] == Source)
            {
                var name = Record.Untext(fields[3]);
                software.Sources.Path(Record.Untext(fields[2])).Items.Add(name);
                software.SourceTexts[name] = Record.Untext(fields[4]);
            }
            else
                software.Inconsistent.Add(Record.Untext(fields[2]));
            return true;
        }

        private static IEnumerable<KeyValuePair<string, GroupState>> GroupPaths(GroupState group, string prefix)
        {
            foreach (var child in group.Groups)
            {
                var path = prefix.Length == 0 ? child.Name : prefix + "/" + child.Name;
                yield return new KeyValuePair<string, GroupState>(path, child);
                foreach (var deeper in GroupPaths(child, path)) yield return deeper;
            }
        }
    }
}
