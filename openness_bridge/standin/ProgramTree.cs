// Stand-in for the three program trees of a PLC's software, side by side: block groups (Siemens.Engineering.SW.Blocks),
// PLC data type groups (SW.Types) and external source groups (SW.ExternalSources), each with its system group, user
// groups and the composition of its objects (see Engineering.cs for the ground rules and openness_bridge/README.md for
// the source of every public member). The groups behave alike in TIA, so their logic is written once in
// StandIn.Control (ProgramGroup, UserGroupComposition, GroupItemComposition, GroupTree); the objects themselves are in
// Blocks.cs, Types.cs and Sources.cs.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StandIn.Control;

namespace Siemens.Engineering.SW.Blocks
{
    public abstract class PlcBlockGroup : ProgramGroup<PlcBlockUserGroupComposition>
    {
        internal PlcBlockGroup(Project project, GroupState state) : base(project, state, (p, s) => new PlcBlockUserGroupComposition(p, s)) { }
        public PlcBlockComposition Blocks { get { OwnerProject.Live(); return new PlcBlockComposition(OwnerProject, State); } }
    }

    public sealed class PlcBlockSystemGroup : PlcBlockGroup { internal PlcBlockSystemGroup(Project p, GroupState s) : base(p, s) { } }

    public sealed class PlcBlockUserGroup : PlcBlockGroup
    {
        internal PlcBlockUserGroup(Project p, GroupState s) : base(p, s) { }
        public void Delete() { DeleteUserGroup(); }
    }

    public sealed class PlcBlockUserGroupComposition : UserGroupComposition<PlcBlockUserGroup>
    {
        internal PlcBlockUserGroupComposition(Project project, GroupState state) : base(project, state, g => new PlcBlockUserGroup(project, g)) { }
    }

    public sealed partial class PlcBlockComposition : GroupItemComposition<PlcBlock>
    {
        internal PlcBlockComposition(Project project, GroupState state) : base(project, state, name => PlcBlock.Make(project, state, name)) { }
        public IList<PlcBlock> Import(FileInfo path, ImportOptions importOptions) { return ImportDocument(path, importOptions, "SW.Blocks."); }
    }
}

namespace Siemens.Engineering.SW.Types
{
    public abstract class PlcTypeGroup : ProgramGroup<PlcTypeUserGroupComposition>
    {
        internal PlcTypeGroup(Project project, GroupState state) : base(project, state, (p, s) => new PlcTypeUserGroupComposition(p, s)) { }
        public PlcTypeComposition Types { get { OwnerProject.Live(); return new PlcTypeComposition(OwnerProject, State); } }
    }

    public sealed class PlcTypeSystemGroup : PlcTypeGroup { internal PlcTypeSystemGroup(Project p, GroupState s) : base(p, s) { } }

    // Deleting a user group deletes its types too; their users turn inconsistent.
    public sealed class PlcTypeUserGroup : PlcTypeGroup
    {
        internal PlcTypeUserGroup(Project p, GroupState s) : base(p, s) { }
        public void Delete() { DeleteUserGroup(); }
    }

    public sealed class PlcTypeUserGroupComposition : UserGroupComposition<PlcTypeUserGroup>
    {
        internal PlcTypeUserGroupComposition(Project project, GroupState state) : base(project, state, g => new PlcTypeUserGroup(project, g)) { }
    }

    public sealed partial class PlcTypeComposition : GroupItemComposition<PlcType>
    {
        internal PlcTypeComposition(Project project, GroupState state) : base(project, state, name => new PlcType(project, state, name)) { }
        public IList<PlcType> Import(FileInfo path, ImportOptions importOptions) { return ImportDocument(path, importOptions, "SW.Types."); }
    }
}

namespace Siemens.Engineering.SW.ExternalSources
{
    public abstract class PlcExternalSourceGroup : ProgramGroup<PlcExternalSourceUserGroupComposition>
    {
        internal PlcExternalSourceGroup(Project project, GroupState state) : base(project, state, (p, s) => new PlcExternalSourceUserGroupComposition(p, s)) { }
        public PlcExternalSourceComposition ExternalSources { get { OwnerProject.Live(); return new PlcExternalSourceComposition(OwnerProject, State); } }
    }

    public sealed class PlcExternalSourceSystemGroup : PlcExternalSourceGroup { internal PlcExternalSourceSystemGroup(Project p, GroupState s) : base(p, s) { } }

    public sealed class PlcExternalSourceUserGroup : PlcExternalSourceGroup
    {
        internal PlcExternalSourceUserGroup(Project p, GroupState s) : base(p, s) { }
        public void Delete() { DeleteUserGroup(); }
    }

    public sealed class PlcExternalSourceUserGroupComposition : UserGroupComposition<PlcExternalSourceUserGroup>
    {
        internal PlcExternalSourceUserGroupComposition(Project project, GroupState state) : base(project, state, g => new PlcExternalSourceUserGroup(project, g)) { }
    }

