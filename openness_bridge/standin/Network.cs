// Stand-in for the network side of Siemens.Engineering.HW: subnets, nodes (IPv4 addressing), PROFINET IO systems,
// and the hardware compile of a device (see Engineering.cs for the ground rules; openness_bridge/README.md
// lists the source of every public member). As in TIA, the head item of a device (CPU, interface module, panel) has
// one device item per built-in interface ("PROFINET interface_1" = X1, "PROFINET interface_2" = X2, "DP interface_1"
// = X3; Catalog.cs says which per article); each offers NetworkInterface with one node. Ethernet nodes carry the IPv4
// attributes; PROFIBUS/MPI nodes do not. PLCs' PROFINET interfaces have an IoController, IO devices' an IoConnector.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering.Compiler;
using Siemens.Engineering.HW.Features;
using StandIn.Control;

namespace Siemens.Engineering.HW
{
    // Siemens.Engineering.HW.NetType (15.1 stub: values and numbers).
    public enum NetType { Unknown = 0, Profibus = 1, Mpi = 2, Ethernet = 3, Asi = 4, Ptp = 5, Link = 6, PcInternal = 7, ProfibusIntegrated = 8, Wan = 9 }

    // Siemens.Engineering.HW.InterfaceOperatingModes (15.1 stub: a flags enum).
    [Flags]
    public enum InterfaceOperatingModes { None = 0, IoController = 1, IoDevice = 2 }

    public sealed class Node
    {
        private readonly Project _project;
        internal readonly DeviceState Device;
        private readonly NodeState _node;
        internal Node(Project project, DeviceState device, NodeState node) { _project = project; Device = device; _node = node; }

        internal NodeState State { get { Live(); return _node; } }

        // TIA names the node of an interface after its network: "E1" on Ethernet (as AML exports show); the PROFIBUS/MPI
        // name is inferred.
        public string Name { get { Live(); return _node.Type == NetType.Ethernet ? "E1" : _node.Type == NetType.Mpi ? "M1" : "P1"; } }

        public NetType NodeType { get { Live(); return _node.Type; } }

        public Subnet ConnectedSubnet
        {
            get { var s = State.Subnet; return s == null ? null : new Subnet(_project, s); }
        }

        public object GetAttribute(string name)
        {
            var state = State;
            Faults.Check("Node.GetAttribute");
            RequireIp(name);
            switch (name)
            {
                case "Address": return state.Address ?? "";
                case "SubnetMask": return state.Mask ?? "";
                case "UseRouter": return state.UseRouter;
                case "RouterAddress": return state.Router ?? "";
                default: throw Unsupported(name);
            }
        }

        public void SetAttribute(string name, object value)
        {
            var state = State;
            Faults.Check("Node.SetAttribute");
            RequireIp(name);
            var text = value == null ? "" : value.ToString();
            switch (name)
            {
                case "Address": state.Address = Network.RequireIPv4(text, "IP address"); break;
                case "SubnetMask": state.Mask = Network.RequireIPv4(text, "subnet mask"); break;
                case "UseRouter": state.UseRouter = value is bool ? (bool)value : bool.Parse(text); break;
                case "RouterAddress":
                    if (!state.UseRouter)
                        throw new EngineeringTargetInvocationException("The router address cannot be set.", "Set UseRouter first.", null);
                    state.Router = Network.RequireIPv4(text, "router address");
                    break;
                default: throw Unsupported(name);
            }
            Network.Sync(Device);
            _project.State.Modified = true;
        }

        public void ConnectToSubnet(Subnet subnet)
        {
            var state = State;
            Faults.Check("Node.ConnectToSubnet");
            if (subnet.State.TypeIdentifier != Network.SubnetTypeFor(state.Type))
                throw new EngineeringTargetInvocationException("The node cannot be connected.",
                    "A " + state.Type + " node cannot be connected to subnet '" + subnet.State.Name + "' (" + subnet.State.TypeIdentifier + ").", null);
            if (state.Subnet != null && state.Subnet != subnet.State)
                throw new EngineeringTargetInvocationException("The node cannot be connected.", "It is already connected to subnet '" + state.Subnet.Name + "'.", null);
            state.Subnet = subnet.State;
            _project.State.Modified = true;
        }

        public void DisconnectFromSubnet()
        {
            var state = State;
            Faults.Check("Node.DisconnectFromSubnet");
            Network.Unassign(_project.State, Device, state);
            state.Subnet = null;
            _project.State.Modified = true;
        }

