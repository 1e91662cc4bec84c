// Stand-in for the network side of Siemens.Engineering.HW: subnets, nodes (IPv4 addressing), PROFINET IO systems,
// and the hardware compile of a device (see Engineering.cs for the ground rules; openness_bridge/README.md
// lists the source of every public member). A device with an Ethernet interface offers one NetworkInterface with
// one node on its head item; PLCs have an IoController, IO devices an IoConnector (Catalog.cs knows which is which).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering.Compiler;
using Siemens.Engineering.HW.Features;
using StandIn.Control;

namespace Siemens.Engineering.HW
{
    public sealed class Node
    {
        private readonly Project _project;
        internal readonly DeviceState Device;
        internal Node(Project project, DeviceState device) { _project = project; Device = device; }

        internal NodeState State { get { Live(); return Network.NodeOf(Device); } }

        // The name of the interface the node belongs to (the stand-in has one node per device).
        public string Name { get { Live(); return "PROFINET interface_1"; } }

        public Subnet ConnectedSubnet
        {
            get { var s = State.Subnet; return s == null ? null : new Subnet(_project, s); }
        }

        public object GetAttribute(string name)
        {
            var state = State;
            Faults.Check("Node.GetAttribute");
            switch (name)
            {
                case "Address": return state.Address ?? "";
                case "SubnetMask": return state.Mask ?? "";
                case "UseRouter": return state.UseRouter;
                case "RouterAddress": return state.Router ?? "";
                default: throw new EngineeringNotSupportedException("The attribute '" + name + "' is not supported.", "Node has no attribute '" + name + "'.", null);
            }
        }

        public void SetAttribute(string name, object value)
        {
            var state = State;
            Faults.Check("Node.SetAttribute");
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
                default: throw new EngineeringNotSupportedException("The attribute '" + name + "' is not supported.", "Node has no attribute '" + name + "'.", null);
            }
            Network.Sync(Device);
            _project.State.Modified = true;
        }

        public void ConnectToSubnet(Subnet subnet)
        {
            var state = State;
            Faults.Check("Node.ConnectToSubnet");
            if (state.Subnet != null && state.Subnet != subnet.State)
                throw new EngineeringTargetInvocationException("The node cannot be connected.", "It is already connected to subnet '" + state.Subnet.Name + "'.", null);
            state.Subnet = subnet.State;
            _project.State.Modified = true;
        }

        public void DisconnectFromSubnet()
        {
            var state = State;
            Faults.Check("Node.DisconnectFromSubnet");
            Network.Unassign(_project.State, Device);
            state.Subnet = null;
            _project.State.Modified = true;
        }

