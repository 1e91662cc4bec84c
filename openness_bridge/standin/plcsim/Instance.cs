// The stand-in's IInstance / IIOArea implementations (namespace StandIn.Plcsim, not Siemens API). They play what
// PLCSIM Advanced does to a virtual controller's state; no program runs (see Runtime.cs).
using System;
using System.Collections.Generic;
using System.Linq;
using Siemens.Simatic.Simulation.Runtime;
using StandIn.Wire;

namespace StandIn.Plcsim
{
    internal static class Fail
    {
        public static SimulationRuntimeException With(ERuntimeErrorCode code) { return new SimulationRuntimeException(code); }
    }

    internal sealed class Instance : IInstance
    {
        private readonly VirtualCpu _cpu;

        public Instance(VirtualCpu cpu) { _cpu = cpu; }

        // Every member of an unregistered instance's interface fails with InterfaceRemoved, as PLCSIM's does.
        private VirtualCpu Cpu
        {
            get
            {
                if (!Softbus.Cpus.Contains(_cpu)) throw Fail.With(ERuntimeErrorCode.InterfaceRemoved);
                AdvanceFreeRunning(_cpu);
                return _cpu;
            }
        }

        private VirtualCpu On
        {
            get
            {
                var cpu = Cpu;
                if (cpu.OperatingState == "Off") throw Fail.With(ERuntimeErrorCode.InstanceNotRunning);
                return cpu;
            }
        }

        /// <summary>A free-running (Default mode) CPU in RUN advances virtual time with the wall clock, scaled.</summary>
        private static void AdvanceFreeRunning(VirtualCpu cpu)
        {
            var now = DateTime.UtcNow;
            if (cpu.OperatingState == "Run" && cpu.OperatingMode == "Default" && cpu.FreeRunSince != default(DateTime))
            {
                long elapsed = (long)((now - cpu.FreeRunSince).Ticks * 100 * cpu.ScaleFactor);
                cpu.VirtualTimeNs += elapsed;
            }
            cpu.FreeRunSince = now;
        }

        // ----- operating state -------------------------------------------------------------------------------
        public ERuntimeErrorCode PowerOn() { return PowerOn(0); }

        public ERuntimeErrorCode PowerOn(uint in_TimeOut_ms)
        {
            var cpu = Cpu;
            if (cpu.OperatingState != "Off") return ERuntimeErrorCode.OK;
            cpu.OperatingState = "Booting";
            cpu.OperatingState = "Stop";
            return ERuntimeErrorCode.OK;
        }

        public void PowerOff() { PowerOff(0); }

        public void PowerOff(uint in_TimeOut_ms)
        {
            var cpu = Cpu;
            if (cpu.OperatingState == "Off") return;
            cpu.OperatingState = "ShuttingDown";
            cpu.Frozen = false;
            Array.Clear(cpu.Inputs, 0, cpu.Inputs.Length);
            Array.Clear(cpu.Outputs, 0, cpu.Outputs.Length);
            Array.Clear(cpu.Markers, 0, cpu.Markers.Length);  // the stand-in has no retentive bit memory
            cpu.OperatingState = "Off";
        }

        public void Run() { Run(0); }

        public void Run(uint in_TimeOut_ms)
        {
            var cpu = On;
            if (cpu.OperatingState == "Stop")
            {
                cpu.OperatingState = "Startup";
                cpu.OperatingState = "Run";
                cpu.Frozen = cpu.OperatingMode != "Default";  // a stepped CPU halts at its first sync point
            }
        }

        public void Stop() { Stop(0); }

        public void Stop(uint in_TimeOut_ms)
        {
            var cpu = On;
            if (cpu.OperatingState == "Run") cpu.OperatingState = "Stop";
            cpu.Frozen = false;
        }

        public void MemoryReset() { MemoryReset(0); }

        public void MemoryReset(uint in_TimeOut_ms)
        {
            var cpu = On;
            Array.Clear(cpu.Inputs, 0, cpu.Inputs.Length);
            Array.Clear(cpu.Outputs, 0, cpu.Outputs.Length);
            Array.Clear(cpu.Markers, 0, cpu.Markers.Length);
            cpu.OperatingState = "Stop";
            cpu.Frozen = false;
        }

        public void UnregisterInstance()
        {
            var cpu = Cpu;
            Softbus.Cpus.Remove(cpu);
        }

