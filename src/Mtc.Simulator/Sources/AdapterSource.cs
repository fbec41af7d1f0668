using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Mtc.Core.Shdr;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Sources.Replay;

namespace Mtc.Simulator.Sources;

/// <summary>
/// A live SHDR adapter (<c>host:port</c>) feeding one device: the simulator is then a minimal agent. Values are
/// stamped on arrival; on disconnect every data item of the device becomes UNAVAILABLE and the connection is
/// retried every few seconds. <c>* PING</c> is sent every 10 s so the adapter keeps the connection open.
/// </summary>
internal sealed class AdapterSource : IDataSource
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Ping = TimeSpan.FromSeconds(10);
    private readonly DeviceModel _device;
    private readonly string _host;
    private readonly int _port;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly ShdrMapper _mapper;

    public AdapterSource(DeviceCatalog catalog, string? deviceName, string adapter, TimeProvider clock, ILogger log)
    {
        Catalog = catalog;
        _device = deviceName is null ? catalog.Devices[0]
            : catalog.FindDevice(deviceName) ?? throw new InvalidDataException(
                $"--device '{deviceName}' is not in the devices file (it has {string.Join(", ", catalog.Devices.Select(d => d.Name))})");
        var colon = adapter.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(adapter.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _port) || _port is 0 or > 65535)
        {
            throw new ArgumentException($"--adapter must be HOST:PORT, not '{adapter}'");
        }

        _host = adapter[..colon];
        _clock = clock;
        _log = log;
        _mapper = new ShdrMapper(catalog, _device, log);
    }

    public DeviceCatalog Catalog { get; }

    public async Task RunAsync(SimAgent agent, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
                Log.AdapterConnected(_log, _host, _port, _device.Name);
                await ReadAsync(agent, client.GetStream(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is SocketException or IOException)
            {
                // Not there (yet) or the connection broke: the device is unavailable until it is back.
            }

            var now = _clock.GetUtcNow().UtcDateTime;
            agent.Buffer.AddRange([.. _device.DataItems.Select(i => SourceValue.Unavailable(i, now))]);
            await Task.Delay(Retry, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadAsync(SimAgent agent, NetworkStream stream, CancellationToken cancellationToken)
    {
        using var pinging = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ping = PingAsync(stream, pinging.Token);
        var reader = new ShdrReader(_mapper.Resolver, clock: _clock);
        using var lines = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var batch = new List<SourceValue>();
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            var result = reader.Accept(text);
            if (result.Error is { } error)
            {
                Log.MalformedLine(_log, $"{_host}:{_port}", error.Describe());
            }
            else if (result.Line is { } line)
            {
                _mapper.Map(agent, line, _clock.GetUtcNow().UtcDateTime, batch);
                ShdrReplaySource.Flush(agent, batch);
            }
        }

        await pinging.CancelAsync().ConfigureAwait(false);
        try
        {
            await ping.ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The ping loop ends with the connection.
        }
    }

    private async Task PingAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await stream.WriteAsync("* PING\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await Task.Delay(Ping, _clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
