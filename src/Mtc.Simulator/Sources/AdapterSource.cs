using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
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
            : catalog.FindDevice(deviceName) ?? throw new InvalidDataException($"--device '{deviceName}' is not in the devices file");
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
                await ReadAsync(agent, client.GetStream(), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Not there (yet): retry below.
            }
            catch (IOException)
            {
                // Connection lost: retry below.
            }

            var now = _clock.GetUtcNow().UtcDateTime;
            agent.Buffer.AddRange([.. _device.DataItems.Select(i => SourceValue.Unavailable(i, now))]);
            await Task.Delay(Retry, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadAsync(SimAgent agent, NetworkStream stream, CancellationToken cancellationToken)
    {
        using var pinging = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ping = Task.Run(async () =>
        {
            while (!pinging.IsCancellationRequested)
            {
                await stream.WriteAsync("* PING\n"u8.ToArray(), pinging.Token).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(10), _clock, pinging.Token).ConfigureAwait(false);
            }
        }, pinging.Token);

        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var batch = new List<SourceValue>();
        var number = 0;
        string? multilineEnd = null;
        ShdrLogLine? pending = null;
        var body = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            var now = _clock.GetUtcNow().UtcDateTime;
            if (multilineEnd is not null)
            {
                if (!string.Equals(line, multilineEnd, StringComparison.Ordinal))
                {
                    body.Append(line).Append('\n');
                    continue;
                }

                pending!.Fields[^1] = body.ToString();
                _mapper.Map(agent, pending, now, batch);
                multilineEnd = null;
                body.Clear();
                continue;
            }

            if (line.Length == 0 || line[0] == '*')
            {
                continue;
            }

            var fields = line.Split('|');
            var values = new ShdrLogLine(number, now, fields[1..]);
            if (values.Fields.Length == 0)
            {
                continue;
            }

            if (fields[^1].StartsWith("--multiline--", StringComparison.Ordinal))
            {
                multilineEnd = fields[^1];
                pending = values;
                continue;
            }

            _mapper.Map(agent, values, now, batch);
            ShdrReplaySource.Flush(agent, batch);
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
}
