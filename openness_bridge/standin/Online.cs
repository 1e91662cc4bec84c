// Stand-in for Siemens.Engineering.Connection and Siemens.Engineering.Online: a CPU's connection configuration
// (mode "PN/IE", PC interface "PLCSIM", target interface "1 X1") and OnlineProvider (see Engineering.cs for the
// ground rules). The target is a StandIn.Wire.VirtualCpu (a PLCSIM Advanced instance) found by the device's
// PROFINET address, or, over the "PLCSIM" PC interface, the only Softbus instance without an address.
using System;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering;
using StandIn.Control;
using StandIn.Wire;

namespace Siemens.Engineering.Connection
{
    /// <summary>A connection path to a device (what DownloadProvider.Download takes).</summary>
    public interface IConfiguration { }

    public sealed partial class ConnectionConfiguration
    {
        internal readonly OnlineLink Link;
        internal ConnectionConfiguration(OnlineLink link) { Link = link; }

        public ConfigurationModeComposition Modes
        {
            get { Link.Live(); return new ConfigurationModeComposition(new List<ConfigurationMode> { new ConfigurationMode(Link, "PN/IE") }); }
        }

        /// <summary>"If online is configured, then apply the configuration" (15.1 stub); true when applied.</summary>
        public bool ApplyConfiguration(ConfigurationTargetInterface targetInterface)
        {
            Link.Live();
            Faults.Check("ConnectionConfiguration.ApplyConfiguration");
            if (targetInterface == null || targetInterface.Link.Key != Link.Key) return false;
            Link.Session.PcInterface = targetInterface.PcInterface;
            Link.Session.Address = null;
            return true;
        }

        public bool ApplyConfiguration(ConfigurationAddress address)
        {
            Link.Live();
            Faults.Check("ConnectionConfiguration.ApplyConfiguration");
            if (address == null || address.Target.Link.Key != Link.Key) return false;
            Link.Session.PcInterface = address.Target.PcInterface;
            Link.Session.Address = address.Address;
            return true;
        }
    }

    public sealed class ConfigurationMode
    {
        private readonly OnlineLink _link;
        internal ConfigurationMode(OnlineLink link, string name) { _link = link; Name = name; }
        public string Name { get; private set; }

        // PLCSIM (S7-PLCSIM / PLCSIM Advanced over Softbus) is PC interface number 1.
        public ConfigurationPcInterfaceComposition PcInterfaces
        {
            get { _link.Live(); return new ConfigurationPcInterfaceComposition(new List<ConfigurationPcInterface> { new ConfigurationPcInterface(_link, "PLCSIM", 1) }); }
        }
    }

    public sealed class ConfigurationModeComposition : ListComposition<ConfigurationMode>
    {
        internal ConfigurationModeComposition(List<ConfigurationMode> items) : base(items) { }
        public ConfigurationMode Find(string name) { return First(m => m.Name == name); }
    }

    public sealed class ConfigurationPcInterface
    {
        private readonly OnlineLink _link;
        internal ConfigurationPcInterface(OnlineLink link, string name, int number) { _link = link; Name = name; Number = number; }
        public string Name { get; private set; }
        public int Number { get; private set; }

        // The CPU's PROFINET interface as TIA names it in the connection dialog.
        public ConfigurationTargetInterfaceComposition TargetInterfaces
        {
            get { _link.Live(); return new ConfigurationTargetInterfaceComposition(new List<ConfigurationTargetInterface> { new ConfigurationTargetInterface(_link, Name, "1 X1") }); }
        }
    }

    public sealed class ConfigurationPcInterfaceComposition : ListComposition<ConfigurationPcInterface>
    {
        internal ConfigurationPcInterfaceComposition(List<ConfigurationPcInterface> items) : base(items) { }
        public ConfigurationPcInterface Find(string name, int number) { return First(p => p.Name == name && p.Number == number); }
    }

    public sealed class ConfigurationTargetInterface : IConfiguration
    {
        internal readonly OnlineLink Link;
        internal readonly string PcInterface;
        internal ConfigurationTargetInterface(OnlineLink link, string pcInterface, string name) { Link = link; PcInterface = pcInterface; Name = name; }
        public string Name { get; private set; }