        public void RunToNextSyncPoint()
        {
            var cpu = On;
            if (cpu.OperatingMode == "Default") throw Fail.With(ERuntimeErrorCode.WarningInvalidCall);
            if (cpu.OperatingState != "Run") throw Fail.With(ERuntimeErrorCode.InvalidOperatingState);
            // One cycle, synchronously (the real call returns at once and the CPU freezes again at the next sync
            // point): no program runs in the stand-in, only the cycle count and virtual time move on.
            cpu.Frozen = false;
            cpu.VirtualTimeNs += cpu.CycleTimeNs;
            cpu.Cycles++;
            cpu.Frozen = true;
        }

        public void StartProcessing(long in_MinimalTimeToRun_ns)
        {
            var cpu = On;
            if (cpu.OperatingMode != "TimespanSynchronized") throw Fail.With(ERuntimeErrorCode.WarningInvalidCall);
            if (cpu.OperatingState != "Run") throw Fail.With(ERuntimeErrorCode.InvalidOperatingState);
            if (in_MinimalTimeToRun_ns <= 0) throw Fail.With(ERuntimeErrorCode.WrongArgument);
            // The stand-in's time span ends exactly after the requested time (a real CPU runs on to its next sync
            // point); it counts the cycles of OverwrittenMinimalCycleTime_ns that span covers.
            cpu.Frozen = false;
            cpu.VirtualTimeNs += in_MinimalTimeToRun_ns;
            cpu.Cycles += cpu.CycleTimeNs > 0 ? (in_MinimalTimeToRun_ns + cpu.CycleTimeNs - 1) / cpu.CycleTimeNs : 1;
            cpu.Frozen = true;
        }

        // ----- tag list and symbolic access -----------------------------------------------------------------
        public void UpdateTagList() { UpdateTagList(ETagListDetails.IOMCTDB, true); }
        public void UpdateTagList(ETagListDetails in_TagListDetails) { UpdateTagList(in_TagListDetails, true); }

        public void UpdateTagList(ETagListDetails in_TagListDetails, bool in_IsHMIVisibleOnly)
        {
            var cpu = On;
            cpu.TagListDigest = cpu.ProgramDigest();
            cpu.TagListDetails = in_TagListDetails.ToString();
        }

        public void GetTagListStatus(out ETagListDetails out_TagListDetails, out bool out_IsHMIVisibleOnly)
        {
            var cpu = Cpu;
            bool fresh = cpu.TagListDigest != null && cpu.TagListDigest == cpu.ProgramDigest();
            out_TagListDetails = fresh ? (ETagListDetails)Enum.Parse(typeof(ETagListDetails), cpu.TagListDetails) : ETagListDetails.None;
            out_IsHMIVisibleOnly = true;
        }

        public STagInfo[] TagInfos
        {
            get
            {
                var cpu = Cpu;
                if (cpu.TagListDigest == null) return new STagInfo[0];
                uint index = 0;
                return cpu.Tags.OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase).Select(t =>
                {
                    string declared;
                    cpu.TagTypes.TryGetValue(t.Key, out declared);
                    var types = Values.TypeOf(declared, t.Value);
                    return new STagInfo
                    {
                        Name = t.Key, Area = t.Key.Contains(".") ? EArea.DataBlock : EArea.InvalidArea, DataType = types.Value,
                        PrimitiveDataType = types.Key, Index = ++index, Dimension = new SDimension[0],
                    };
                }).ToArray();
            }
        }

        private KeyValuePair<EPrimitiveDataType, EDataType> Tag(VirtualCpu cpu, string name)
        {
            if (cpu.TagListDigest == null || cpu.TagListDigest != cpu.ProgramDigest()) throw Fail.With(ERuntimeErrorCode.NotUpToDate);
            object value;
            if (name == null || !cpu.Tags.TryGetValue(name, out value)) throw Fail.With(ERuntimeErrorCode.DoesNotExist);
            string declared;
            cpu.TagTypes.TryGetValue(name, out declared);
            var types = Values.TypeOf(declared, value);
            if (types.Key == EPrimitiveDataType.Struct) throw Fail.With(ERuntimeErrorCode.NotSupported);
            return types;
        }

        public SDataValue Read(string in_Tag)
        {
            var cpu = On;
            var types = Tag(cpu, in_Tag);
            return Values.Unbox(types.Key, cpu.Tags[in_Tag]);
        }

        public void Write(string in_Tag, SDataValue in_Value)
        {
            var cpu = On;
            var types = Tag(cpu, in_Tag);
            if (in_Value.Type == EPrimitiveDataType.Unspecific) throw Fail.With(ERuntimeErrorCode.WrongArgument);
            if (in_Value.Type != types.Key) throw Fail.With(ERuntimeErrorCode.TypeMismatch);
            var key = cpu.Tags.Keys.First(k => string.Equals(k, in_Tag, StringComparison.OrdinalIgnoreCase));
            cpu.Tags[key] = Values.Box(in_Value);
        }

