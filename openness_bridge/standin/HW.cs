// Stand-in for Siemens.Engineering.HW: devices of a project (see Engineering.cs for the ground rules).
using System;
using System.Collections.Generic;
using System.Linq;
using StandIn.Control;

namespace Siemens.Engineering.HW
{
    public sealed partial class Device : IEngineeringServiceProvider
    {
        private readonly Project _project;
        internal readonly DeviceState State;
        internal Device(Project project, DeviceState state) { _project = project; State = state; }

        public string Name
        {
            get { Live(); return State.Name; }
            set
            {
                Live();
                Faults.Check("Device.Name");
                if (string.IsNullOrEmpty(value) || _project.State.Devices.Any(d => d != State && string.Equals(d.Name, value, StringComparison.OrdinalIgnoreCase)))
                    throw new EngineeringTargetInvocationException("The device cannot be renamed.", "The name '" + value + "' is empty or already used.", null);
                State.Name = value;
                _project.State.Modified = true;
            }
        }

        // IEngineeringDeletable.Delete: the device goes with its software; its IO system and IO system assignment go
        // with it, the subnet stays (Network.cs).
        public void Delete()
        {
            Live();
            Faults.Check("Device.Delete");
            Network.Unassign(_project.State, State);
            _project.State.Devices.Remove(State);
            _project.State.Modified = true;
        }

        // CreateWithItem makes a station: the device's own type identifier is a system one naming the family
        // ("System:Device.S71500"); the article's "OrderNumber:..." is the head device item's (SW.cs).
        public string TypeIdentifier { get { Live(); return StationTypeIdentifier(State, "System:Device"); } }

        /// <summary>"System:Device.&lt;family&gt;" or "System:Rack.&lt;family&gt;" for a device of this article;
        /// the bare prefix where the catalog does not know the article.</summary>
        internal static string StationTypeIdentifier(DeviceState state, string prefix)
        {
            var family = HardwareCatalogData.Family(state.TypeIdentifier);
            return family == null ? prefix : prefix + "." + family;
        }

        public DeviceItemComposition DeviceItems
        {
            get { Live(); return new DeviceItemComposition(_project, new List<DeviceItem> { new DeviceItem(_project, State, false) }); }
        }

        public T GetService<T>() where T : class, IEngineeringService { Live(); return null; }

        private void Live() { _project.Live(() => _project.State.Devices.Contains(State), "The device object has been disposed.", ""); }
    }

    // The devices of one place in the project tree: the project's top level (Project.Devices), the "Ungrouped devices"
    // system group, or a device user group (DeviceState.Group: null, DeviceGroups.Ungrouped, or the group path).
    public sealed class DeviceComposition : NamedComposition<Device>
    {
        private readonly Project _project;
        private readonly string _group;
        internal DeviceComposition(Project project) : this(project, null) { }
        internal DeviceComposition(Project project, string group)
            : base(project, () => project.State.Devices.Where(d => d.Group == group).Select(d => new Device(project, d)), d => d.State.Name) { _project = project; _group = group; }

        public Device CreateWithItem(string typeIdentifier, string name, string deviceName)
        {
            _project.Live();
            Faults.Check("DeviceComposition.CreateWithItem");
            if (string.IsNullOrEmpty(typeIdentifier) || !typeIdentifier.StartsWith("OrderNumber:", StringComparison.Ordinal))
                throw new EngineeringTargetInvocationException("The device cannot be created.", "Invalid type identifier '" + typeIdentifier + "'.", null);
            var refusal = HardwareCatalogData.Refusal(typeIdentifier);
            if (refusal != null)
                throw new EngineeringTargetInvocationException("The device cannot be created.", refusal, null);
            if (_project.State.Devices.Any(d => string.Equals(d.Name, deviceName, StringComparison.OrdinalIgnoreCase)))
                throw new EngineeringTargetInvocationException("The device cannot be created.", "The name '" + deviceName + "' is already used.", null);
            var state = DeviceState.Make(deviceName, name, typeIdentifier);
            state.Group = _group;
            if (state.Software != null) MainOb.Add(state.Software, Machine.Version);  // TIA adds a CPU with its OB1
            _project.State.Devices.Add(state);
            _project.State.Modified = true;
            return new Device(_project, state);
        }
    }

    // Project.UngroupedDevicesGroup
    public sealed class DeviceSystemGroup
    {
        private readonly Project _project;
        internal DeviceSystemGroup(Project project) { _project = project; }
        public string Name { get { _project.Live(); return "Ungrouped devices"; } }
        public DeviceComposition Devices { get { _project.Live(); return new DeviceComposition(_project, DeviceGroups.Ungrouped); } }
    }

