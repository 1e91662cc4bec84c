// Stand-in for Siemens.Engineering.SW.Types' PlcType (its groups and composition are in ProgramTree.cs; see
// Engineering.cs for the ground rules and openness_bridge/README.md for the source of every public member).
// Consistency is kept per object in SoftwareState (Sources.cs).
using Siemens.Engineering.Compiler;
using StandIn.Control;

namespace Siemens.Engineering.SW.Types
{
    public sealed class PlcType : IEngineeringServiceProvider, Siemens.Engineering.Library.MasterCopies.IMasterCopySource
    {
        private readonly Project _project;
        private readonly GroupState _group;
        private readonly string _name;
        internal PlcType(Project project, GroupState group, string name) { _project = project; _group = group; _name = name; }

        internal ObjectState Object { get { return SimaticMLStore.Live(_project, _group, _name, "PLC data type", "deleted"); } }

        public string Name { get { _project.Live(); Calls.Count("PlcType.Name"); return _name; } }
        public bool IsConsistent { get { var obj = Object; return !_group.Software.Inconsistent.Contains(obj.Name); } }

        // "Get last breakable interface change of the PLC data type" (15.1-V17 stubs): set by an import that changes
        // the interface (SoftwareState.InterfaceDate below).
        public System.DateTime InterfaceModifiedDate { get { var obj = Object; return _group.Software.InterfaceDate(obj.Name); } }

        // TIA deletes a PLC data type even while it is used; its users turn inconsistent (type missing).
        public void Delete()
        {
            var obj = Object;
            Faults.Check("PlcType.Delete");
            _group.Software.Remove(obj.Name);
            _group.Software.Inconsistent.Remove(obj.Name);
            _group.Software.MarkUsersInconsistent(obj.Name);
            _project.State.Modified = true;
        }

        // Whether TIA exports an inconsistent PLC data type is not documented in the sources: the stand-in exports it.
        public void Export(System.IO.FileInfo path, ExportOptions exportOptions)
        {
            var obj = Object;
            Calls.Count("PlcType.Export");
            SimaticMLStore.Export(_project, _group.Software, obj.Name, path);
        }

        public T GetService<T>() where T : class, IEngineeringService { return StandInCompilable.Offer<T>(_project, _name); }

        // IEngineeringObject.GetAttribute, for "Namespace" only (SoftwareState.AttributeOf in Units.cs).
        public object GetAttribute(string name) { Calls.Count("PlcType.GetAttribute"); return SoftwareState.AttributeOf(Object, name, "PLC data type"); }
    }
}

namespace StandIn.Control
{
    internal sealed partial class SoftwareState
    {
        /// <summary>Each block's and PLC data type's InterfaceModifiedDate, by name; an object without one (read
        /// from a project file that kept none) has <see cref="Unrecorded"/>.</summary>
        internal readonly System.Collections.Generic.Dictionary<string, System.DateTime> InterfaceDates =
            new System.Collections.Generic.Dictionary<string, System.DateTime>(System.StringComparer.OrdinalIgnoreCase);

        internal static readonly System.DateTime Unrecorded = new System.DateTime(2020, 1, 1, 0, 0, 0, System.DateTimeKind.Local);
        private static readonly object Clock = new object();
        private static System.DateTime _lastDate;

        internal System.DateTime InterfaceDate(string name)
        {
            System.DateTime date;
            return InterfaceDates.TryGetValue(name, out date) ? date : Unrecorded;
        }

        /// <summary>The interface of <paramref name="name"/> changed now: a date later than every date given before
        /// (two changes within the clock's resolution still get two dates).</summary>
        internal void InterfaceChanged(string name)
        {
            lock (Clock)
            {
                var now = System.DateTime.Now;
                _lastDate = now > _lastDate ? now : _lastDate.AddTicks(1);
                InterfaceDates[name] = _lastDate;
            }
        }
    }

    /// <summary>Keeps the interface dates in the project file, so a reopened project and a transaction's rollback
    /// (which rebuilds the project from its records) give each object the date of the interface it has again.</summary>
    internal sealed class InterfaceDateRecords : IProjectPart
    {
        private const string Tag = "sw-interface-date";

        public System.Collections.Generic.IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices)
                if (device.Software != null)
                    foreach (var date in device.Software.InterfaceDates)
                        yield return new[] { Tag, device.Name, Record.Text(date.Key), date.Value.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length != 4 || fields[0] != Tag) return false;
            var software = System.Linq.Enumerable.First(project.Devices, d => d.Name == fields[1]).Software;
            software.InterfaceDates[Record.Untext(fields[2])] = new System.DateTime(long.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), System.DateTimeKind.Local);
            return true;
        }
    }
}
