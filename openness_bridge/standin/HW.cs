// Stand-in for Siemens.Engineering.HW: devices of a project (see Engineering.cs for the ground rules).
using System;
using System.Collections;
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
            set { Live(); State.Name = value; _project.State.Modified = true; }
        }

        public string TypeIdentifier { get { Live(); return State.TypeIdentifier; } }

        public DeviceItemComposition DeviceItems
        {
            get { Live(); return new DeviceItemComposition(_project, new List<DeviceItem> { new DeviceItem(_project, State, false) }); }
        }

        public T GetService<T>() where T : class, IEngineeringService { Live(); return null; }

        private void Live()
        {
            _project.Live();
            if (!_project.State.Devices.Contains(State))
                throw new EngineeringObjectDisposedException("The device object has been disposed.", "", null);
        }
    }

    public sealed class DeviceComposition : IEnumerable<Device>
    {
        private readonly Project _project;
        internal DeviceComposition(Project project) { _project = project; }

        public int Count { get { _project.Live(); return _project.State.Devices.Count; } }

        // One level only, exact name: Openness' Find does not search groups.
        public Device Find(string name)
        {
            _project.Live();
            var state = _project.State.Devices.FirstOrDefault(d => d.Name == name);
            return state == null ? null : new Device(_project, state);
        }

        public Device CreateWithItem(string typeIdentifier, string name, string deviceName)
        {
            _project.Live();
            Faults.Check("DeviceComposition.CreateWithItem");
            if (string.IsNullOrEmpty(typeIdentifier) || !typeIdentifier.StartsWith("OrderNumber:", StringComparison.Ordinal))
                throw new EngineeringTargetInvocationException("The device cannot be created.", "Invalid type identifier '" + typeIdentifier + "'.", null);
            if (_project.State.Devices.Any(d => string.Equals(d.Name, deviceName, StringComparison.OrdinalIgnoreCase)))
                throw new EngineeringTargetInvocationException("The device cannot be created.", "The name '" + deviceName + "' is already used.", null);
            var state = DeviceState.Make(deviceName, name, typeIdentifier);
            _project.State.Devices.Add(state);
            _project.State.Modified = true;
            return new Device(_project, state);
        }

        public IEnumerator<Device> GetEnumerator()
        {
            _project.Live();
            return _project.State.Devices.Select(d => new Device(_project, d)).ToList().GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
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