        private T Typed<T>(string tag, EPrimitiveDataType type)
        {
            var value = Read(tag);
            if (value.Type != type) throw Fail.With(ERuntimeErrorCode.TypeMismatch);
            return (T)Values.Box(value);
        }

        public bool ReadBool(string in_Tag) { return Typed<bool>(in_Tag, EPrimitiveDataType.Bool); }
        public sbyte ReadInt8(string in_Tag) { return Typed<sbyte>(in_Tag, EPrimitiveDataType.Int8); }
        public short ReadInt16(string in_Tag) { return Typed<short>(in_Tag, EPrimitiveDataType.Int16); }
        public int ReadInt32(string in_Tag) { return Typed<int>(in_Tag, EPrimitiveDataType.Int32); }
        public long ReadInt64(string in_Tag) { return Typed<long>(in_Tag, EPrimitiveDataType.Int64); }
        public byte ReadUInt8(string in_Tag) { return Typed<byte>(in_Tag, EPrimitiveDataType.UInt8); }
        public ushort ReadUInt16(string in_Tag) { return Typed<ushort>(in_Tag, EPrimitiveDataType.UInt16); }
        public uint ReadUInt32(string in_Tag) { return Typed<uint>(in_Tag, EPrimitiveDataType.UInt32); }
        public ulong ReadUInt64(string in_Tag) { return Typed<ulong>(in_Tag, EPrimitiveDataType.UInt64); }
        public float ReadFloat(string in_Tag) { return Typed<float>(in_Tag, EPrimitiveDataType.Float); }
        public double ReadDouble(string in_Tag) { return Typed<double>(in_Tag, EPrimitiveDataType.Double); }
        public void WriteBool(string in_Tag, bool in_Value) { Write(in_Tag, new SDataValue { Type = EPrimitiveDataType.Bool, Bool = in_Value }); }
        public void WriteInt16(string in_Tag, short in_Value) { Write(in_Tag, new SDataValue { Type = EPrimitiveDataType.Int16, Int16 = in_Value }); }
        public void WriteInt32(string in_Tag, int in_Value) { Write(in_Tag, new SDataValue { Type = EPrimitiveDataType.Int32, Int32 = in_Value }); }
        public void WriteFloat(string in_Tag, float in_Value) { Write(in_Tag, new SDataValue { Type = EPrimitiveDataType.Float, Float = in_Value }); }
        public void WriteDouble(string in_Tag, double in_Value) { Write(in_Tag, new SDataValue { Type = EPrimitiveDataType.Double, Double = in_Value }); }

        // ----- network -------------------------------------------------------------------------------------
        public void SetIPSuite(uint in_InterfaceID, SIPSuite4 in_IPSuite, bool in_IsRemanent)
        {
            var cpu = Cpu;
            if (in_InterfaceID > 3) throw Fail.With(ERuntimeErrorCode.IndexOutOfRange);
            cpu.IpSuites[in_InterfaceID] = new[]
            {
                in_IPSuite.IPAddress.IPString, in_IPSuite.SubnetMask.IPString, in_IPSuite.DefaultGateway.IPString,
            };
            cpu.Addresses.Clear();
            cpu.Addresses.AddRange(cpu.IpSuites.Values.Select(s => s[0]));
        }

        public ECommunicationInterface CommunicationInterface
        {
            get { return (ECommunicationInterface)Enum.Parse(typeof(ECommunicationInterface), Cpu.CommunicationInterface); }
            set { Cpu.CommunicationInterface = value.ToString(); }
        }

        public string[] ControllerIP { get { return Cpu.IpSuites.Values.Select(s => s[0]).ToArray(); } }

        public SIPSuite4[] ControllerIPSuite4
        {
            get { return Cpu.IpSuites.Values.Select(s => new SIPSuite4(s[0], s[1], s[2])).ToArray(); }
        }

        // ----- identity and settings --------------------------------------------------------------------------
        public string ControllerName { get { return Cpu.Device ?? ""; } }

        public ECPUType CPUType
        {
            get { return (ECPUType)Enum.Parse(typeof(ECPUType), Cpu.CpuType); }
            set { Cpu.CpuType = value.ToString(); }
        }

        public int ID { get { return Cpu.Id; } }
        public SInstanceInfo Info { get { return new SInstanceInfo { ID = Cpu.Id, Name = Cpu.Name }; } }
        public string Name { get { return Cpu.Name; } }
        public IIOArea InputArea { get { return new IoArea(this, c => c.Inputs); } }
        public IIOArea OutputArea { get { return new IoArea(this, c => c.Outputs); } }
        public IIOArea MarkerArea { get { return new IoArea(this, c => c.Markers); } }