        public Subnet CreateAndConnectToSubnet(string name)
        {
            var subnet = new SubnetComposition(_project).Create("System:Subnet.Ethernet", name);
            ConnectToSubnet(subnet);
            return subnet;
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
                return new NodeComposition(_project.State.Devices.Where(d => d.NetworkNode != null && d.NetworkNode.Subnet == State)
                    .Select(d => new Node(_project, d)).ToList());
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
            foreach (var d in _project.State.Devices.Where(d => d.NetworkNode != null && d.NetworkNode.Subnet == State))
            {
                Network.Unassign(_project.State, d);
                d.NetworkNode.Subnet = null;
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
        internal IoController(Project project, DeviceState device) { _project = project; _device = device; }

        public IoSystem IoSystem
        {
            get
            {
                _project.Live();
                var state = _project.State.Subnets.SelectMany(s => s.IoSystems).FirstOrDefault(s => s.Controller == _device);
                return state == null ? null : new IoSystem(_project, state);
            }
        }

        public IoSystem CreateIoSystem(string name)
        {
            _project.Live();
            Faults.Check("IoController.CreateIoSystem");
            var node = Network.NodeOf(_device);
            if (node.Subnet == null)
                throw new EngineeringTargetInvocationException("The IO system cannot be created.", "The interface is not connected to a subnet.", null);
            if (IoSystem != null)
                throw new EngineeringTargetInvocationException("The IO system cannot be created.", "The IO controller already has an IO system.", null);
            var all = _project.State.Subnets.SelectMany(s => s.IoSystems).ToList();
            var state = new IoSystemState
            {
                Name = name, Number = all.Count == 0 ? 100 : all.Max(s => s.Number) + 1, Controller = _device, Subnet = node.Subnet,
            };
            node.Subnet.IoSystems.Add(state);
            _project.State.Modified = true;
            return new IoSystem(_project, state);
        }
    }

    public sealed class IoConnector
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        internal IoConnector(Project project, DeviceState device) { _project = project; _device = device; }

        public IoSystem ConnectedToIoSystem
        {
            get { _project.Live(); return _device.IoSystem == null ? null : new IoSystem(_project, _device.IoSystem); }
        }

        public void ConnectToIoSystem(IoSystem ioSystem)
        {
            _project.Live();
            Faults.Check("IoConnector.ConnectToIoSystem");
            if (Network.NodeOf(_device).Subnet != ioSystem.State.Subnet)
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
    // Offered by an Ethernet interface's device item (here: the head item of a device with an Ethernet interface).
    public sealed class NetworkInterface : IEngineeringService
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        internal NetworkInterface(Project project, DeviceState device) { _project = project; _device = device; }

        public Siemens.Engineering.HW.NodeComposition Nodes
        {
            get { _project.Live(); return new Siemens.Engineering.HW.NodeComposition(new List<Siemens.Engineering.HW.Node> { new Siemens.Engineering.HW.Node(_project, _device) }); }
        }

        public Siemens.Engineering.HW.IoControllerComposition IoControllers
        {
            get
            {
                _project.Live();
                var items = new List<Siemens.Engineering.HW.IoController>();
                if (HardwareCatalogData.Role(_device.TypeIdentifier) == "plc") items.Add(new Siemens.Engineering.HW.IoController(_project, _device));
                return new Siemens.Engineering.HW.IoControllerComposition(items);
            }
        }

        public Siemens.Engineering.HW.IoConnectorComposition IoConnectors
        {
            get
            {
                _project.Live();
                var items = new List<Siemens.Engineering.HW.IoConnector>();
                if (HardwareCatalogData.Role(_device.TypeIdentifier) == "io-device") items.Add(new Siemens.Engineering.HW.IoConnector(_project, _device));
                return new Siemens.Engineering.HW.IoConnectorComposition(items);
            }
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        /// <summary>Addressing of the device's one Ethernet node (null until first touched).</summary>
        internal NodeState NetworkNode;

        /// <summary>The IO system the device's IoConnector is assigned to (null: not assigned, "parking lot").</summary>
        internal IoSystemState IoSystem;
    }

    internal sealed partial class ProjectState
    {
        internal readonly List<SubnetState> Subnets = new List<SubnetState>();
    }

    internal sealed class NodeState
    {
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
        internal SubnetState Subnet;
    }

    internal static class Network
    {
        internal static NodeState NodeOf(DeviceState device)
        {
            return device.NetworkNode ?? (device.NetworkNode = new NodeState());
        }

        /// <summary>Keeps DeviceState.Addresses (read by online/download) in step with the node.</summary>
        internal static void Sync(DeviceState device)
        {
            device.Addresses.Clear();
            if (device.NetworkNode != null && !string.IsNullOrEmpty(device.NetworkNode.Address)) device.Addresses.Add(device.NetworkNode.Address);
        }

        internal static string RequireIPv4(string text, string what)
        {
            var parts = (text ?? "").Split('.');
            int n;
            if (parts.Length != 4 || parts.Any(p => !int.TryParse(p, out n) || n < 0 || n > 255 || p.Length == 0 || p.Length > 3))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The value is not valid.", "'" + text + "' is not a valid " + what + ".", null);
            return text;
        }

        /// <summary>What TIA does to the network when a device goes: its IO system (if a controller) and its
        /// assignment (if an IO device) go with it; the subnet stays.</summary>
        internal static void Unassign(ProjectState project, DeviceState device)
        {
            foreach (var subnet in project.Subnets)
                foreach (var system in subnet.IoSystems.Where(s => s.Controller == device).ToList())
                {
                    foreach (var d in project.Devices.Where(x => x.IoSystem == system)) d.IoSystem = null;
                    subnet.IoSystems.Remove(system);
                }
            device.IoSystem = null;
        }
    }

    /// <summary>Hands out the network services of a device's head item and the hardware compiler of its rack item.</summary>
    internal sealed class NetworkServices : IDeviceItemServices
    {
        public object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem)
        {
            if (service == typeof(NetworkInterface) && isCpuItem && HardwareCatalogData.HasEthernet(device.TypeIdentifier))
                return new NetworkInterface(project, device);
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
            var node = _device.NetworkNode;
            var path = _device.Name + "/PROFINET interface_1";
            if (node != null && node.Subnet != null)
            {
                if (string.IsNullOrEmpty(node.Address))
                    findings.Add(Message(path, "The interface is connected to subnet '" + node.Subnet.Name + "' but has no IP address."));
                else
                {
                    var same = _project.State.Devices.Where(d => d != _device && d.NetworkNode != null && d.NetworkNode.Subnet == node.Subnet
                        && d.NetworkNode.Address == node.Address).Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    if (same.Count > 0)
                        findings.Add(Message(path, "The IP address " + node.Address + " is assigned more than once in subnet '" + node.Subnet.Name
                            + "' (also used by " + string.Join(", ", same) + ")."));
                }
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

    /// <summary>Subnets, nodes and IO systems in the project file: subnets first, then nodes, IO systems, assignments.</summary>
    internal sealed class NetworkPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var s in project.Subnets) yield return new[] { "net.subnet", Record.Text(s.Name), s.TypeIdentifier };
            foreach (var d in project.Devices.Where(x => x.NetworkNode != null))
            {
                var n = d.NetworkNode;
                yield return new[]
                {
                    "net.node", Record.Text(d.Name), n.Address ?? "", n.Mask ?? "", n.UseRouter ? "1" : "0", n.Router ?? "",
                    n.Subnet == null ? "" : Record.Text(n.Subnet.Name),
                };
            }
            foreach (var system in project.Subnets.SelectMany(s => s.IoSystems))
                yield return new[] { "net.iosystem", Record.Text(system.Subnet.Name), Record.Text(system.Name), system.Number.ToString(), Record.Text(system.Controller.Name) };
            foreach (var d in project.Devices.Where(x => x.IoSystem != null))
                yield return new[] { "net.assigned", Record.Text(d.Name), Record.Text(d.IoSystem.Name) };
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
                    device.NetworkNode = new NodeState
                    {
                        Address = Empty(f[2]), Mask = Empty(f[3]), UseRouter = f[4] == "1", Router = Empty(f[5]),
                        Subnet = f[6].Length == 0 ? null : Subnet(project, f[6]),
                    };
                    Network.Sync(device);
                    return true;
                }
                case "net.iosystem":
                {
                    var subnet = Subnet(project, f[1]);
                    subnet.IoSystems.Add(new IoSystemState
                    {
                        Name = Record.Untext(f[2]), Number = int.Parse(f[3]), Controller = Device(project, f[4]), Subnet = subnet,
                    });
                    return true;
                }
                case "net.assigned":
                    Device(project, f[1]).IoSystem = project.Subnets.SelectMany(s => s.IoSystems).First(s => s.Name == Record.Untext(f[2]));
                    return true;
                default:
                    return false;
            }
        }

        private static string Empty(string field) { return field.Length == 0 ? null : field; }
        private static DeviceState Device(ProjectState project, string field) { var name = Record.Untext(field); return project.Devices.First(d => d.Name == name); }
        private static SubnetState Subnet(ProjectState project, string field) { var name = Record.Untext(field); return project.Subnets.First(s => s.Name == name); }
    }
}