    // CreateFromFile is in Sources.cs.
    public sealed partial class PlcExternalSourceComposition : GroupItemComposition<PlcExternalSource>
    {
        internal PlcExternalSourceComposition(Project project, GroupState state) : base(project, state, name => new PlcExternalSource(project, state, name)) { }
    }
}

namespace StandIn.Control
{
    /// <summary>Name and Groups of a program-tree group, which Openness declares on each kind's group class, and Delete of
    /// a user group (the fault point is "&lt;class&gt;.Delete", e.g. "PlcBlockUserGroup.Delete").</summary>
    public abstract class ProgramGroup<TGroups>
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        internal readonly GroupState State;
        private readonly Func<Siemens.Engineering.Project, GroupState, TGroups> _groups;
        internal ProgramGroup(Siemens.Engineering.Project project, GroupState state, Func<Siemens.Engineering.Project, GroupState, TGroups> groups)
        {
            OwnerProject = project;
            State = state;
            _groups = groups;
        }

        public string Name { get { OwnerProject.Live(); return State.Name; } }
        public TGroups Groups { get { OwnerProject.Live(); return _groups(OwnerProject, State); } }

        // TIA deletes the group with its subgroups and everything in them.
        internal void DeleteUserGroup()
        {
            OwnerProject.Live();
            Faults.Check(GetType().Name + ".Delete");
            GroupTree.Delete(OwnerProject, State);
        }
    }

    /// <summary>The user groups of a program-tree group: Find by exact name (one level, like every Openness Find),
    /// Create with TIA's name rules (the fault point is "&lt;class&gt;.Create").</summary>
    public abstract class UserGroupComposition<TGroup> : CountedComposition<TGroup> where TGroup : class
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly GroupState _state;
        private readonly Func<GroupState, TGroup> _wrap;
        internal UserGroupComposition(Siemens.Engineering.Project project, GroupState state, Func<GroupState, TGroup> wrap) { _project = project; _state = state; _wrap = wrap; }

        internal override IEnumerable<TGroup> Items() { _project.Live(); return _state.Groups.Select(_wrap); }

        public TGroup Find(string name)
        {
            _project.Live();
            var group = _state.Groups.FirstOrDefault(g => g.Name == name);
            return group == null ? null : _wrap(group);
        }

        public TGroup Create(string name)
        {
            _project.Live();
            Faults.Check(GetType().Name + ".Create");
            return _wrap(GroupTree.Create(_project, _state, name));
        }
    }

    /// <summary>The objects of one program-tree group by name; Find looks one level only, like Openness.</summary>
    public abstract class GroupItemComposition<T> : CountedComposition<T> where T : class
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        internal readonly GroupState State;
        private readonly Func<string, T> _make;
        internal GroupItemComposition(Siemens.Engineering.Project project, GroupState state, Func<string, T> make) { OwnerProject = project; State = state; _make = make; }

        internal override IEnumerable<T> Items() { OwnerProject.Live(); return State.Items.Select(_make); }
        internal T Make(string name) { return _make(name); }

        public T Find(string name)
        {
            OwnerProject.Live();
            Calls.Count(GetType().Name + ".Find");
            return State.Items.Contains(name) ? _make(name) : null;
        }

        /// <summary>Import(FileInfo, ImportOptions) of a SimaticML document of <paramref name="prefix"/>'s kind into this group.</summary>
        internal IList<T> ImportDocument(FileInfo path, Siemens.Engineering.ImportOptions options, string prefix)
        {
            return new List<T> { _make(SimaticMLStore.Import(OwnerProject, State, path, options, prefix).Name) };
        }
    }

    // User groups of every kind (blocks, types, external sources) behave alike in TIA: not Siemens API.
    internal static class GroupTree
    {
        internal static GroupState Create(Siemens.Engineering.Project project, GroupState parent, string name)
        {
            NewName.Check(name, parent.Groups.Select(g => g.Name), "The group cannot be created.", "A group name must not be empty.", "A group named '" + name + "' already exists here.");
            var group = new GroupState { Name = name, Software = parent.Software };
            parent.Groups.Add(group);
            project.State.Modified = true;
            return group;
        }

        internal static void Delete(Siemens.Engineering.Project project, GroupState group)
        {
            var software = group.Software;
            var parent = software.Roots().Concat(software.UnitRoots()).Concat(software.UnitSourceRoots()).SelectMany(r => r.Walk()).FirstOrDefault(g => g.Groups.Contains(group));
            if (parent == null)
                throw new Siemens.Engineering.EngineeringObjectDisposedException("The group object has been disposed.", "The group '" + group.Name + "' was deleted.", null);
            var names = group.All().ToList();
            parent.Groups.Remove(group);
            if (new[] { software.Sources }.Concat(software.UnitSourceRoots()).SelectMany(r => r.Walk()).Contains(group))
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
