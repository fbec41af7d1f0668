using System.Globalization;

namespace Mtc.Edge.Collectors.Modbus;

/// <summary>
/// The module answered with a Modbus exception (function code | 0x80 and an exception code): it is there, but refused
/// the request. Not transient in general (a wrong address stays wrong), except <see cref="IsBusy"/>.
/// </summary>
internal sealed class ModbusDeviceException(byte function, byte code)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"the module answered function {function:D2} with exception {code:D2} ({Describe(code)})"))
{
    public byte Function { get; } = function;

    public byte Code { get; } = code;

    /// <summary>Acknowledge (05) or busy (06): the module may answer the next poll.</summary>
    public bool IsBusy => Code is 5 or 6;

    public static string Describe(byte code) => code switch
    {
        1 => "illegal function",
        2 => "illegal data address",
        3 => "illegal data value",
        4 => "server device failure",
        5 => "acknowledge",
        6 => "server device busy",
        8 => "memory parity error",
        10 => "gateway path unavailable",
        11 => "gateway target device failed to respond",
        _ => "unknown exception code",
    };
}

/// <summary>What came back is not a Modbus TCP answer to the request (bad header, length, function or size).</summary>
internal sealed class ModbusProtocolException(string message) : Exception(message);