    public sealed class DeviceUserGroup
    {
        private readonly Project _project;
        internal readonly string Path;
        internal DeviceUserGroup(Project project, string path) { _project = project; Path = path; }
        public string Name { get { Live(); return Path.Split('/').Last(); } }
        public DeviceComposition Devices { get { Live(); return new DeviceComposition(_project, Path); } }
        public DeviceUserGroupComposition Groups { get { Live(); return new DeviceUserGroupComposition(_project, Path); } }

        private void Live() { _project.Live(() => _project.State.DeviceGroups.Contains(Path), "The device group object has been disposed.", ""); }
    }

    // Project.DeviceGroups and DeviceUserGroup.Groups: the user groups one level below a place.
    public sealed class DeviceUserGroupComposition : NamedComposition<DeviceUserGroup>
    {
        private readonly Project _project;
        private readonly string _parent;
        internal DeviceUserGroupComposition(Project project, string parent)
            : base(project, () => Below(project, parent).Select(g => new DeviceUserGroup(project, g)), g => g.Path.Split('/').Last()) { _project = project; _parent = parent; }

        private static IEnumerable<string> Below(Project project, string parent)
        {
            return project.State.DeviceGroups.Where(g => parent == null ? g.IndexOf('/') < 0 : g.StartsWith(parent + "/", StringComparison.Ordinal) && g.IndexOf('/', parent.Length + 1) < 0);
        }

        public DeviceUserGroup Create(string name)
        {
            _project.Live();
            Faults.Check("DeviceUserGroupComposition.Create");
            if (string.IsNullOrEmpty(name) || name.Contains("/") || Find(name) != null)
                throw new EngineeringTargetInvocationException("The group cannot be created.", "The name '" + name + "' is empty, invalid or already used.", null);
            var path = _parent == null ? name : _parent + "/" + name;
            _project.State.DeviceGroups.Add(path);
            _project.State.Modified = true;
            return new DeviceUserGroup(_project, path);
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        /// <summary>Where the device sits in the project tree: null (top level), <see cref="DeviceGroups.Ungrouped"/>,
        /// or a device user group path ("Line A/Cell 1").</summary>
        internal string Group;
    }

    internal sealed partial class ProjectState
    {
        /// <summary>Paths of the device user groups ("Line A", "Line A/Cell 1").</summary>
        internal readonly List<string> DeviceGroups = new List<string>();
    }

    /// <summary>Moves devices in the project tree as a user would by drag and drop (Openness cannot move devices).</summary>
    public static class DeviceGroups
    {
        internal const string Ungrouped = "\u0001ungrouped";

        /// <summary>Put <paramref name="device"/> of the project open in process <paramref name="pid"/> into the group
        /// path <paramref name="groupPath"/> ("A/B", created as needed), into "Ungrouped devices" for "", or back to the
        /// top level for null.</summary>
        public static void Move(int pid, string device, string groupPath)
        {
            var project = Machine.Processes.First(p => p.Id == pid && p.Alive).Project;
            var state = project.Devices.First(d => d.Name == device);
            if (groupPath == null) state.Group = null;
            else if (groupPath.Length == 0) state.Group = Ungrouped;
            else
            {
                var parts = groupPath.Split('/');
                for (var i = 1; i <= parts.Length; i++)
                {
                    var path = string.Join("/", parts.Take(i));
                    if (!project.DeviceGroups.Contains(path)) project.DeviceGroups.Add(path);
                }
                state.Group = groupPath;
            }
            project.Modified = true;
        }
    }

    /// <summary>Device groups and where each device sits, in the project file.</summary>
    internal sealed class DeviceGroupPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var g in project.DeviceGroups) yield return new[] { "hw.group", Record.Text(g) };
            foreach (var d in project.Devices.Where(x => x.Group != null)) yield return new[] { "hw.placed", Record.Text(d.Name), Record.Text(d.Group) };
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields[0] == "hw.group") { project.DeviceGroups.Add(Record.Untext(fields[1])); return true; }
            if (fields[0] != "hw.placed") return false;
            var name = Record.Untext(fields[1]);
            project.Devices.First(d => d.Name == name).Group = Record.Untext(fields[2]);
            return true;
        }
    }
}

namespace Siemens.Engineering.HW.Features
{
    // Offered by a CPU's device item (DeviceItem.GetService<SoftwareContainer>()); null elsewhere.
    public sealed class SoftwareContainer : IEngineeringService
    {
        internal SoftwareContainer(Software software) { Software = software; }
        public Software Software { get; private set; }
    }
}
