// Stand-in for the network side of Siemens.Engineering.HW: subnets, nodes (IPv4 addressing), PROFINET IO systems,
// and the hardware compile of a device (see Engineering.cs for the ground rules; openness_bridge/README.md
// lists the source of every public member). As in TIA, the head item of a device (CPU, interface module, panel) has
// one device item per built-in interface ("PROFINET interface_1" = X1, "PROFINET interface_2" = X2, "DP interface_1"
// = X3; Catalog.cs says which per article); each offers NetworkInterface with one node. Ethernet nodes carry the IPv4
// attributes; PROFIBUS/MPI nodes do not. PLCs' PROFINET interfaces have an IoController, IO devices' an IoConnector.
using System;
using System.Collections.Generic;
using System.Linq;
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

        private void Live() { _project.Live(() => _project.State.Devices.Contains(Device), "The node object has been disposed.", "Its device was deleted."); }
    }

    public sealed class NodeComposition : ListComposition<Node>
    {
        internal NodeComposition(List<Node> items) : base(items) { }
        public Node Find(string name) { return First(n => n.Name == name); }
    }

    // What a subnet refers to but does not own: Subnet.Nodes and Subnet.IoSystems are associations in the real API
    // (15.1-V17 stubs: NodeAssociation, IoSystemAssociation), so they offer no Create/Find of their own.
    public sealed class NodeAssociation : ListComposition<Node>
    {
        internal NodeAssociation(List<Node> items) : base(items) { }
    }

    public sealed class Subnet
    {
        private readonly Project _project;
        internal readonly SubnetState State;
        internal Subnet(Project project, SubnetState state) { _project = project; State = state; }

        public string Name { get { Live(); return State.Name; } }
        public string TypeIdentifier { get { Live(); return State.TypeIdentifier; } }

        public NodeAssociation Nodes
        {
            get
            {
                Live();
                return new NodeAssociation(_project.State.Devices.Where(d => d.Nodes != null)
                    .SelectMany(d => d.Nodes.Where(n => n.Subnet == State).Select(n => new Node(_project, d, n))).ToList());
            }
        }

        public IoSystemAssociation IoSystems
        {
            get { Live(); return new IoSystemAssociation(State.IoSystems.Select(s => new IoSystem(_project, s)).ToList()); }
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

        private void Live() { _project.Live(() => _project.State.Subnets.Contains(State), "The subnet object has been disposed.", ""); }
    }

    public sealed class SubnetComposition : NamedComposition<Subnet>
    {
        private static readonly string[] Types =
        {
            "System:Subnet.Ethernet", "System:Subnet.Profibus", "System:Subnet.Mpi", "System:Subnet.Asi", "System:Subnet.ProfidriveIntegrated",
        };

        private readonly Project _project;
        internal SubnetComposition(Project project) : base(project, () => project.State.Subnets.Select(s => new Subnet(project, s)), s => s.State.Name) { _project = project; }

        public Subnet Create(string typeIdentifier, string name)
        {
            _project.Live();
            Faults.Check("SubnetComposition.Create");
            if (!Types.Contains(typeIdentifier))
                throw new EngineeringTargetInvocationException("The subnet cannot be created.", "Unknown type identifier '" + typeIdentifier + "'.", null);
            if (string.IsNullOrEmpty(name) || _project.State.Subnets.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new EngineeringTargetInvocationException("The subnet cannot be created.", "The name '" + name + "' is empty or already used.", null);
            var state = _project.Added(_project.State.Subnets, new SubnetState { Name = name, TypeIdentifier = typeIdentifier });
            return new Subnet(_project, state);
        }
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

    public sealed class IoSystemAssociation : ListComposition<IoSystem> { internal IoSystemAssociation(List<IoSystem> items) : base(items) { } }

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
    public sealed class IoControllerComposition : ListComposition<IoController> { internal IoControllerComposition(List<IoController> items) : base(items) { } }

    public sealed class IoConnectorComposition : ListComposition<IoConnector> { internal IoConnectorComposition(List<IoConnector> items) : base(items) { } }
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
            get { return new Siemens.Engineering.HW.IoControllerComposition(InMode(Siemens.Engineering.HW.InterfaceOperatingModes.IoController, () => new Siemens.Engineering.HW.IoController(_project, _device, _node))); }
        }

        public Siemens.Engineering.HW.IoConnectorComposition IoConnectors
        {
            get { return new Siemens.Engineering.HW.IoConnectorComposition(InMode(Siemens.Engineering.HW.InterfaceOperatingModes.IoDevice, () => new Siemens.Engineering.HW.IoConnector(_project, _device, _node))); }
        }

        // The interface's one IO controller or IO connector when it works in that mode, else none.
        private List<T> InMode<T>(Siemens.Engineering.HW.InterfaceOperatingModes mode, Func<T> make)
        {
            var items = new List<T>();
            if ((InterfaceOperatingMode & mode) != 0) items.Add(make());
            return items;
        }

        private void Live() { _project.Live(() => _project.State.Devices.Contains(_device), "The network interface object has been disposed.", "Its device was deleted."); }
    }
}
