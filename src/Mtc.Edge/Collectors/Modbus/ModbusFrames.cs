using System.Buffers.Binary;
using System.Globalization;

namespace Mtc.Edge.Collectors.Modbus;

/// <summary>
/// Modbus TCP application data units: a 7-byte MBAP header (transaction id, protocol 0, length of what follows, unit id)
/// and a PDU (function code and data), big-endian. A whole ADU is at most 260 bytes, so the length field is at most 254:
/// a larger one is refused before anything is read for it.
/// </summary>
internal static class ModbusFrames
{
    public const int HeaderLength = 7;
    public const int MaxLengthField = 254;
    public const byte ReadDiscreteInputs = 0x02;
    public const byte ReadInputRegisters = 0x04;

    /// <summary>The most registers (125) and inputs (2000) one read may ask for, as the specification allows.</summary>
    public const int MaxRegisters = 125;
    public const int MaxInputs = 2000;

    /// <summary>A read request (function 01-04): address and quantity.</summary>
    public static byte[] ReadRequest(ushort transaction, byte unit, byte function, ushort address, ushort quantity)
    {
        var frame = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(frame, transaction);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), 6);
        frame[6] = unit;
        frame[7] = function;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(8), address);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(10), quantity);
        return frame;
    }

    /// <summary>The header's transaction id and how many bytes follow it (the PDU), checked.</summary>
    public static (ushort Transaction, byte Unit, int PduLength) ReadHeader(ReadOnlySpan<byte> header)
    {
        var transaction = BinaryPrimitives.ReadUInt16BigEndian(header);
        var protocol = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
        if (protocol != 0)
        {
            throw new ModbusProtocolException(string.Create(CultureInfo.InvariantCulture, $"protocol id {protocol} in the answer's header is not Modbus (0)"));
        }
        if (length is < 2 or > MaxLengthField)
        {
            throw new ModbusProtocolException(string.Create(CultureInfo.InvariantCulture, $"length {length} in the answer's header is outside 2-{MaxLengthField}"));
        }
        return (transaction, header[6], length - 1);
    }

    /// <summary>The data bytes of a read answer, after checking its function code, byte count and size.</summary>
    public static ReadOnlySpan<byte> ReadAnswer(ReadOnlySpan<byte> pdu, byte function, int expectedBytes)
    {
        if (pdu.Length >= 2 && pdu[0] == (function | 0x80))
        {
            throw new ModbusDeviceException(function, pdu[1]);
        }
        if (pdu[0] != function)
        {
            throw new ModbusProtocolException(string.Create(CultureInfo.InvariantCulture, $"the answer is for function {pdu[0]:D2}, not {function:D2}"));
        }
        if (pdu.Length < 2 || pdu[1] != expectedBytes || pdu.Length != 2 + expectedBytes)
        {
            throw new ModbusProtocolException(string.Create(CultureInfo.InvariantCulture,
                $"function {function:D2} answered {(pdu.Length < 2 ? 0 : pdu[1])} data bytes in a {pdu.Length}-byte PDU; {expectedBytes} were asked for"));
        }
        return pdu.Slice(2, expectedBytes);
    }

    public static ushort[] Registers(ReadOnlySpan<byte> data)
    {
        var result = new ushort[data.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(2 * i)..]);
        }
        return result;
    }

    /// <summary>Coils and discrete inputs are packed eight to a byte, the first in the lowest bit.</summary>
    public static bool[] Bits(ReadOnlySpan<byte> data, int count)
    {
        var result = new bool[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (data[i / 8] & (1 << (i % 8))) != 0;
        }
        return result;
    }
}
