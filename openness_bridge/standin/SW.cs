// Stand-in for the PLC-software side of Siemens.Engineering: device items, SoftwareContainer, PlcSoftware,
// its block/type groups (classes in ProgramTree.cs, Blocks.cs and Types.cs) and the compiler service (see
// Engineering.cs for the ground rules and docs/openness-members.md for the source of every public member).
// The stand-in does NOT compile anything: Compile() answers either a result scripted by a test
// (StandIn.Control.CompilerScript) or Success with one node per object it holds.
using System;
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
            Func<int, bool> taken = n => software.Objects.Values.Any(o => o.Element == obj.Element && o.Number == n
                    && !string.Equals(o.Name, obj.Name, StringComparison.OrdinalIgnoreCase));
            if (obj.Number > 0 && taken(obj.Number))
            {
                // An automatically numbered block gets the lowest free number (OBs of program cycle from 123).
                if (!obj.AutoNumber)
                    throw new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", "The number " + obj.Number + " is already used.", null);
                var free = obj.Element == "SW.Blocks.OB" ? 123 : 1;
                while (taken(free)) free++;
                obj.Renumber(free);
            }
            ObjectState old;
            software.Objects.TryGetValue(obj.Name, out old);
            var oldDate = software.InterfaceDate(obj.Name);
            software.Remove(obj.Name);
            group.Items.Add(obj.Name);
            software.Objects[obj.Name] = obj;
            // What TIA marks: the imported object is consistent unless it names a type it cannot find; when a
            // replaced object's interface changed, everything built against it is inconsistent until compiled.
            software.Inconsistent.Remove(obj.Name);
            if (software.MissesTypes(obj)) software.Inconsistent.Add(obj.Name);
            var sameInterface = old != null && SoftwareState.Interface(old) == SoftwareState.Interface(obj) && old.InstanceOf == obj.InstanceOf;
            if (old != null && SoftwareState.Interface(old) != SoftwareState.Interface(obj)) software.MarkUsersInconsistent(obj.Name);
            // InterfaceModifiedDate: a new object's is now, a replaced one's only moves when its interface changed
            if (sameInterface) software.InterfaceDates[obj.Name] = oldDate;
            else software.InterfaceChanged(obj.Name);
            project.State.Modified = true;
            Program.ImportLog.Add(obj.Name);
            return obj;
        }

        /// <summary>The object a block or type handle names, once the project is alive; TIA's disposed-object error when
        /// it is gone from the group (deleted, or renamed through another handle).</summary>
        internal static ObjectState Live(Siemens.Engineering.Project project, GroupState group, string name, string kind, string gone)
        {
            project.Live();
            ObjectState obj;
            if (!group.Software.Objects.TryGetValue(name, out obj) || !group.Items.Contains(name))
                throw new Siemens.Engineering.EngineeringObjectDisposedException("The " + kind + " object has been disposed.", "The " + kind + " '" + name + "' was " + gone + ".", null);
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
        private readonly int _interface = -1;  // index of the interface item in the article's interfaces; -1: rack or head
        internal DeviceItem(Project project, DeviceState device, bool cpu) { _project = project; _device = device; _cpu = cpu; }
        private DeviceItem(Project project, DeviceState device, int interfaceIndex) : this(project, device, false) { _interface = interfaceIndex; }

        // HardwareObject.Name { get; set; }: the stand-in renames the head item only (its rack and interface item
        // names are derived, not stored); CPU names are unique in the project, as TIA keeps them.
        public string Name
        {
            get
            {
                _project.Live();
                if (_interface >= 0) return HardwareCatalogData.Interfaces(_device.TypeIdentifier)[_interface];
                return _cpu ? _device.ItemName : _device.Name;
            }
            set
            {
                _project.Live();
                Faults.Check("DeviceItem.Name");
                if (!_cpu || _interface >= 0)
                    throw new EngineeringNotSupportedException("The device item cannot be renamed.", "The stand-in renames only a device's head item.", null);
                if (string.IsNullOrEmpty(value) || _project.State.Devices.Any(d => d != _device && string.Equals(d.ItemName, value, StringComparison.OrdinalIgnoreCase)))
                    throw new EngineeringTargetInvocationException("The device item cannot be renamed.", "The name '" + value + "' is empty or already used.", null);
                _device.ItemName = value;
                _project.State.Modified = true;
            }
        }

        // The rack's is a system identifier, the head item's the article's "OrderNumber:<article>/<firmware>" given to
        // CreateWithItem; the stand-in gives its interface items none (TIA's are not modelled).
        public string TypeIdentifier
        {
            get
            {
                _project.Live();
                if (_interface >= 0) return "";
                return _cpu ? _device.TypeIdentifier : Device.StationTypeIdentifier(_device, "System:Rack");
            }
        }

        // DeviceItem.Classification: the head item of a PLC is the CPU, of an IO device the head module (HM).
        public DeviceItemClassifications Classification
        {
            get
            {
                _project.Live();
                if (!_cpu || _interface >= 0) return DeviceItemClassifications.None;
                var role = HardwareCatalogData.Role(_device.TypeIdentifier);
                return role == "plc" ? DeviceItemClassifications.CPU : role == "io-device" ? DeviceItemClassifications.HM : DeviceItemClassifications.None;
            }
        }

        // The stand-in's device has a rack item whose one child is the head item named at CreateWithItem; the head
        // item's children are its built-in interface items ("PROFINET interface_1", ..., Catalog.cs per article).
        public DeviceItemComposition DeviceItems
        {
            get
            {
                _project.Live();
                var items = new List<DeviceItem>();
                if (_interface >= 0) return new DeviceItemComposition(_project, items);
                if (!_cpu) items.Add(new DeviceItem(_project, _device, true));
                else items.AddRange(HardwareCatalogData.Interfaces(_device.TypeIdentifier).Select((_, i) => new DeviceItem(_project, _device, i)));
                return new DeviceItemComposition(_project, items);
            }
        }

        // HardwareObject.CanPlugNew (15.1 stub). The stand-in's rack (the outer item of a CPU device) takes modules
        // in positions 2 to 31, as an S7-1500 rack; the CPU sits in 1 and nothing else is ever plugged.
        public bool CanPlugNew(string typeIdentifier, string name, int positionNumber)
        {
            _project.Live();
            Faults.Check("DeviceItem.CanPlugNew");
            if (_cpu || _interface >= 0 || !Catalog.IsCpu(_device.TypeIdentifier) || HardwareCatalogData.Role(typeIdentifier) != "module") return false;
            return positionNumber >= 2 && positionNumber <= 31;
        }

        public T GetService<T>() where T : class, IEngineeringService
        {
            _project.Live();
            // An interface item offers its NetworkInterface and nothing else the stand-in models.
            if (_interface >= 0)
                return typeof(T) == typeof(Siemens.Engineering.HW.Features.NetworkInterface) ? Network.InterfaceOf(_project, _device, _interface) as T : null;
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

    // What kind of module a device item is (the stand-in tells only CPUs and head modules from the rest).
    public enum DeviceItemClassifications { None, CPU, HM }

    public sealed class DeviceItemComposition : CountedComposition<DeviceItem>
    {
        private readonly Project _project;
        private readonly List<DeviceItem> _items;
        internal DeviceItemComposition(Project project, List<DeviceItem> items) { _project = project; _items = items; }
        internal override IEnumerable<DeviceItem> Items() { _project.Live(); return _items; }
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
    public sealed partial class PlcSoftware : Siemens.Engineering.HW.Software, IEngineeringServiceProvider, Siemens.Engineering.Library.Types.IInstanceSearchScope
    {
        internal PlcSoftware(Project project, DeviceState device) : base(project, device) { }

        public PlcBlockSystemGroup BlockGroup { get { OwnerProject.Live(); return new PlcBlockSystemGroup(OwnerProject, Device.Software.Blocks); } }
        public PlcTypeSystemGroup TypeGroup { get { OwnerProject.Live(); return new PlcTypeSystemGroup(OwnerProject, Device.Software.Types); } }

        public T GetService<T>() where T : class, IEngineeringService
        {
            OwnerProject.Live();
            if (typeof(T) == typeof(ICompilable)) return new StandInCompilable(OwnerProject, Device, null) as T;
            if (typeof(T) == typeof(Siemens.Engineering.SW.Units.PlcUnitProvider)) return Siemens.Engineering.SW.Units.PlcUnitProvider.Of(OwnerProject, Device) as T;
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

    public sealed class CompilerResultMessageComposition : ListComposition<CompilerResultMessage> { internal CompilerResultMessageComposition(List<CompilerResultMessage> items) : base(items) { } }

    // Not Siemens API: the object GetService<ICompilable>() hands out in the stand-in (Openness returns its own
    // internal implementation; only the interface is public).
    internal sealed class StandInCompilable : ICompilable
    {
        private readonly Project _project;
        private readonly DeviceState _software;
        private readonly string _object;
        internal StandInCompilable(Project project, DeviceState software, string obj) { _project = project; _software = software; _object = obj; }

        /// <summary>GetService&lt;T&gt;() of a block, type or HMI device: ICompilable, nothing else.</summary>
        internal static T Offer<T>(Project project, string obj) where T : class
        {
            project.Live();
            return typeof(T) == typeof(ICompilable) ? new StandInCompilable(project, null, obj) as T : null;
        }

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
