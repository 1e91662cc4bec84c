// Stand-in for Siemens.Engineering.SW.Types: PLC data type groups (system and user), the type composition and
// PlcType (see Engineering.cs for the ground rules and openness_bridge/README.md for the source of every
// public member). Consistency is kept per object in SoftwareState (Sources.cs).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering.Compiler;
using StandIn.Control;

namespace Siemens.Engineering.SW.Types
{
    public abstract class PlcTypeGroup
    {
        internal readonly Project OwnerProject;
        internal readonly GroupState State;
        internal PlcTypeGroup(Project project, GroupState state) { OwnerProject = project; State = state; }
        public string Name { get { OwnerProject.Live(); return State.Name; } }
        public PlcTypeComposition Types { get { OwnerProject.Live(); return new PlcTypeComposition(OwnerProject, State); } }
        public PlcTypeUserGroupComposition Groups { get { OwnerProject.Live(); return new PlcTypeUserGroupComposition(OwnerProject, State); } }
    }

    public sealed class PlcTypeSystemGroup : PlcTypeGroup { internal PlcTypeSystemGroup(Project p, GroupState s) : base(p, s) { } }

    public sealed class PlcTypeUserGroup : PlcTypeGroup
    {
        internal PlcTypeUserGroup(Project p, GroupState s) : base(p, s) { }

        // TIA deletes the group with its subgroups and every type in them; users of those types turn inconsistent.
        public void Delete()
        {
            OwnerProject.Live();
            Faults.Check("PlcTypeUserGroup.Delete");
            GroupTree.Delete(OwnerProject, State);
        }
    }

    public sealed class PlcTypeUserGroupComposition : IEnumerable<PlcTypeUserGroup>
    {
        private readonly Project _project;
        private readonly GroupState _state;
        internal PlcTypeUserGroupComposition(Project project, GroupState state) { _project = project; _state = state; }
        public int Count { get { _project.Live(); return _state.Groups.Count; } }
        public PlcTypeUserGroup Find(string name)
        {
            _project.Live();
            var g = _state.Groups.FirstOrDefault(x => x.Name == name);
            return g == null ? null : new PlcTypeUserGroup(_project, g);
        }
        public PlcTypeUserGroup Create(string name)
        {
            _project.Live();
            Faults.Check("PlcTypeUserGroupComposition.Create");
            return new PlcTypeUserGroup(_project, GroupTree.Create(_project, _state, name));
        }
        public IEnumerator<PlcTypeUserGroup> GetEnumerator()
        {
            _project.Live();
            return _state.Groups.Select(g => new PlcTypeUserGroup(_project, g)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed partial class PlcTypeComposition : IEnumerable<PlcType>
    {
        private readonly Project _project;
        private readonly GroupState _state;
        internal PlcTypeComposition(Project project, GroupState state) { _project = project; _state = state; }
        public int Count { get { _project.Live(); return _state.Items.Count; } }
        public PlcType Find(string name)
        {
            _project.Live();
            return _state.Items.Contains(name) ? new PlcType(_project, _state, name) : null;
        }

        public IList<PlcType> Import(System.IO.FileInfo path, ImportOptions importOptions)
        {
            var obj = SimaticMLStore.Import(_project, _state, path, importOptions, "SW.Types.");
            return new List<PlcType> { new PlcType(_project, _state, obj.Name) };
        }
        public IEnumerator<PlcType> GetEnumerator()
        {
            _project.Live();
            return _state.Items.Select(n => new PlcType(_project, _state, n)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcType : IEngineeringServiceProvider, Siemens.Engineering.Library.MasterCopies.IMasterCopySource
    {
        private readonly Project _project;
        private readonly GroupState _group;
        private readonly string _name;
        internal PlcType(Project project, GroupState group, string name) { _project = project; _group = group; _name = name; }

        internal ObjectState Object
        {
            get
            {
                _project.Live();
                ObjectState obj;
                if (!_group.Software.Objects.TryGetValue(_name, out obj) || !_group.Items.Contains(_name))
                    throw new EngineeringObjectDisposedException("The PLC data type object has been disposed.", "The PLC data type '" + _name + "' was deleted.", null);
                return obj;
            }
        }

        public string Name { get { _project.Live(); return _name; } }
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

        public T GetService<T>() where T : class, IEngineeringService
        {
            _project.Live();
            if (typeof(T) == typeof(ICompilable)) return new StandInCompilable(_project, null, _name) as T;
            return null;
        }
    }
}