        /// <summary>The device-side addresses of this interface (the device's configured IP addresses).</summary>
        public ConfigurationAddressComposition Addresses
        {
            get { return new ConfigurationAddressComposition(Link.Device().Addresses.Select(a => new ConfigurationAddress(this, a)).ToList()); }
        }
    }

    public sealed class ConfigurationTargetInterfaceComposition : ListComposition<ConfigurationTargetInterface>
    {
        internal ConfigurationTargetInterfaceComposition(List<ConfigurationTargetInterface> items) : base(items) { }
        public ConfigurationTargetInterface this[int index] { get { return At(index); } }
        public ConfigurationTargetInterface Find(string name) { return First(t => t.Name == name); }
    }

    public sealed class ConfigurationAddress : IConfiguration
    {
        internal readonly ConfigurationTargetInterface Target;
        internal ConfigurationAddress(ConfigurationTargetInterface target, string address) { Target = target; Address = address; Name = address; }
        public string Name { get; private set; }
        public string Address { get; private set; }
    }

    public sealed class ConfigurationAddressComposition : ListComposition<ConfigurationAddress>
    {
        internal ConfigurationAddressComposition(List<ConfigurationAddress> items) : base(items) { }
        public ConfigurationAddress Find(string name) { return First(a => a.Name == name); }
    }
}

namespace Siemens.Engineering.Online
{
    public enum OnlineState { Offline = 0, Connecting = 1, Online = 2, Incompatible = 3, NotReachable = 4, Protected = 5, Disconnecting = 6 }

    // Offered by a CPU's device item (DeviceItem.GetService<OnlineProvider>()).
    public sealed class OnlineProvider : IEngineeringService
    {
        private readonly OnlineLink _link;
        internal OnlineProvider(OnlineLink link) { _link = link; }

        public Siemens.Engineering.Connection.ConnectionConfiguration Configuration
        {
            get { _link.Live(); return new Siemens.Engineering.Connection.ConnectionConfiguration(_link); }
        }

        /// <summary>A connection in progress completes at the next read; one whose CPU went off or away ends.</summary>
        public OnlineState State
        {
            get
            {
                _link.Live();
                var session = _link.Session;
                if (session.State == OnlineState.Connecting) session.State = OnlineState.Online;
                if (session.State == OnlineState.Online)
                {
                    var cpu = Softbus.Find(session.Cpu ?? "");
                    if (cpu == null || cpu.OperatingState == "Off") { session.State = OnlineState.Offline; session.Cpu = null; }
                }
                return session.State;
            }
        }

        /// <summary>Returns before the connection stands (Connecting): poll State until Online.</summary>
        public OnlineState GoOnline()
        {
            _link.Live();
            Faults.Check("OnlineProvider.GoOnline");
            _link.Project.Process.RefuseInTransaction("GoOnline");
            var session = _link.Session;
            if (session.PcInterface == null)
                throw new EngineeringTargetInvocationException("Error when calling method 'GoOnline'.", "The online connection is not configured: apply a target interface first (ConnectionConfiguration.ApplyConfiguration).", null);
            if (session.State == OnlineState.Online || session.State == OnlineState.Connecting) return session.State;
            string why;
            var cpu = _link.Resolve(out why);
            if (cpu == null || cpu.OperatingState == "Off") { session.State = OnlineState.NotReachable; return session.State; }
            TlsTrust.Require(_link, cpu, "Error when calling method 'GoOnline'.");
            session.Cpu = cpu.Name;
            session.State = OnlineState.Connecting;
            return session.State;
        }

        public void GoOffline()
        {
            _link.Live();
            Faults.Check("OnlineProvider.GoOffline");
            _link.Session.State = OnlineState.Offline;
            _link.Session.Cpu = null;
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        /// <summary>Stable id of the device for its online session (kept across rename and rollback; see OnlinePart).</summary>
        internal string OnlineId;
    }

