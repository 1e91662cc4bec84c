// Stand-in for Siemens.Engineering.SW.Blocks: block groups (system and user), the block composition and the
// block classes (see Engineering.cs for the ground rules and openness_bridge/README.md for the source
// of every public member). Consistency is kept per object in SoftwareState (Sources.cs): the stand-in does not
// compile, it only marks what TIA marks when something a block uses changes or disappears.
using System;
using System.Collections;
using System.Collections.Generic;
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

    public abstract class PlcBlockGroup
    {
        internal readonly Project OwnerProject;
        internal readonly GroupState State;
        internal PlcBlockGroup(Project project, GroupState state) { OwnerProject = project; State = state; }
        public string Name { get { OwnerProject.Live(); return State.Name; } }
        public PlcBlockComposition Blocks { get { OwnerProject.Live(); return new PlcBlockComposition(OwnerProject, State); } }
        public PlcBlockUserGroupComposition Groups { get { OwnerProject.Live(); return new PlcBlockUserGroupComposition(OwnerProject, State); } }
    }

    public sealed class PlcBlockSystemGroup : PlcBlockGroup { internal PlcBlockSystemGroup(Project p, GroupState s) : base(p, s) { } }

    public sealed class PlcBlockUserGroup : PlcBlockGroup
    {
        internal PlcBlockUserGroup(Project p, GroupState s) : base(p, s) { }

        // TIA deletes the group with its subgroups and every block in them.
        public void Delete()
        {
            OwnerProject.Live();
            Faults.Check("PlcBlockUserGroup.Delete");
            GroupTree.Delete(OwnerProject, State);
        }
    }

    public sealed class PlcBlockUserGroupComposition : IEnumerable<PlcBlockUserGroup>
    {
        private readonly Project _project;
        private readonly GroupState _state;
        internal PlcBlockUserGroupComposition(Project project, GroupState state) { _project = project; _state = state; }
        public int Count { get { _project.Live(); return _state.Groups.Count; } }
        public PlcBlockUserGroup Find(string name)
        {
            _project.Live();
            var g = _state.Groups.FirstOrDefault(x => x.Name == name);
            return g == null ? null : new PlcBlockUserGroup(_project, g);
        }
        public PlcBlockUserGroup Create(string name)
        {
            _project.Live();
            Faults.Check("PlcBlockUserGroupComposition.Create");
            return new PlcBlockUserGroup(_project, GroupTree.Create(_project, _state, name));
        }
        public IEnumerator<PlcBlockUserGroup> GetEnumerator()
        {
            _project.Live();
            return _state.Groups.Select(g => new PlcBlockUserGroup(_project, g)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed partial class PlcBlockComposition : IEnumerable<PlcBlock>
    {
        private readonly Project _project;
        private readonly GroupState _state;
        internal PlcBlockComposition(Project project, GroupState state) { _project = project; _state = state; }
        public int Count { get { _project.Live(); return _state.Items.Count; } }
        // One level only, like Openness.
        public PlcBlock Find(string name)
        {
            _project.Live();
            return _state.Items.Contains(name) ? PlcBlock.Make(_project, _state, name) : null;
        }

        public IList<PlcBlock> Import(System.IO.FileInfo path, ImportOptions importOptions)
        {
            var obj = SimaticMLStore.Import(_project, _state, path, importOptions, "SW.Blocks.");
            return new List<PlcBlock> { PlcBlock.Make(_project, _state, obj.Name) };
        }

        public IEnumerator<PlcBlock> GetEnumerator()
        {
            _project.Live();
            return _state.Items.Select(n => PlcBlock.Make(_project, _state, n)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
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

        internal ObjectState Object
        {
            get
            {
                _project.Live();
                ObjectState obj;
                if (!_group.Software.Objects.TryGetValue(_name, out obj) || !_group.Items.Contains(_name))
                    throw new EngineeringObjectDisposedException("The block object has been disposed.", "The block '" + _name + "' was deleted or renamed.", null);
                return obj;
            }
        }

        // Renaming keeps number, group and content; TIA refuses an empty name and one another object of the
        // software already has.
        public string Name
        {
            get { _project.Live(); return _name; }
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
            if (_group.Software.Inconsistent.Contains(obj.Name))
                throw new EngineeringTargetInvocationException("The export failed.", "The block '" + obj.Name + "' is inconsistent. Compile it before exporting it.", null);
            SimaticMLStore.Export(_project, _group.Software, _name, path);
        }

        public T GetService<T>() where T : class, IEngineeringService
        {
            _project.Live();
            if (typeof(T) == typeof(ICompilable)) return new StandInCompilable(_project, null, _name) as T;
            return null;
        }
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

namespace StandIn.Control
{
    // User groups of every kind (blocks, types, external sources) behave alike in TIA: not Siemens API.
    internal static class GroupTree
    {
        internal static GroupState Create(Siemens.Engineering.Project project, GroupState parent, string name)
        {
            if (string.IsNullOrEmpty(name) || name.Trim().Length == 0)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The group cannot be created.", "A group name must not be empty.", null);
            if (parent.Groups.Any(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The group cannot be created.", "A group named '" + name + "' already exists here.", null);
            var group = new GroupState { Name = name, Software = parent.Software };
            parent.Groups.Add(group);
            project.State.Modified = true;
            return group;
        }

        internal static void Delete(Siemens.Engineering.Project project, GroupState group)
        {
            var software = group.Software;
            var parent = software.Roots().SelectMany(r => r.Walk()).FirstOrDefault(g => g.Groups.Contains(group));
            if (parent == null)
                throw new Siemens.Engineering.EngineeringObjectDisposedException("The group object has been disposed.", "The group '" + group.Name + "' was deleted.", null);
            var names = group.All().ToList();
            parent.Groups.Remove(group);
            if (software.Sources.Walk().Contains(group))
            {
                foreach (var name in names) software.SourceTexts.Remove(name);
            }
            else
            {
                foreach (var name in names) { software.Objects.Remove(name); software.Inconsistent.Remove(name); }
                foreach (var name in names) software.MarkUsersInconsistent(name);
            }
            project.State.Modified = true;
        }
    }
}
