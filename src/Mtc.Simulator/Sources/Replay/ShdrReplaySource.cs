using Microsoft.Extensions.Logging;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Replay;

/// <summary>
/// Replays an SHDR log into one device of a Devices.xml, as an agent with that adapter would have received it:
/// keys are matched to data item names or ids (or <c>device:key</c>), the log's pauses are kept (divided by the
/// speed, and at most <c>maxGap</c>), timestamps are moved to now. With <c>loop</c> the log starts over at its end.
/// </summary>
internal sealed class ShdrReplaySource : IDataSource
{
    private readonly DeviceModel _device;
    private readonly string _path;
    private readonly SourceClock _clock;
    private readonly bool _loop;
    private readonly TimeSpan _maxGap;
    private readonly ILogger _log;
    private readonly ShdrMapper _mapper;

    public ShdrReplaySource(DeviceCatalog catalog, string? deviceName, string path, SourceClock clock, bool loop, TimeSpan maxGap, ILogger log)
    {
        Catalog = catalog;
        _device = deviceName is null
            ? catalog.Devices[0]
            : catalog.FindDevice(deviceName) ?? throw new InvalidDataException(
                $"--device '{deviceName}' is not in the devices file (it has {string.Join(", ", catalog.Devices.Select(d => d.Name))})");
        _path = File.Exists(path) ? path : throw new FileNotFoundException($"SHDR log not found: {path}", path);
        _clock = clock;
        _loop = loop;
        _maxGap = maxGap;
        _log = log;
        _mapper = new ShdrMapper(catalog, _device, log);
    }

    public DeviceCatalog Catalog { get; }

    public DeviceModel Device => _device;

    public int UnknownKeys => _mapper.UnknownKeys;

    public async Task RunAsync(SimAgent agent, CancellationToken cancellationToken)
    {
        Log.ReplayStarted(_log, _path, _device.Name, _clock.Speed);
        var offset = TimeSpan.Zero;
        var batch = new List<SourceValue>();
        do
        {
            DateTime? previous = null;
            var lines = 0;
            foreach (var line in ShdrLogReader.Read(_path, _mapper.Resolver, why => Log.MalformedLine(_log, _path, why)))
            {
                var timestamp = ShdrLogReader.Timestamp(line);
                if (previous is { } before)
                {
                    var gap = timestamp - before;
                    offset += gap < TimeSpan.Zero ? TimeSpan.Zero : gap > _maxGap ? _maxGap : gap;
                }

                // Lines stamped earlier than one already seen (a log's asset dump) play at once.
                previous = previous is { } seen && seen > timestamp ? seen : timestamp;
                var wait = (offset - _clock.Elapsed) / _clock.Speed;
                if (wait > TimeSpan.Zero)
                {
                    Flush(agent, batch);
                    await Task.Delay(wait, _clock.Wall, cancellationToken).ConfigureAwait(false);
                }

                if (line is Mtc.Core.Shdr.ShdrAssetCommand)
                {
                    Flush(agent, batch);
                }

                _mapper.Map(agent, line, _clock.WallTime(offset), batch);
                lines++;
            }

            Flush(agent, batch);
            Log.ReplayEnded(_log, _path, lines, _mapper.UnknownKeys);
            offset += TimeSpan.FromSeconds(1);
        }
        while (_loop && !cancellationToken.IsCancellationRequested);
    }

    internal static void Flush(SimAgent agent, List<SourceValue> batch)
    {
        agent.Buffer.AddRange([.. batch]);
        batch.Clear();
    }

}
