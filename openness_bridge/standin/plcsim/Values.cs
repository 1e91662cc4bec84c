// Helpers of the PLCSIM stand-in (namespace StandIn.Plcsim: not part of Siemens' API): how a symbolic tag of the
// wire's VirtualCpu maps to PLCSIM's primitive and CPU data types, and SDataValue boxing.
using System;
using System.Collections.Generic;
using Siemens.Simatic.Simulation.Runtime;

namespace StandIn.Plcsim
{
    public static class Values
    {
        // TIA data type -> (primitive type PLCSIM reads/writes it as, PLCSIM's CPU data type).
        private static readonly Dictionary<string, KeyValuePair<EPrimitiveDataType, EDataType>> Types =
            new Dictionary<string, KeyValuePair<EPrimitiveDataType, EDataType>>(StringComparer.OrdinalIgnoreCase)
        {
            { "Bool", Pair(EPrimitiveDataType.Bool, EDataType.Bool) },
            { "Byte", Pair(EPrimitiveDataType.UInt8, EDataType.Byte) },
            { "USInt", Pair(EPrimitiveDataType.UInt8, EDataType.USInt) },
            { "SInt", Pair(EPrimitiveDataType.Int8, EDataType.SInt) },
            { "Word", Pair(EPrimitiveDataType.UInt16, EDataType.Word) },
            { "UInt", Pair(EPrimitiveDataType.UInt16, EDataType.UInt) },
            { "Int", Pair(EPrimitiveDataType.Int16, EDataType.Int) },
            { "DWord", Pair(EPrimitiveDataType.UInt32, EDataType.DWord) },
            { "UDInt", Pair(EPrimitiveDataType.UInt32, EDataType.UDInt) },
            { "DInt", Pair(EPrimitiveDataType.Int32, EDataType.DInt) },
            { "Time", Pair(EPrimitiveDataType.Int32, EDataType.Time) },
            { "LWord", Pair(EPrimitiveDataType.UInt64, EDataType.LWord) },
            { "ULInt", Pair(EPrimitiveDataType.UInt64, EDataType.ULInt) },
            { "LInt", Pair(EPrimitiveDataType.Int64, EDataType.LInt) },
            { "LTime", Pair(EPrimitiveDataType.Int64, EDataType.LTime) },
            { "Real", Pair(EPrimitiveDataType.Float, EDataType.Real) },
            { "LReal", Pair(EPrimitiveDataType.Double, EDataType.LReal) },
            { "Char", Pair(EPrimitiveDataType.Char, EDataType.Char) },
            { "WChar", Pair(EPrimitiveDataType.WChar, EDataType.WChar) },
        };

        private static KeyValuePair<EPrimitiveDataType, EDataType> Pair(EPrimitiveDataType p, EDataType d)
        {
            return new KeyValuePair<EPrimitiveDataType, EDataType>(p, d);
        }

        /// <summary>PLCSIM's types of a tag: from its declared TIA type, else from its value's .NET type.</summary>
        public static KeyValuePair<EPrimitiveDataType, EDataType> TypeOf(string tiaType, object value)
        {
            KeyValuePair<EPrimitiveDataType, EDataType> pair;
            if (tiaType != null && Types.TryGetValue(tiaType, out pair)) return pair;
            if (tiaType != null) return Pair(EPrimitiveDataType.Struct, EDataType.Struct);  // String, UDTs: not primitive
            if (value is bool) return Types["Bool"];
            if (value is byte) return Types["Byte"];
            if (value is sbyte) return Types["SInt"];
            if (value is short) return Types["Int"];
            if (value is ushort) return Types["Word"];
            if (value is uint) return Types["DWord"];
            if (value is long) return Types["LInt"];
            if (value is ulong) return Types["LWord"];
            if (value is float) return Types["Real"];
            if (value is double) return Types["LReal"];
            if (value is char) return Types["WChar"];
            return Types["DInt"];
        }

        /// <summary>The value of <paramref name="value"/>'s member named by its Type, boxed.</summary>
        public static object Box(SDataValue value)
        {
            switch (value.Type)
            {
                case EPrimitiveDataType.Bool: return value.Bool;
                case EPrimitiveDataType.Int8: return value.Int8;
                case EPrimitiveDataType.Int16: return value.Int16;
                case EPrimitiveDataType.Int32: return value.Int32;
                case EPrimitiveDataType.Int64: return value.Int64;
                case EPrimitiveDataType.UInt8: return value.UInt8;
                case EPrimitiveDataType.UInt16: return value.UInt16;
                case EPrimitiveDataType.UInt32: return value.UInt32;
                case EPrimitiveDataType.UInt64: return value.UInt64;
                case EPrimitiveDataType.Float: return value.Float;
                case EPrimitiveDataType.Double: return value.Double;
                case EPrimitiveDataType.Char: return value.Char;
                case EPrimitiveDataType.WChar: return value.WChar;
                default: return null;
            }
        }

        /// <summary>An SDataValue of <paramref name="type"/> holding <paramref name="value"/> (converted).</summary>
        public static SDataValue Unbox(EPrimitiveDataType type, object value)
        {
            var result = new SDataValue { Type = type };
            switch (type)
            {
                case EPrimitiveDataType.Bool: result.Bool = Convert.ToBoolean(value); break;
                case EPrimitiveDataType.Int8: result.Int8 = Convert.ToSByte(value); break;
                case EPrimitiveDataType.Int16: result.Int16 = Convert.ToInt16(value); break;
                case EPrimitiveDataType.Int32: result.Int32 = Convert.ToInt32(value); break;
                case EPrimitiveDataType.Int64: result.Int64 = Convert.ToInt64(value); break;
                case EPrimitiveDataType.UInt8: result.UInt8 = Convert.ToByte(value); break;
                case EPrimitiveDataType.UInt16: result.UInt16 = Convert.ToUInt16(value); break;
                case EPrimitiveDataType.UInt32: result.UInt32 = Convert.ToUInt32(value); break;
                case EPrimitiveDataType.UInt64: result.UInt64 = Convert.ToUInt64(value); break;
                case EPrimitiveDataType.Float: result.Float = Convert.ToSingle(value); break;
                case EPrimitiveDataType.Double: result.Double = Convert.ToDouble(value); break;
                case EPrimitiveDataType.Char: result.Char = Convert.ToSByte(value); break;
                case EPrimitiveDataType.WChar: result.WChar = Convert.ToChar(value); break;
            }
            return result;
        }
    }
}
