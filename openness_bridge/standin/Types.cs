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
        public void Export(System.IO.FileInfo path, ExportOptions exportOptions) { var obj = Object; SimaticMLStore.Export(_project, _group.Software, obj.Name, path); }

        public T GetService<T>() where T : class, IEngineeringService { return StandInCompilable.Offer<T>(_project, _name); }

        // IEngineeringObject.GetAttribute, for "Namespace" only (SoftwareState.AttributeOf in Units.cs).
        public object GetAttribute(string name) { Calls.Count("PlcType.GetAttribute"); return SoftwareState.AttributeOf(Object, name, "PLC data type"); }
    }
}
