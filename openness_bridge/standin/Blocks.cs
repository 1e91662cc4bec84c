// Stand-in for Siemens.Engineering.SW.Blocks: the block classes (their groups and composition are in ProgramTree.cs;
// see Engineering.cs for the ground rules and openness_bridge/README.md for the source
// of every public member). Consistency is kept per object in SoftwareState (Sources.cs): the stand-in does not
// compile, it only marks what TIA marks when something a block uses changes or disappears.
using System;
using System.Linq;
using Siemens.Engineering.Compiler;
using StandIn.Control;

namespace Siemens.Engineering.SW.Blocks
{
    // Values as the 15.1 API reference lists them.
    public enum ProgrammingLanguage
    {
        Undef = 0, STL = 1, LAD = 2, FBD = 3, SCL = 4, DB = 5, GRAPH = 6, CPU_DB = 7, CFC = 8, SFC = 9, FBD_IEC = 10,
        LAD_IEC = 11, SDB = 12, S7_PDIAG = 13, RSE = 14, F_STL = 15, F_LAD = 16, F_FBD = 17, F_DB = 18, F_LAD_LIB = 19,
        F_FBD_LIB = 20, FCP = 21, FLD = 22, ProDiag = 23, ProDiag_OB = 24, Motion_DB = 25, F_CALL = 26,
    }

    public abstract class PlcBlock : IEngineeringServiceProvider, Siemens.Engineering.Library.MasterCopies.IMasterCopySource
    {
        private readonly Project _project;
        private readonly GroupState _group;
        private string _name;
        internal PlcBlock(Project project, GroupState group, string name) { _project = project; _group = group; _name = name; }

        internal static PlcBlock Make(Project project, GroupState group, string name)
        {
            ObjectState obj;
            group.Software.Objects.TryGetValue(name, out obj);
            switch (obj == null ? "" : obj.Element)
            {
                case "SW.Blocks.FC": return new FC(project, group, name);
                case "SW.Blocks.OB": return new OB(project, group, name);
                case "SW.Blocks.GlobalDB": return new GlobalDB(project, group, name);
                case "SW.Blocks.InstanceDB": return new InstanceDB(project, group, name);
                default: return new FB(project, group, name);
            }
        }

        internal ObjectState Object { get { return SimaticMLStore.Live(_project, _group, _name, "block", "deleted or renamed"); } }

        // Renaming keeps number, group and content; TIA refuses an empty name and one another object of the
        // software already has.
        public string Name
        {
            get { _project.Live(); Calls.Count("PlcBlock.Name"); return _name; }
            set
            {
                var obj = Object;
                Faults.Check("PlcBlock.Name");
                var software = _group.Software;
                if (string.IsNullOrEmpty(value))
                    throw new EngineeringTargetInvocationException("The name cannot be set.", "A block name must not be empty.", null);
                ObjectState other;
                if (software.Objects.TryGetValue(value, out other) && other != obj)
                    throw new EngineeringTargetInvocationException("The name cannot be set.", "The name '" + value + "' is already used in this PLC.", null);
                var index = _group.Items.IndexOf(_name);
                _group.Items[index] = value;
                software.Objects.Remove(_name);
                software.Objects[value] = obj;
                software.Rename(obj, value);
                _name = value;
                _project.State.Modified = true;
            }
        }

        public int Number { get { return Object.Number; } }
        public ProgrammingLanguage ProgrammingLanguage
        {
            get
            {
                var text = SoftwareState.Attribute(Object, "ProgrammingLanguage");
                ProgrammingLanguage language;
                return Enum.TryParse(text ?? "", out language) ? language : ProgrammingLanguage.Undef;
            }
        }
        public bool IsConsistent { get { var obj = Object; return !_group.Software.Inconsistent.Contains(obj.Name); } }
        // "Last interface modification" (15.1-V17 stubs): set by an import that changes the interface
        // (SoftwareState.InterfaceDate in Types.cs).
        public DateTime InterfaceModifiedDate { get { var obj = Object; return _group.Software.InterfaceDate(obj.Name); } }
        public bool IsKnowHowProtected { get { return string.Equals(SoftwareState.Attribute(Object, "IsKnowHowProtected"), "true", StringComparison.OrdinalIgnoreCase); } }

        // TIA deletes the block; what used it (instance DBs, callers with multi-instances) turns inconsistent.
        public void Delete()
        {
            var obj = Object;
            Faults.Check("PlcBlock.Delete");
            _group.Software.Remove(obj.Name);
            _group.Software.MarkUsersInconsistent(obj.Name);
            _project.State.Modified = true;
        }

        public void Export(System.IO.FileInfo path, ExportOptions exportOptions)
        {
            var obj = Object;
            Calls.Count("PlcBlock.Export");
            if (_group.Software.Inconsistent.Contains(obj.Name))
                throw new EngineeringTargetInvocationException("The export failed.", "The block '" + obj.Name + "' is inconsistent. Compile it before exporting it.", null);
            SimaticMLStore.Export(_project, _group.Software, _name, path);
        }

        public T GetService<T>() where T : class, IEngineeringService { return StandInCompilable.Offer<T>(_project, _name); }

        // IEngineeringObject.GetAttribute, for "Namespace" only (SoftwareState.AttributeOf in Units.cs).
        public object GetAttribute(string name) { Calls.Count("PlcBlock.GetAttribute"); return SoftwareState.AttributeOf(Object, name, "block"); }
    }

    public abstract class CodeBlock : PlcBlock { internal CodeBlock(Project p, GroupState g, string n) : base(p, g, n) { } }
    public sealed class FB : CodeBlock { internal FB(Project p, GroupState g, string n) : base(p, g, n) { } }
    public sealed class FC : CodeBlock { internal FC(Project p, GroupState g, string n) : base(p, g, n) { } }
    public sealed class OB : CodeBlock { internal OB(Project p, GroupState g, string n) : base(p, g, n) { } }
    public abstract class DataBlock : PlcBlock { internal DataBlock(Project p, GroupState g, string n) : base(p, g, n) { } }
    public sealed class GlobalDB : DataBlock { internal GlobalDB(Project p, GroupState g, string n) : base(p, g, n) { } }
    public sealed class InstanceDB : DataBlock
    {
        internal InstanceDB(Project p, GroupState g, string n) : base(p, g, n) { }
        public string InstanceOfName { get { return Object.InstanceOf; } }
    }
}
