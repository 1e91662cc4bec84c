// Stand-in for the PLC-software side of Siemens.Engineering: device items, SoftwareContainer, PlcSoftware,
// its block/type/tag-table groups and the compiler service (see Engineering.cs for the ground rules and
// openness_bridge/README.md "Member table" for the source of every public member).
// The stand-in does NOT compile anything: Compile() answers either a result scripted by a test
// (StandIn.Control.CompilerScript) or Success with one node per object it holds.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering.Compiler;
using Siemens.Engineering.SW;
using Siemens.Engineering.SW.Blocks;
using Siemens.Engineering.SW.Types;
using StandIn.Control;

namespace Siemens.Engineering
{
    public enum ImportOptions { None = 0, Override = 1 }

    [Flags]
    public enum ExportOptions { None = 0, WithDefaults = 1, WithReadOnly = 2 }
}

namespace StandIn.Control
{
    // Import/export rules shared by the block and type compositions (not Siemens API).
    internal static class SimaticMLStore
    {
        internal static ObjectState Import(Siemens.Engineering.Project project, GroupState group, System.IO.FileInfo path, Siemens.Engineering.ImportOptions options, string prefix)
        {
            project.Live();
            Faults.Check("Import");
            if (!path.Exists)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", "The file '" + path.FullName + "' does not exist.", null);
            var obj = ObjectState.Read(System.IO.File.ReadAllBytes(path.FullName));
            if (obj == null || !obj.Element.StartsWith(prefix, StringComparison.Ordinal))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", "The file is not a SimaticML document of this kind (" + prefix + "*).", null);
            var software = group.Software;
            if (software.Objects.ContainsKey(obj.Name) && options != Siemens.Engineering.ImportOptions.Override)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", "An object named '" + obj.Name + "' already exists.", null);
            if (obj.InstanceOf != null && !software.Objects.ContainsKey(obj.InstanceOf))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", "The instance DB '" + obj.Name + "' refers to the missing block '" + obj.InstanceOf + "'.", null);
            if (obj.Number > 0 && software.Objects.Values.Any(o => o.Element == obj.Element && o.Number == obj.Number
                    && !string.Equals(o.Name, obj.Name, StringComparison.OrdinalIgnoreCase)))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", "The number " + obj.Number + " is already used.", null);
            software.Remove(obj.Name);
            group.Items.Add(obj.Name);
            software.Objects[obj.Name] = obj;
            project.State.Modified = true;
            Program.ImportLog.Add(obj.Name);
            return obj;
        }

        internal static void Export(Siemens.Engineering.Project project, SoftwareState software, string name, System.IO.FileInfo path)
        {
            project.Live();
            Faults.Check("Export");
            if (path.Exists)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The export failed.", "The file '" + path.FullName + "' already exists.", null);
            // Written as TIA writes its exports: UTF-8 with a byte-order mark (the held bytes, BOM added if missing).
            var xml = software.Objects[name].Xml;
            var bom = new byte[] { 0xEF, 0xBB, 0xBF };
            var hasBom = xml.Length >= 3 && xml[0] == 0xEF && xml[1] == 0xBB && xml[2] == 0xBF;
            System.IO.File.WriteAllBytes(path.FullName, hasBom ? xml : bom.Concat(xml).ToArray());
        }
    }
}

namespace Siemens.Engineering.HW
{
    public sealed class DeviceItem : IEngineeringServiceProvider
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly bool _cpu;
        internal DeviceItem(Project project, DeviceState device, bool cpu) { _project = project; _device = device; _cpu = cpu; }

        public string Name { get { _project.Live(); return _cpu ? _device.ItemName : _device.Name; } }

        // The stand-in's device has a rack item whose one child is the item named at CreateWithItem.
        public DeviceItemComposition DeviceItems
        {
            get
            {
                _project.Live();
                var items = new List<DeviceItem>();
                if (!_cpu) items.Add(new DeviceItem(_project, _device, true));
                return new DeviceItemComposition(_project, items);
            }
        }

