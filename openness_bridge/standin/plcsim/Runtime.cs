// Stand-in of PLCSIM Advanced's runtime manager and instance interfaces (Siemens.Simatic.Simulation.Runtime).
// Members and signatures follow the decompiled API 1.0 interface [P1] plus RunToNextSyncPoint, which newer APIs
// add and public C# wrappers call [P3]. Each instance is a StandIn.Wire.VirtualCpu on the Softbus, so a download
// from the Siemens.Engineering stand-in reaches it. The stand-in runs NO PLC program: a cycle only advances the
// cycle count and virtual time; values change only when written (API or download).
using System;
using System.Linq;
using StandIn.Wire;

namespace Siemens.Simatic.Simulation.Runtime
{
    /// <summary>An instance of a virtual controller (registered in the runtime manager).</summary>
    public interface IInstance : IDisposable
    {
        ERuntimeErrorCode PowerOn();
        ERuntimeErrorCode PowerOn(uint in_TimeOut_ms);
        void PowerOff();
        void PowerOff(uint in_TimeOut_ms);
        void Run();
        void Run(uint in_TimeOut_ms);
        void Stop();
        void Stop(uint in_TimeOut_ms);
        void MemoryReset();
        void MemoryReset(uint in_TimeOut_ms);
        void UnregisterInstance();

        void UpdateTagList();
        void UpdateTagList(ETagListDetails in_TagListDetails);
        void UpdateTagList(ETagListDetails in_TagListDetails, bool in_IsHMIVisibleOnly);
        void GetTagListStatus(out ETagListDetails out_TagListDetails, out bool out_IsHMIVisibleOnly);
        STagInfo[] TagInfos { get; }

        SDataValue Read(string in_Tag);
        bool ReadBool(string in_Tag);
        sbyte ReadInt8(string in_Tag);
        short ReadInt16(string in_Tag);
        int ReadInt32(string in_Tag);
        long ReadInt64(string in_Tag);
        byte ReadUInt8(string in_Tag);
        ushort ReadUInt16(string in_Tag);
        uint ReadUInt32(string in_Tag);
        ulong ReadUInt64(string in_Tag);
        float ReadFloat(string in_Tag);
        double ReadDouble(string in_Tag);
        void Write(string in_Tag, SDataValue in_Value);
        void WriteBool(string in_Tag, bool in_Value);
        void WriteInt16(string in_Tag, short in_Value);
        void WriteInt32(string in_Tag, int in_Value);
        void WriteFloat(string in_Tag, float in_Value);
        void WriteDouble(string in_Tag, double in_Value);

        void SetIPSuite(uint in_InterfaceID, SIPSuite4 in_IPSuite, bool in_IsRemanent);
        void RunToNextSyncPoint();
        void StartProcessing(long in_MinimalTimeToRun_ns);

        ECommunicationInterface CommunicationInterface { get; set; }
        string[] ControllerIP { get; }
        SIPSuite4[] ControllerIPSuite4 { get; }
        string ControllerName { get; }
        ECPUType CPUType { get; set; }
        int ID { get; }
        SInstanceInfo Info { get; }
        IIOArea InputArea { get; }
        IIOArea MarkerArea { get; }
        IIOArea OutputArea { get; }
        string Name { get; }
        EOperatingMode OperatingMode { get; set; }
        EOperatingState OperatingState { get; }
        long OverwrittenMinimalCycleTime_ns { get; set; }
        double ScaleFactor { get; set; }
        string StoragePath { get; set; }
        DateTime SystemTime { get; set; }
    }

    /// <summary>Inputs, outputs or bit memory of an instance, accessed by byte offset.</summary>
    public interface IIOArea
    {
        bool ReadBit(uint in_Offset, byte in_Bit);
        byte ReadByte(uint in_Offset);
        byte[] ReadBytes(uint in_Offset, uint in_BytesToRead);
        void WriteBit(uint in_Offset, byte in_Bit, bool in_Value);
        void WriteByte(uint in_Offset, byte in_Value);
        uint WriteBytes(uint in_Offset, byte[] in_Values);
        uint WriteBytes(uint in_Offset, uint in_BytesToWrite, byte[] in_Values);
        uint AreaSize { get; }
    }

