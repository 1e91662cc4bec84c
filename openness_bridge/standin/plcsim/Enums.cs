// Stand-in of PLCSIM Advanced's Siemens.Simatic.Simulation.Runtime API: enumerations. Names and order follow the
// decompiled interface of Siemens.Simatic.Simulation.Runtime.Api.x64 (API 1.0, see openness_bridge/README.md [P1]).
// Newer API versions add members (e.g. split SingleStep into SingleStep_C/_CT/_CP/_CPT); the bridge reads names only.
namespace Siemens.Simatic.Simulation.Runtime
{
    public enum EArea { InvalidArea, Input, Marker, Output, Counter, Timer, DataBlock }

    public enum ECommunicationInterface { None, Softbus, TCPIP }

    public enum ECPUType
    {
        CPU1500_Unspecified, CPU1511, CPU1511v2, CPU1513, CPU1513v2, CPU1515, CPU1515v2, CPU1516, CPU1516v2, CPU1517,
        CPU1518, CPU1511C, CPU1512C, CPU1511F, CPU1511Fv2, CPU1513F, CPU1513Fv2, CPU1515F, CPU1515Fv2, CPU1516F,
        CPU1516Fv2, CPU1517F, CPU1518F, CPU1511T, CPU1515T, CPU1517T, CPU1517TF, CPU1518ODK, CPU1518FODK,
        ET200SP_Unspecified, CPU1510SP, CPU1510SPv2, CPU1512SP, CPU1512SPv2, CPU1510SPF, CPU1510SPFv2, CPU1512SPF,
        CPU1512SPFv2
    }

    public enum EDataType
    {
        Unknown, Bool, Byte, Char, Word, Int, DWord, DInt, Real, Date, TimeOfDay, Time, S5Time, DateAndTime, Struct,
        String, Counter, Timer, IEC_Counter, IEC_Timer, LReal, ULInt, LInt, LWord, USInt, UInt, UDInt, SInt, WChar,
        WString, LTime, LTimeOfDay, LDT, DTL, IEC_LTimer, IEC_SCounter, IEC_DCounter, IEC_LCounter, IEC_UCounter,
        IEC_UDCounter, IEC_USCounter, IEC_ULCounter, ErrorStruct, NREF, CREF, Aom_Ident, Event_Any, Event_Att,
        Event_HwInt, Hw_Any, Hw_IoSystem, Hw_DpMaster, Hw_Device, Hw_DpSlave, Hw_Io, Hw_Module, Hw_SubModule, Hw_Hsc,
        Hw_Pwm, Hw_Pto, Hw_Interface, Hw_IEPort, OB_Any, OB_Delay, OB_Tod, OB_Cyclic, OB_Att, Conn_Any, Conn_Prg,
        Conn_Ouc, Conn_R_ID, Port, Rtm, Pip, OB_PCycle, OB_HwInt, OB_Diag, OB_TimeError, OB_Startup, DB_Any, DB_WWW,
        DB_Dyn, DB
    }

    public enum EOperatingMode { Default, SingleStep, ExtendedSingleStep, TimespanSynchronized }

    public enum EOperatingState { InvalidOperatingState, Off, Booting, Stop, Startup, Run, Freeze, ShuttingDown }

    public enum EPrimitiveDataType
    {
        Unspecific, Struct, Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float, Double, Char, WChar
    }

    public enum ERuntimeErrorCode
    {
        OK, InvalidErrorCode, NotImplemented, IndexOutOfRange, DoesNotExist, AlreadyExists, UnknownMessageType,
        InvalidMessageId, WrongArgument, WrongPipe, ConnectionError, Timeout, MessageCorrupt, WrongVersion,
        InstanceNotRunning, InterfaceRemoved, SharedMemoryNotInitialized, ApiNotInitialized, WarningAlreadyExists,
        NotSupported, WarningInvalidCall, ErrorLoadingDll, SignalNameDoesNotExist, SignalTypeMismatch,
        SignalConfigurationError, NoSignalConfigurationLoaded, ConfiguredConnectionNotFound, ConfiguredDeviceNotFound,
        InvalidConfiguration, TypeMismatch, LicenseNotFound, NoLicenseAvailable, WrongCommunicationInterface,
        LimitReached, NoStoragePathSet, StoragePathAlreadyInUse, MesssageIncomplete, ArchiveStorageNotCreated,
        RetrieveStorageFailure, InvalidOperatingState, InvalidArchivePath, DeleteExistingStorageFailed,
        CreateDirectoriesFailed, NotEnoughMemory, WarningTrialModeActive, NotRunning, NotEmpty, NotUpToDate,
        CommunicationInterfaceNotAvailable, WarningNotComplete, VirtualSwitchMisconfigured, RuntimeNotAvailable, IsEmpty
    }

    public enum ETagListDetails { None, IO, M, IOM, CT, IOCT, MCT, IOMCT, DB, IODB, MDB, IOMDB, CTDB, IOCTDB, MCTDB, IOMCTDB }
}
