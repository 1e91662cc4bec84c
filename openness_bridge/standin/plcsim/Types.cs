// Stand-in of PLCSIM Advanced's value types and exceptions (shapes as the decompiled API 1.0 interface, [P1]).
using System;
using System.Linq;

namespace Siemens.Simatic.Simulation.Runtime
{
    /// <summary>A value and its primitive type; only the member named by Type is meaningful.</summary>
    public struct SDataValue
    {
        public bool Bool { get; set; }
        public sbyte Char { get; set; }
        public double Double { get; set; }
        public float Float { get; set; }
        public short Int16 { get; set; }
        public int Int32 { get; set; }
        public long Int64 { get; set; }
        public sbyte Int8 { get; set; }
        public EPrimitiveDataType Type { get; set; }
        public ushort UInt16 { get; set; }
        public uint UInt32 { get; set; }
        public ulong UInt64 { get; set; }
        public byte UInt8 { get; set; }
        public char WChar { get; set; }

        public override string ToString() { return Type + ":" + StandIn.Plcsim.Values.Box(this); }
    }

    public struct SDataValueByName
    {
        public string Name;
        public SDataValue DataValue;
        public override string ToString() { return Name + "=" + DataValue; }
    }

    public struct SDimension
    {
        public int StartIndex;
        public uint Count;
    }

    public struct SInstanceInfo
    {
        public int ID;
        public string Name;
        public override string ToString() { return ID + ": " + Name; }
    }

    /// <summary>An IPv4 address.</summary>
    public struct SIP
    {
        private uint _value;

        public byte[] IPArray
        {
            get { return new[] { (byte)(_value >> 24), (byte)(_value >> 16), (byte)(_value >> 8), (byte)_value }; }
            set { _value = ((uint)value[0] << 24) | ((uint)value[1] << 16) | ((uint)value[2] << 8) | value[3]; }
        }

        public uint IPDWord { get { return _value; } set { _value = value; } }

        public string IPString
        {
            get { return string.Join(".", IPArray.Select(b => b.ToString())); }
            set { IPArray = value.Split('.').Select(byte.Parse).ToArray(); }
        }

        public override string ToString() { return IPString; }
    }

    /// <summary>An IPv4 suite: address, subnet mask, default gateway.</summary>
    public struct SIPSuite4
    {
        public SIPSuite4(string in_IPAddress, string in_SubnetMask, string in_DefaultGateway)
        {
            IPAddress = new SIP { IPString = in_IPAddress };
            SubnetMask = new SIP { IPString = in_SubnetMask };
            DefaultGateway = new SIP { IPString = in_DefaultGateway };
        }

        public SIPSuite4(uint in_IPAddress, uint in_SubnetMask, uint in_DefaultGateway)
        {
            IPAddress = new SIP { IPDWord = in_IPAddress };
            SubnetMask = new SIP { IPDWord = in_SubnetMask };
            DefaultGateway = new SIP { IPDWord = in_DefaultGateway };
        }

        public SIP IPAddress;
        public SIP SubnetMask;
        public SIP DefaultGateway;

        public override string ToString() { return IPAddress + "/" + SubnetMask + " gw " + DefaultGateway; }
    }

    /// <summary>One entry of the tag list (UpdateTagList).</summary>
    public struct STagInfo
    {
        public string Name;
        public EArea Area;
        public EDataType DataType;
        public EPrimitiveDataType PrimitiveDataType;
        public ushort Size;
        public uint Offset;
        public byte Bit;
        public uint Index;
        public uint ParentIndex;
        public SDimension[] Dimension;
        public override string ToString() { return Name; }
    }

    public class SimulationRuntimeException : Exception
    {
        public SimulationRuntimeException(ERuntimeErrorCode in_ErrorCode) : base(in_ErrorCode.ToString()) { RuntimeErrorCode = in_ErrorCode; }
        public SimulationRuntimeException(string in_Message, Exception in_Inner) : base(in_Message, in_Inner) { }
        public SimulationRuntimeException(string in_Message) : base(in_Message) { }
        public SimulationRuntimeException() { }

        public ERuntimeErrorCode RuntimeErrorCode { get; private set; }
    }

    public class SimulationInitializationException : Exception
    {
        public SimulationInitializationException(ERuntimeErrorCode in_ErrorCode) : base(in_ErrorCode.ToString()) { RuntimeErrorCode = in_ErrorCode; }
        public SimulationInitializationException(string in_Message, Exception in_Inner) : base(in_Message, in_Inner) { }
        public SimulationInitializationException(string in_Message) : base(in_Message) { }
        public SimulationInitializationException() { }

        public ERuntimeErrorCode RuntimeErrorCode { get; private set; }
    }
}
