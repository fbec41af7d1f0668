using System.Globalization;
using System.Net.Sockets;

namespace Mtc.Edge.Collectors.Modbus;

/// <summary>
/// A Modbus TCP client for one unit of one module: read input registers (04) and discrete inputs (02). One request at a
/// time; each answer is matched to its request by transaction id (a late answer to an earlier, timed-out request is
/// skipped). The connection is kept between requests, and opened again when the module closed it: many I/O modules close
/// the socket after every answer, so a request on a kept connection that finds it closed is sent once more on a new one
/// (reads change nothing, so sending one twice is harmless). Every read is bounded: a header is 7 bytes and announces at
/// most 254 more, so a hostile length field costs nothing.
/// </summary>
internal sealed class ModbusTcpClient(string host, int port, byte unit, TimeSpan timeout) : IDisposable
{
    // A module that answers only with stale transaction ids is not answering this request.
    private const int MaxStaleAnswers = 16;

    private readonly byte[] _buffer = new byte[ModbusFrames.HeaderLength + ModbusFrames.MaxLengthField];
    private TcpClient? _tcp;
    private NetworkStream? _stream;
    private ushort _transaction;

    /// <summary>Connections opened so far.</summary>
    public int Connects { get; private set; }

    /// <summary>Answers skipped because their transaction id was not the request's.</summary>
    public int StaleAnswers { get; private set; }

    public string Address => string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");

    /// <summary>Reads <paramref name="count"/> input registers from <paramref name="address"/> (function 04).</summary>
    public async Task<ushort[]> ReadInputRegistersAsync(ushort address, ushort count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, (ushort)ModbusFrames.MaxRegisters);
        var data = await ExchangeAsync(ModbusFrames.ReadInputRegisters, address, count, 2 * count, ct).ConfigureAwait(false);
        return ModbusFrames.Registers(data);
    }

    /// <summary>Reads <paramref name="count"/> discrete inputs from <paramref name="address"/> (function 02).</summary>
    public async Task<bool[]> ReadDiscreteInputsAsync(ushort address, ushort count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, (ushort)ModbusFrames.MaxInputs);
        var data = await ExchangeAsync(ModbusFrames.ReadDiscreteInputs, address, count, (count + 7) / 8, ct).ConfigureAwait(false);
        return ModbusFrames.Bits(data, count);
    }

    private async Task<byte[]> ExchangeAsync(byte function, ushort address, ushort quantity, int expectedBytes, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var kept = _stream is not null;
            try
            {
                return await ExchangeOnceAsync(function, address, quantity, expectedBytes, cts.Token).ConfigureAwait(false);
            }
            catch (IOException) when (kept)
            {
                // The module closed the kept connection (after its last answer): once more on a new one.
                Close();
                return await ExchangeOnceAsync(function, address, quantity, expectedBytes, cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Close();
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"no answer from {Address} unit {unit} to function {function:D2} within {timeout.TotalMilliseconds:0} ms"));
        }
        catch (ModbusDeviceException)
        {
            throw; // the module answered in order: the connection stays usable
        }
        catch (Exception e) when (e is ModbusProtocolException or IOException or SocketException)
        {
            Close(); // whatever follows on this connection cannot be trusted to be in step
            throw;
        }
    }

    private async Task<byte[]> ExchangeOnceAsync(byte function, ushort address, ushort quantity, int expectedBytes, CancellationToken ct)
    {
        var stream = _stream ?? await ConnectAsync(ct).ConfigureAwait(false);
        var transaction = ++_transaction;
        try
        {
            await stream.WriteAsync(ModbusFrames.ReadRequest(transaction, unit, function, address, quantity), ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
        for (var stale = 0; ; stale++)
        {
            await ReadExactlyAsync(stream, ModbusFrames.HeaderLength, ct).ConfigureAwait(false);
            var (answered, answeredUnit, pduLength) = ModbusFrames.ReadHeader(_buffer);
            await ReadExactlyAsync(stream, pduLength, ct).ConfigureAwait(false);
            if (answered != transaction)
            {
                StaleAnswers++;
                if (stale >= MaxStaleAnswers)
                {
                    throw new ModbusProtocolException(string.Create(CultureInfo.InvariantCulture,
                        $"{MaxStaleAnswers} answers in a row were for other transactions than {transaction} (last: {answered})"));
                }
                continue;
            }
            if (answeredUnit != unit)
            {
                throw new ModbusProtocolException(string.Create(CultureInfo.InvariantCulture, $"the answer is from unit {answeredUnit}, not {unit}"));
            }
            return ModbusFrames.ReadAnswer(_buffer.AsSpan(0, pduLength), function, expectedBytes).ToArray();
        }
    }

    private async Task<NetworkStream> ConnectAsync(CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, ct).ConfigureAwait(false);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        Connects++;
        _tcp = tcp;
        _stream = tcp.GetStream();
        return _stream;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into the start of the buffer; the module closing first is an <see cref="IOException"/>.</summary>
    private async Task ReadExactlyAsync(NetworkStream stream, int count, CancellationToken ct)
    {
        int read;
        try
        {
            read = await stream.ReadAtLeastAsync(_buffer.AsMemory(0, count), count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
        if (read < count)
        {
            throw new IOException(read == 0 ? "the module closed the connection" : "the module closed the connection in the middle of an answer");
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _tcp?.Dispose();
        _stream = null;
        _tcp = null;
    }

    public void Dispose() => Close();
}