        public T GetService<T>() where T : class, IEngineeringService
        {
            _project.Live();
            if (typeof(T) == typeof(Siemens.Engineering.HW.Features.SoftwareContainer) && _cpu && _device.Software != null)
                return new Siemens.Engineering.HW.Features.SoftwareContainer(new PlcSoftware(_project, _device)) as T;
            // Other services (OnlineProvider, DownloadProvider, NetworkInterface...) come from the areas' providers.
            foreach (var services in Parts.DeviceItemServices)
            {
                var service = services.Provide(typeof(T), _project, _device, _cpu) as T;
                if (service != null) return service;
            }
            return null;
        }
    }

    public sealed class DeviceItemComposition : IEnumerable<DeviceItem>
    {
        private readonly Project _project;
        private readonly List<DeviceItem> _items;
        internal DeviceItemComposition(Project project, List<DeviceItem> items) { _project = project; _items = items; }
        public int Count { get { _project.Live(); return _items.Count; } }
        public IEnumerator<DeviceItem> GetEnumerator() { _project.Live(); return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public class Software
    {
        internal readonly Project OwnerProject;
        internal readonly DeviceState Device;
        internal Software(Project project, DeviceState device) { OwnerProject = project; Device = device; }
        public string Name { get { OwnerProject.Live(); return Device.Name; } }
    }
}

namespace Siemens.Engineering.SW
{
    // Partial: each area (Tags.cs, Watch.cs, ...) adds its group property in its own file.
    public sealed partial class PlcSoftware : Siemens.Engineering.HW.Software, IEngineeringServiceProvider
    {
        internal PlcSoftware(Project project, DeviceState device) : base(project, device) { }

        public PlcBlockSystemGroup BlockGroup { get { OwnerProject.Live(); return new PlcBlockSystemGroup(OwnerProject, Device.Software.Blocks); } }
        public PlcTypeSystemGroup TypeGroup { get { OwnerProject.Live(); return new PlcTypeSystemGroup(OwnerProject, Device.Software.Types); } }

        public T GetService<T>() where T : class, IEngineeringService
        {
            OwnerProject.Live();
            if (typeof(T) == typeof(ICompilable)) return new StandInCompilable(OwnerProject, Device, null) as T;
            return null;
        }
    }
}

namespace Siemens.Engineering.SW.Blocks
{
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
    public sealed class PlcBlockUserGroup : PlcBlockGroup { internal PlcBlockUserGroup(Project p, GroupState s) : base(p, s) { } }

    public sealed class PlcBlockUserGroupComposition : IEnumerable<PlcBlockUserGroup>
    {
        private readonly Project _project;
        private readonly GroupState _state;
        internal PlcBlockUserGroupComposition(Project project, GroupState state) { _project = project; _state = state; }
        public PlcBlockUserGroup Find(string name)
        {
            _project.Live();
            var g = _state.Groups.FirstOrDefault(x => x.Name == name);
            return g == null ? null : new PlcBlockUserGroup(_project, g);
        }
        public IEnumerator<PlcBlockUserGroup> GetEnumerator()
        {
            _project.Live();
            return _state.Groups.Select(g => new PlcBlockUserGroup(_project, g)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcBlockComposition : IEnumerable<PlcBlock>
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

    public abstract class PlcBlock : IEngineeringServiceProvider
    {
        private readonly Project _project;
        private readonly GroupState _group;
        private readonly string _name;
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

        internal ObjectState Object { get { _project.Live(); return _group.Software.Objects[_name]; } }
        public string Name { get { _project.Live(); return _name; } }
        public int Number { get { return Object.Number; } }
        // The stand-in does not compile: every block it holds reports consistent.
        public bool IsConsistent { get { _project.Live(); return true; } }
        public void Export(System.IO.FileInfo path, ExportOptions exportOptions) { SimaticMLStore.Export(_project, _group.Software, _name, path); }
        public T GetService<T>() where T : class, IEngineeringService
        {
            _project.Live();
            if (typeof(T) == typeof(ICompilable)) return new StandInCompilable(_project, null, _name) as T;
            return null;
        }
    }
}

namespace Siemens.Engineering.SW.Blocks
{
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
    public sealed class PlcTypeUserGroup : PlcTypeGroup { internal PlcTypeUserGroup(Project p, GroupState s) : base(p, s) { } }

    public sealed class PlcTypeUserGroupComposition : IEnumerable<PlcTypeUserGroup>
    {
        private readonly Project _project;
        private readonly GroupState _state;
        internal PlcTypeUserGroupComposition(Project project, GroupState state) { _project = project; _state = state; }
        public PlcTypeUserGroup Find(string name)
        {
            _project.Live();
            var g = _state.Groups.FirstOrDefault(x => x.Name == name);
            return g == null ? null : new PlcTypeUserGroup(_project, g);
        }
        public IEnumerator<PlcTypeUserGroup> GetEnumerator()
        {
            _project.Live();
            return _state.Groups.Select(g => new PlcTypeUserGroup(_project, g)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcTypeComposition : IEnumerable<PlcType>
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

    public sealed class PlcType : IEngineeringServiceProvider
    {
        private readonly Project _project;
        private readonly GroupState _group;
        private readonly string _name;
        internal PlcType(Project project, GroupState group, string name) { _project = project; _group = group; _name = name; }
        public string Name { get { _project.Live(); return _name; } }
        public bool IsConsistent { get { _project.Live(); return true; } }
        public void Export(System.IO.FileInfo path, ExportOptions exportOptions) { SimaticMLStore.Export(_project, _group.Software, _name, path); }
        public T GetService<T>() where T : class, IEngineeringService
        {
            _project.Live();
            if (typeof(T) == typeof(ICompilable)) return new StandInCompilable(_project, null, _name) as T;
            return null;
        }
    }
}

namespace Siemens.Engineering.Compiler
{
    public enum CompilerResultState { Success = 0, Information = 1, Warning = 2, Error = 3 }

    public interface ICompilable : IEngineeringService
    {
        CompilerResult Compile();
    }

    public sealed class CompilerResult
    {
        internal CompilerResult(CompilerResultState state, int errors, int warnings, List<CompilerResultMessage> messages)
        { State = state; ErrorCount = errors; WarningCount = warnings; Messages = new CompilerResultMessageComposition(messages); }
        public CompilerResultState State { get; private set; }
        public int ErrorCount { get; private set; }
        public int WarningCount { get; private set; }
        public CompilerResultMessageComposition Messages { get; private set; }
    }

    public sealed class CompilerResultMessage
    {
        internal CompilerResultMessage(string path, string description, CompilerResultState state, int errors, int warnings, List<CompilerResultMessage> messages)
        {
            Path = path; Description = description; State = state; ErrorCount = errors; WarningCount = warnings;
            DateTime = System.DateTime.Now; Messages = new CompilerResultMessageComposition(messages);
        }
        public string Path { get; private set; }
        public string Description { get; private set; }
        public CompilerResultState State { get; private set; }
        public int ErrorCount { get; private set; }
        public int WarningCount { get; private set; }
        public DateTime DateTime { get; private set; }
        public CompilerResultMessageComposition Messages { get; private set; }
    }

    public sealed class CompilerResultMessageComposition : IEnumerable<CompilerResultMessage>
    {
        private readonly List<CompilerResultMessage> _items;
        internal CompilerResultMessageComposition(List<CompilerResultMessage> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public IEnumerator<CompilerResultMessage> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    // Not Siemens API: the object GetService<ICompilable>() hands out in the stand-in (Openness returns its own
    // internal implementation; only the interface is public).
    internal sealed class StandInCompilable : ICompilable
    {
        private readonly Project _project;
        private readonly DeviceState _software;
        private readonly string _object;
        internal StandInCompilable(Project project, DeviceState software, string obj) { _project = project; _software = software; _object = obj; }

        public CompilerResult Compile()
        {
            _project.Live();
            Faults.Check("ICompilable.Compile");
            var scripted = CompilerScript.Take();
            if (scripted != null) return scripted;
            var children = new List<CompilerResultMessage>();
            var path = _software != null ? _software.Name : _object;
            if (_software != null)
                foreach (var name in _software.Software.Types.All().Concat(_software.Software.Blocks.All()))
                    children.Add(new CompilerResultMessage(path + "/" + name, name, CompilerResultState.Success, 0, 0, new List<CompilerResultMessage>()));
            var top = new CompilerResultMessage(path, "", CompilerResultState.Success, 0, 0, children);
            return new CompilerResult(CompilerResultState.Success, 0, 0, new List<CompilerResultMessage> { top });
        }
    }
}