        public EOperatingMode OperatingMode
        {
            get { return (EOperatingMode)Enum.Parse(typeof(EOperatingMode), Cpu.OperatingModeName); }
            set
            {
                var cpu = Cpu;
                cpu.OperatingModeName = value.ToString();
                cpu.OperatingMode = cpu.OperatingModeName.Split('_')[0];  // SingleStep_CPT plays SingleStep
                // Takes effect at the next sync point: a RUN CPU runs freely in Default mode, halts in a stepped one.
                cpu.Frozen = cpu.OperatingState == "Run" && value != EOperatingMode.Default;
            }
        }

        public EOperatingState OperatingState
        {
            get
            {
                var cpu = Cpu;
                if (cpu.OperatingState == "Run" && cpu.Frozen) return EOperatingState.Freeze;
                return (EOperatingState)Enum.Parse(typeof(EOperatingState), cpu.OperatingState);
            }
        }

        public long OverwrittenMinimalCycleTime_ns
        {
            get { return Cpu.CycleTimeNs; }
            set
            {
                if (value < 0 || value > 6000000000L) throw Fail.With(ERuntimeErrorCode.WrongArgument);
                Cpu.CycleTimeNs = value;
            }
        }

        public double ScaleFactor
        {
            get { return Cpu.ScaleFactor; }
            set
            {
                if (value < 0.01 || value > 100) throw Fail.With(ERuntimeErrorCode.WrongArgument);
                Cpu.ScaleFactor = value;
            }
        }

        public string StoragePath { get { return Cpu.StoragePath; } set { Cpu.StoragePath = value ?? ""; } }

        public DateTime SystemTime
        {
            get { var cpu = Cpu; return cpu.SystemTimeBase.AddTicks(cpu.VirtualTimeNs / 100); }
            set { var cpu = Cpu; cpu.SystemTimeBase = value.AddTicks(-(cpu.VirtualTimeNs / 100)); }
        }

        public void Dispose() { }

        internal VirtualCpu Powered() { return On; }
    }

    internal sealed class IoArea : IIOArea
    {
        private readonly Instance _instance;
        private readonly Func<VirtualCpu, byte[]> _bytes;

        public IoArea(Instance instance, Func<VirtualCpu, byte[]> bytes) { _instance = instance; _bytes = bytes; }

        private byte[] Bytes(uint offset, uint count)
        {
            var bytes = _bytes(_instance.Powered());
            if ((ulong)offset + count > (ulong)bytes.Length) throw Fail.With(ERuntimeErrorCode.IndexOutOfRange);
            return bytes;
        }

        public uint AreaSize { get { return (uint)_bytes(_instance.Powered()).Length; } }

        public bool ReadBit(uint in_Offset, byte in_Bit)
        {
            if (in_Bit > 7) throw Fail.With(ERuntimeErrorCode.WrongArgument);
            return (Bytes(in_Offset, 1)[in_Offset] & (1 << in_Bit)) != 0;
        }

        public byte ReadByte(uint in_Offset) { return Bytes(in_Offset, 1)[in_Offset]; }

        public byte[] ReadBytes(uint in_Offset, uint in_BytesToRead)
        {
            var bytes = Bytes(in_Offset, in_BytesToRead);
            var result = new byte[in_BytesToRead];
            Array.Copy(bytes, in_Offset, result, 0, in_BytesToRead);
            return result;
        }

        public void WriteBit(uint in_Offset, byte in_Bit, bool in_Value)
        {
            if (in_Bit > 7) throw Fail.With(ERuntimeErrorCode.WrongArgument);
            var bytes = Bytes(in_Offset, 1);
            bytes[in_Offset] = (byte)(in_Value ? bytes[in_Offset] | (1 << in_Bit) : bytes[in_Offset] & ~(1 << in_Bit));
        }

        public void WriteByte(uint in_Offset, byte in_Value) { Bytes(in_Offset, 1)[in_Offset] = in_Value; }

        public uint WriteBytes(uint in_Offset, byte[] in_Values) { return WriteBytes(in_Offset, (uint)in_Values.Length, in_Values); }

        public uint WriteBytes(uint in_Offset, uint in_BytesToWrite, byte[] in_Values)
        {
            var bytes = Bytes(in_Offset, in_BytesToWrite);
            Array.Copy(in_Values, 0, bytes, in_Offset, in_BytesToWrite);
            return in_BytesToWrite;
        }
    }
}