    /// <summary>The local runtime manager: registers instances (at most 16) and hands out their interfaces.</summary>
    public sealed class SimulationRuntimeManager
    {
        private const int MaxInstances = 16;

        public SimulationRuntimeManager() { }

        public static bool IsInitialized { get { return true; } }
        public static bool IsRuntimeManagerAvailable { get { return Softbus.ManagerAvailable; } }
        /// <summary>Runtime manager version as (major &lt;&lt; 16) | minor (API 7.0 reads 458752 [P4]); the stand-in is 1.0.</summary>
        public static uint Version { get { return 0x00010000; } }
        public static ushort Port { get { return Softbus.ManagerPort; } }
        /// <summary>Promiscuous mode of the runtime's network (real API 50.42.10.0 [P5]): not a Softbus/TCP-IP switch.</summary>
        public static ECommunicationMode NetworkMode { get; set; }

        public static SInstanceInfo[] RegisteredInstanceInfo
        {
            get { return Softbus.Cpus.Select(c => new SInstanceInfo { ID = c.Id, Name = c.Name }).ToArray(); }
        }

        public static void OpenPort(ushort in_Port)
        {
            Available();
            if (in_Port == 0) throw new SimulationRuntimeException(ERuntimeErrorCode.WrongArgument);
            Softbus.ManagerPort = in_Port;
        }

        public static void ClosePort() { Available(); Softbus.ManagerPort = 0; }

        public static IInstance RegisterInstance() { return Register(ECPUType.CPU1500_Unspecified, null); }
        public static IInstance RegisterInstance(ECPUType in_CPUType) { return Register(in_CPUType, null); }
        public static IInstance RegisterInstance(string in_InstanceName) { return Register(ECPUType.CPU1500_Unspecified, in_InstanceName); }
        public static IInstance RegisterInstance(ECPUType in_CPUType, string in_InstanceName) { return Register(in_CPUType, in_InstanceName); }

        public static IInstance CreateInterface(string in_InstanceName)
        {
            Available();
            var cpu = Softbus.Find(in_InstanceName);
            if (cpu == null) throw new SimulationRuntimeException(ERuntimeErrorCode.DoesNotExist);
            return new StandIn.Plcsim.Instance(cpu);
        }

        public static IInstance CreateInterface(int in_InstanceID)
        {
            Available();
            var cpu = Softbus.Cpus.FirstOrDefault(c => c.Id == in_InstanceID);
            if (cpu == null) throw new SimulationRuntimeException(ERuntimeErrorCode.DoesNotExist);
            return new StandIn.Plcsim.Instance(cpu);
        }

        public static void Shutdown() { }

        private static void Available()
        {
            if (!Softbus.ManagerAvailable) throw new SimulationRuntimeException(ERuntimeErrorCode.RuntimeNotAvailable);
        }

        private static IInstance Register(ECPUType cpuType, string name)
        {
            Available();
            int id = Softbus.NextId;
            if (name == null) name = "Instance_" + id;
            if (name.Trim().Length == 0 || name.Length >= 64) throw new SimulationRuntimeException(ERuntimeErrorCode.WrongArgument);
            if (Softbus.Find(name) != null) throw new SimulationRuntimeException(ERuntimeErrorCode.AlreadyExists);
            if (Softbus.Cpus.Count >= MaxInstances) throw new SimulationRuntimeException(ERuntimeErrorCode.LimitReached);
            Softbus.NextId++;
            var cpu = new VirtualCpu(name) { Id = id, CpuType = cpuType.ToString() };
            Softbus.Cpus.Add(cpu);
            return new StandIn.Plcsim.Instance(cpu);
        }
    }
}