        public Subnet CreateAndConnectToSubnet(string name)
        {
            var subnet = new SubnetComposition(_project).Create(Network.SubnetTypeFor(State.Type), name);
            ConnectToSubnet(subnet);
            return subnet;
        }

        // Only Ethernet nodes have the IPv4 attributes; a PROFIBUS/MPI node's own address attribute is not modelled.
        private void RequireIp(string name)
        {
            if (_node.Type != NetType.Ethernet)
                throw new EngineeringNotSupportedException("The attribute '" + name + "' is not supported.",
                    "The " + _node.Type + " node of '" + _node.Interface + "' has no IP addressing.", null);
        }

        private static EngineeringNotSupportedException Unsupported(string name)
        {
            return new EngineeringNotSupportedException("The attribute '" + name + "' is not supported.", "Node has no attribute '" + name + "'.", null);
        }

        private void Live()
        {
            _project.Live();
            if (!_project.State.Devices.Contains(Device))
                throw new EngineeringObjectDisposedException("The node object has been disposed.", "Its device was deleted.", null);
        }
    }

    public sealed class NodeComposition : IEnumerable<Node>
    {
        private readonly List<Node> _items;
        internal NodeComposition(List<Node> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public Node Find(string name) { return _items.FirstOrDefault(n => n.Name == name); }
        public IEnumerator<Node> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class Subnet
    {
        private readonly Project _project;
        internal readonly SubnetState State;
        internal Subnet(Project project, SubnetState state) { _project = project; State = state; }

        public string Name { get { Live(); return State.Name; } }
        public string TypeIdentifier { get { Live(); return State.TypeIdentifier; } }

        public NodeComposition Nodes
        {
            get
            {
                Live();
                return new NodeComposition(_project.State.Devices.Where(d => d.Nodes != null)
                    .SelectMany(d => d.Nodes.Where(n => n.Subnet == State).Select(n => new Node(_project, d, n))).ToList());
            }
        }

        public IoSystemComposition IoSystems
        {
            get { Live(); return new IoSystemComposition(State.IoSystems.Select(s => new IoSystem(_project, s)).ToList()); }
        }

        public void Delete()
        {
            Live();
            Faults.Check("Subnet.Delete");
            foreach (var d in _project.State.Devices.Where(d => d.Nodes != null))
                foreach (var n in d.Nodes.Where(n => n.Subnet == State))
                {
                    Network.Unassign(_project.State, d, n);
                    n.Subnet = null;
                }
            _project.State.Subnets.Remove(State);
            _project.State.Modified = true;
        }

        public override bool Equals(object obj) { var o = obj as Subnet; return o != null && o.State == State; }
        public override int GetHashCode() { return State.GetHashCode(); }

        private void Live()
        {
            _project.Live();
            if (!_project.State.Subnets.Contains(State))
                throw new EngineeringObjectDisposedException("The subnet object has been disposed.", "", null);
        }
    }

    public sealed class SubnetComposition : IEnumerable<Subnet>
    {
        private static readonly string[] Types =
        {
            "System:Subnet.Ethernet", "System:Subnet.Profibus", "System:Subnet.Mpi", "System:Subnet.Asi", "System:Subnet.ProfidriveIntegrated",
        };

        private readonly Project _project;
        internal SubnetComposition(Project project) { _project = project; }

        public int Count { get { _project.Live(); return _project.State.Subnets.Count; } }

        public Subnet Find(string name)
        {
            _project.Live();
            var state = _project.State.Subnets.FirstOrDefault(s => s.Name == name);
            return state == null ? null : new Subnet(_project, state);
        }

        public Subnet Create(string typeIdentifier, string name)
        {
            _project.Live();
            Faults.Check("SubnetComposition.Create");
            if (!Types.Contains(typeIdentifier))
                throw new EngineeringTargetInvocationException("The subnet cannot be created.", "Unknown type identifier '" + typeIdentifier + "'.", null);
            if (string.IsNullOrEmpty(name) || _project.State.Subnets.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new EngineeringTargetInvocationException("The subnet cannot be created.", "The name '" + name + "' is empty or already used.", null);
            var state = new SubnetState { Name = name, TypeIdentifier = typeIdentifier };
            _project.State.Subnets.Add(state);
            _project.State.Modified = true;
            return new Subnet(_project, state);
        }

        public IEnumerator<Subnet> GetEnumerator()
        {
            _project.Live();
            return _project.State.Subnets.Select(s => new Subnet(_project, s)).ToList().GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class IoSystem
    {
        private readonly Project _project;
        internal readonly IoSystemState State;
        internal IoSystem(Project project, IoSystemState state) { _project = project; State = state; }

        public string Name { get { _project.Live(); return State.Name; } }
        public int Number { get { _project.Live(); return State.Number; } }
        public Subnet Subnet { get { _project.Live(); return new Subnet(_project, State.Subnet); } }
    }

    public sealed class IoSystemComposition : IEnumerable<IoSystem>
    {
        private readonly List<IoSystem> _items;
        internal IoSystemComposition(List<IoSystem> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public IEnumerator<IoSystem> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class IoController
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly NodeState _node;
        internal IoController(Project project, DeviceState device, NodeState node) { _project = project; _device = device; _node = node; }

        public IoSystem IoSystem
        {
            get
            {
                _project.Live();
                var state = _project.State.Subnets.SelectMany(s => s.IoSystems).FirstOrDefault(s => s.Controller == _device && Network.ControllerNode(s) == _node);
                return state == null ? null : new IoSystem(_project, state);
            }
        }

        public IoSystem CreateIoSystem(string name)
        {
            _project.Live();
            Faults.Check("IoController.CreateIoSystem");
            if (_node.Subnet == null)
                throw new EngineeringTargetInvocationException("The IO system cannot be created.", "The interface is not connected to a subnet.", null);
            if (IoSystem != null)
                throw new EngineeringTargetInvocationException("The IO system cannot be created.", "The IO controller already has an IO system.", null);
            var all = _project.State.Subnets.SelectMany(s => s.IoSystems).ToList();
            var state = new IoSystemState
            {
                Name = name, Number = all.Count == 0 ? 100 : all.Max(s => s.Number) + 1, Controller = _device, ControllerNode = _node, Subnet = _node.Subnet,
            };
            _node.Subnet.IoSystems.Add(state);
            _project.State.Modified = true;
            return new IoSystem(_project, state);
        }
    }

    public sealed class IoConnector
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly NodeState _node;
        internal IoConnector(Project project, DeviceState device, NodeState node) { _project = project; _device = device; _node = node; }

        public IoSystem ConnectedToIoSystem
        {
            get { _project.Live(); return _device.IoSystem == null ? null : new IoSystem(_project, _device.IoSystem); }
        }

        public void ConnectToIoSystem(IoSystem ioSystem)
        {
            _project.Live();
            Faults.Check("IoConnector.ConnectToIoSystem");
            if (_node.Subnet != ioSystem.State.Subnet)
                throw new EngineeringTargetInvocationException("The IO device cannot be assigned.", "The IO system is on another subnet.", null);
            _device.IoSystem = ioSystem.State;
            _project.State.Modified = true;
        }

        public void DisconnectFromIoSystem()
        {
            _project.Live();
            Faults.Check("IoConnector.DisconnectFromIoSystem");
            _device.IoSystem = null;
            _project.State.Modified = true;
        }
    }
    public sealed class IoControllerComposition : IEnumerable<IoController>
    {
        private readonly List<IoController> _items;
        internal IoControllerComposition(List<IoController> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public IEnumerator<IoController> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class IoConnectorComposition : IEnumerable<IoConnector>
    {
        private readonly List<IoConnector> _items;
        internal IoConnectorComposition(List<IoConnector> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public IEnumerator<IoConnector> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }
}

namespace Siemens.Engineering.HW.Features
{
    // Offered by an interface device item ("PROFINET interface_1", "DP interface_1", ...), one node each.
    public sealed class NetworkInterface : IEngineeringService
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly NodeState _node;
        internal NetworkInterface(Project project, DeviceState device, NodeState node) { _project = project; _device = device; _node = node; }

        public Siemens.Engineering.HW.NetType InterfaceType { get { Live(); return _node.Type; } }

        // PROFINET interfaces of a PLC are IO controllers, of an IO device IO devices; the stand-in models no DP master
        // systems, so a PROFIBUS interface reports None (TIA would report a DP master's mode).
        public Siemens.Engineering.HW.InterfaceOperatingModes InterfaceOperatingMode
        {
            get
            {
                Live();
                if (_node.Type != Siemens.Engineering.HW.NetType.Ethernet) return Siemens.Engineering.HW.InterfaceOperatingModes.None;
                var role = HardwareCatalogData.Role(_device.TypeIdentifier);
                return role == "plc" ? Siemens.Engineering.HW.InterfaceOperatingModes.IoController
                    : role == "io-device" ? Siemens.Engineering.HW.InterfaceOperatingModes.IoDevice : Siemens.Engineering.HW.InterfaceOperatingModes.None;
            }
        }

        public Siemens.Engineering.HW.NodeComposition Nodes
        {
            get { Live(); return new Siemens.Engineering.HW.NodeComposition(new List<Siemens.Engineering.HW.Node> { new Siemens.Engineering.HW.Node(_project, _device, _node) }); }
        }

        public Siemens.Engineering.HW.IoControllerComposition IoControllers
        {
            get
            {
                var items = new List<Siemens.Engineering.HW.IoController>();
                if ((InterfaceOperatingMode & Siemens.Engineering.HW.InterfaceOperatingModes.IoController) != 0)
                    items.Add(new Siemens.Engineering.HW.IoController(_project, _device, _node));
                return new Siemens.Engineering.HW.IoControllerComposition(items);
            }
        }

        public Siemens.Engineering.HW.IoConnectorComposition IoConnectors
        {
            get
            {
                var items = new List<Siemens.Engineering.HW.IoConnector>();
                if ((InterfaceOperatingMode & Siemens.Engineering.HW.InterfaceOperatingModes.IoDevice) != 0)
                    items.Add(new Siemens.Engineering.HW.IoConnector(_project, _device, _node));
                return new Siemens.Engineering.HW.IoConnectorComposition(items);
            }
        }

        private void Live()
        {
            _project.Live();
            if (!_project.State.Devices.Contains(_device))
                throw new EngineeringObjectDisposedException("The network interface object has been disposed.", "Its device was deleted.", null);
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        /// <summary>One node per interface item, in the catalog's order (null until first touched, see Network.NodesOf).</summary>
        internal List<NodeState> Nodes;

        /// <summary>The first Ethernet node (X1), or null before the nodes are touched (CAx export reads it).</summary>
        internal NodeState NetworkNode
        {
            get { return Nodes == null ? null : Nodes.FirstOrDefault(n => n.Type == Siemens.Engineering.HW.NetType.Ethernet); }
        }

        /// <summary>The IO system the device's IoConnector is assigned to (null: not assigned, "parking lot").</summary>
        internal IoSystemState IoSystem;
    }

    internal sealed partial class ProjectState
    {
        internal readonly List<SubnetState> Subnets = new List<SubnetState>();
    }

    internal sealed class NodeState
    {
        /// <summary>Name of the interface device item the node belongs to ("PROFINET interface_2").</summary>
        internal string Interface;
        internal Siemens.Engineering.HW.NetType Type;
        internal string Address;
        internal string Mask;
        internal bool UseRouter;
        internal string Router;
        internal SubnetState Subnet;
    }

    internal sealed class SubnetState
    {
        internal string Name;
        internal string TypeIdentifier;
        internal readonly List<IoSystemState> IoSystems = new List<IoSystemState>();
    }

    internal sealed class IoSystemState
    {
        internal string Name;
        internal int Number;
        internal DeviceState Controller;
        /// <summary>The controller's interface node; null means its first Ethernet node (as CAx import creates them).</summary>
        internal NodeState ControllerNode;
        internal SubnetState Subnet;
    }

    internal static class Network
    {
        /// <summary>The device's nodes, one per interface item of its article (made on first touch).</summary>
        internal static List<NodeState> NodesOf(DeviceState device)
        {
            return device.Nodes ?? (device.Nodes = HardwareCatalogData.Interfaces(device.TypeIdentifier)
                .Select(i => new NodeState { Interface = i, Type = HardwareCatalogData.InterfaceType(i) }).ToList());
        }

        /// <summary>The device's first Ethernet node (X1); a detached node for a device without one.</summary>
        internal static NodeState NodeOf(DeviceState device)
        {
            return NodesOf(device).FirstOrDefault(n => n.Type == Siemens.Engineering.HW.NetType.Ethernet)
                ?? new NodeState { Interface = "", Type = Siemens.Engineering.HW.NetType.Ethernet };
        }

        internal static NodeState ControllerNode(IoSystemState system)
        {
            return system.ControllerNode ?? NodeOf(system.Controller);
        }

        internal static string SubnetTypeFor(Siemens.Engineering.HW.NetType type)
        {
            switch (type)
            {
                case Siemens.Engineering.HW.NetType.Profibus: return "System:Subnet.Profibus";
                case Siemens.Engineering.HW.NetType.Mpi: return "System:Subnet.Mpi";
                default: return "System:Subnet.Ethernet";
            }
        }

        /// <summary>Keeps DeviceState.Addresses (read by online/download) in step with the nodes: the IPv4 addresses
        /// of the Ethernet interfaces, in interface order.</summary>
        internal static void Sync(DeviceState device)
        {
            device.Addresses.Clear();
            if (device.Nodes == null) return;
            foreach (var n in device.Nodes)
                if (n.Type == Siemens.Engineering.HW.NetType.Ethernet && !string.IsNullOrEmpty(n.Address)) device.Addresses.Add(n.Address);
        }

        internal static string RequireIPv4(string text, string what)
        {
            var parts = (text ?? "").Split('.');
            int n;
            if (parts.Length != 4 || parts.Any(p => !int.TryParse(p, out n) || n < 0 || n > 255 || p.Length == 0 || p.Length > 3))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The value is not valid.", "'" + text + "' is not a valid " + what + ".", null);
            return text;
        }

        /// <summary>What TIA does to the network when a device goes (node null) or one of its nodes leaves its subnet:
        /// the IO systems it controls there go, with their assignments; its own assignment goes; the subnet stays.</summary>
        internal static void Unassign(ProjectState project, DeviceState device, NodeState node = null)
        {
            foreach (var subnet in project.Subnets)
                foreach (var system in subnet.IoSystems.Where(s => s.Controller == device && (node == null || ControllerNode(s) == node)).ToList())
                {
                    foreach (var d in project.Devices.Where(x => x.IoSystem == system)) d.IoSystem = null;
                    subnet.IoSystems.Remove(system);
                }
            if (node == null || (device.IoSystem != null && device.IoSystem.Subnet == node.Subnet)) device.IoSystem = null;
        }

        /// <summary>The NetworkInterface of interface item <paramref name="index"/> of the device (DeviceItem.GetService).</summary>
        internal static NetworkInterface InterfaceOf(Siemens.Engineering.Project project, DeviceState device, int index)
        {
            var nodes = NodesOf(device);
            return index >= 0 && index < nodes.Count ? new NetworkInterface(project, device, nodes[index]) : null;
        }
    }

    /// <summary>Hands out the hardware compiler of a device's rack item (interface items' NetworkInterface comes from
    /// DeviceItem.GetService via Network.InterfaceOf).</summary>
    internal sealed class NetworkServices : IDeviceItemServices
    {
        public object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem)
        {
            if (service == typeof(ICompilable) && !isCpuItem) return new HardwareCompilable(project, device);
            return null;
        }
    }

    /// <summary>The hardware compile of one device (Openness hands out its own ICompilable; only the interface is
    /// public): duplicate IP addresses in a subnet and a subnet connection without an address are errors.</summary>
    internal sealed class HardwareCompilable : ICompilable
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly DeviceState _device;
        internal HardwareCompilable(Siemens.Engineering.Project project, DeviceState device) { _project = project; _device = device; }

        public CompilerResult Compile()
        {
            _project.Live();
            Faults.Check("ICompilable.Compile");
            var findings = new List<CompilerResultMessage>();
            foreach (var node in (_device.Nodes ?? new List<NodeState>()).Where(n => n.Type == Siemens.Engineering.HW.NetType.Ethernet && n.Subnet != null))
            {
                var path = _device.Name + "/" + node.Interface;
                if (string.IsNullOrEmpty(node.Address))
                {
                    findings.Add(Message(path, "The interface is connected to subnet '" + node.Subnet.Name + "' but has no IP address."));
                    continue;
                }
                var same = _project.State.Devices.Where(d => d.Nodes != null && d.Nodes.Any(n => n != node && n.Subnet == node.Subnet && n.Address == node.Address))
                    .Select(d => d.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
                if (same.Count > 0)
                    findings.Add(Message(path, "The IP address " + node.Address + " is assigned more than once in subnet '" + node.Subnet.Name
                        + "' (also used by " + string.Join(", ", same) + ")."));
            }
            var state = findings.Count > 0 ? CompilerResultState.Error : CompilerResultState.Success;
            if (findings.Count == 0)
                findings.Add(new CompilerResultMessage(_device.Name, "Compiling finished (errors: 0; warnings: 0)", CompilerResultState.Success, 0, 0, new List<CompilerResultMessage>()));
            var errors = state == CompilerResultState.Error ? findings.Count : 0;
            var top = new CompilerResultMessage(_device.Name, "Hardware configuration", state, errors, 0, findings);
            return new CompilerResult(state, errors, 0, new List<CompilerResultMessage> { top });
        }

        private static CompilerResultMessage Message(string path, string text)
        {
            return new CompilerResultMessage(path, text, CompilerResultState.Error, 1, 0, new List<CompilerResultMessage>());
        }
    }

    /// <summary>Subnets, nodes and IO systems in the project file: subnets first, then nodes, IO systems, assignments.
    /// A node record names its interface item (last field); records without one mean the first Ethernet node. IO system
    /// and assignment records carry the controller's interface and the system's number.</summary>
    internal sealed class NetworkPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var s in project.Subnets) yield return new[] { "net.subnet", Record.Text(s.Name), s.TypeIdentifier };
            foreach (var d in project.Devices.Where(x => x.Nodes != null))
                foreach (var n in d.Nodes.Where(x => x.Address != null || x.Mask != null || x.Subnet != null))
                    yield return new[]
                    {
                        "net.node", Record.Text(d.Name), n.Address ?? "", n.Mask ?? "", n.UseRouter ? "1" : "0", n.Router ?? "",
                        n.Subnet == null ? "" : Record.Text(n.Subnet.Name), Record.Text(n.Interface),
                    };
            foreach (var system in project.Subnets.SelectMany(s => s.IoSystems))
                yield return new[]
                {
                    "net.iosystem", Record.Text(system.Subnet.Name), Record.Text(system.Name), system.Number.ToString(), Record.Text(system.Controller.Name),
                    Record.Text(Network.ControllerNode(system).Interface),
                };
            foreach (var d in project.Devices.Where(x => x.IoSystem != null))
                yield return new[] { "net.assigned", Record.Text(d.Name), Record.Text(d.IoSystem.Name), d.IoSystem.Number.ToString() };
        }

        public bool Load(ProjectState project, string[] f)
        {
            switch (f[0])
            {
                case "net.subnet":
                    project.Subnets.Add(new SubnetState { Name = Record.Untext(f[1]), TypeIdentifier = f[2] });
                    return true;
                case "net.node":
                {
                    var device = Device(project, f[1]);
                    var node = Node(device, f.Length > 7 ? f[7] : null);
                    node.Address = Empty(f[2]); node.Mask = Empty(f[3]); node.UseRouter = f[4] == "1"; node.Router = Empty(f[5]);
                    node.Subnet = f[6].Length == 0 ? null : Subnet(project, f[6]);
                    Network.Sync(device);
                    return true;
                }
                case "net.iosystem":
                {
                    var subnet = Subnet(project, f[1]);
                    var controller = Device(project, f[4]);
                    subnet.IoSystems.Add(new IoSystemState
                    {
                        Name = Record.Untext(f[2]), Number = int.Parse(f[3]), Controller = controller, Subnet = subnet,
                        ControllerNode = f.Length > 5 ? Node(controller, f[5]) : null,
                    });
                    return true;
                }
                case "net.assigned":
                    // IO systems may share TIA's default name; the number (when recorded) tells them apart.
                    Device(project, f[1]).IoSystem = project.Subnets.SelectMany(s => s.IoSystems)
                        .First(s => s.Name == Record.Untext(f[2]) && (f.Length < 4 || s.Number.ToString() == f[3]));
                    return true;
                default:
                    return false;
            }
        }

        private static NodeState Node(DeviceState device, string field)
        {
            var name = field == null ? null : Record.Untext(field);
            return Network.NodesOf(device).FirstOrDefault(n => n.Interface == name) ?? Network.NodeOf(device);
        }

        private static string Empty(string field) { return field.Length == 0 ? null : field; }
        private static DeviceState Device(ProjectState project, string field) { var name = Record.Untext(field); return project.Devices.First(d => d.Name == name); }
        private static SubnetState Subnet(ProjectState project, string field) { var name = Record.Untext(field); return project.Subnets.First(s => s.Name == name); }
    }
}