    /// <summary>A device's connection: the applied configuration and the online state. Lives in the TIA process
    /// (not in the project file): keyed by the open project's identity, so closing the project ends it.</summary>
    internal sealed partial class OnlineSession
    {
        internal string PcInterface;
        internal string Address;
        internal string Cpu;
        internal Siemens.Engineering.Online.OnlineState State = Siemens.Engineering.Online.OnlineState.Offline;

        private static readonly Dictionary<object, Dictionary<string, OnlineSession>> All = new Dictionary<object, Dictionary<string, OnlineSession>>();

        internal static OnlineSession Of(object projectIdentity, string onlineId)
        {
            Dictionary<string, OnlineSession> sessions;
            if (!All.TryGetValue(projectIdentity, out sessions)) All[projectIdentity] = sessions = new Dictionary<string, OnlineSession>();
            OnlineSession session;
            if (!sessions.TryGetValue(onlineId, out session)) sessions[onlineId] = session = new OnlineSession();
            return session;
        }
    }

    /// <summary>What the online and download services of one CPU hold: the project and the device's online id.
    /// The DeviceState is looked up on every use (a rollback replaces it; the id survives).</summary>
    internal sealed class OnlineLink
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly string _id;
        internal OnlineLink(Siemens.Engineering.Project project, DeviceState device)
        {
            _project = project;
            if (device.OnlineId == null) device.OnlineId = Guid.NewGuid().ToString("N");
            _id = device.OnlineId;
        }

        internal string Key { get { return _id; } }
        internal Siemens.Engineering.Project Project { get { return _project; } }

        internal DeviceState Device()
        {
            _project.Live();
            var device = _project.State.Devices.FirstOrDefault(d => d.OnlineId == _id);
            if (device == null) throw new EngineeringObjectDisposedException("The object has been disposed.", "The device was deleted.", null);
            return device;
        }

        internal void Live() { Device(); }

        internal OnlineSession Session { get { Live(); return OnlineSession.Of(_project.State.Identity, _id); } }

        /// <summary>The target of the applied configuration: a CPU holding the device's (or the applied) address,
        /// else over "PLCSIM" the only Softbus instance without an address. Null when none answers.</summary>
        internal VirtualCpu Resolve(out string why)
        {
            var session = Session;
            var addresses = session.Address != null ? new List<string> { session.Address } : Device().Addresses.ToList();
            foreach (var address in addresses)
            {
                var cpu = Softbus.FindByAddress(address);
                if (cpu != null) { why = null; return cpu; }
            }
            if (session.PcInterface == "PLCSIM")
            {
                var unaddressed = Softbus.Cpus.Where(c => c.Addresses.Count == 0 && c.CommunicationInterface == "Softbus").ToList();
                if (unaddressed.Count == 1) { why = null; return unaddressed[0]; }
                if (unaddressed.Count > 1) { why = "Several PLCSIM instances without an IP address answer; none holds " + string.Join(", ", addresses) + "."; return null; }
            }
            why = addresses.Count == 0 ? "The device has no IP address and no PLCSIM instance answers." : "No accessible device has the address " + string.Join(", ", addresses) + ".";
            return null;
        }
    }

    internal sealed class OnlineServices : IDeviceItemServices
    {
        public object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem)
        {
            if (!isCpuItem || device.Software == null) return null;
            if (service == typeof(Siemens.Engineering.Online.OnlineProvider)) return new Siemens.Engineering.Online.OnlineProvider(new OnlineLink(project, device));
            if (service == typeof(Siemens.Engineering.Download.DownloadProvider)) return new Siemens.Engineering.Download.DownloadProvider(new OnlineLink(project, device));
            return null;
        }
    }

    /// <summary>Keeps each device's online id in the project records, so a rolled-back transaction keeps it.</summary>
    internal sealed class OnlinePart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            return project.Devices.Where(d => d.OnlineId != null).Select(d => new[] { "online-id", Record.Text(d.Name), d.OnlineId });
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length != 3 || fields[0] != "online-id") return false;
            var name = Record.Untext(fields[1]);
            var device = project.Devices.FirstOrDefault(d => d.Name == name);
            if (device != null) device.OnlineId = fields[2];
            return true;
        }
    }
}
