namespace Mtc.Core.Shdr;

/// <summary>Adds up an SHDR log line by line for <see cref="ShdrLogSummary"/>.</summary>
internal sealed class ShdrLogTally(int keepErrors)
{
    private readonly Dictionary<ShdrAssetAction, int> _assetCommands = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);
    private readonly HashSet<string> _devices = new(StringComparer.Ordinal);
    private readonly List<ShdrParseError> _errors = [];
    private int _dataLines, _observations, _conditions, _messages, _alarms, _timeSeries, _dataSets, _tables, _unavailable;
    private int _assetCount, _assets, _commands;
    private DateTime? _first, _last, _earliest, _latest;

    public void Add(ShdrParseResult result)
    {
        switch (result.Line)
        {
            case ShdrDataLine data:
                _dataLines++;
                if (!data.TimestampWasEmpty)
                {
                    See(data.Timestamp);
                }

                foreach (var entry in data.Entries)
                {
                    Add(entry);
                }

                break;
            case ShdrAssetCommand asset:
                _assetCount++;
                _assetCommands[asset.Action] = _assetCommands.GetValueOrDefault(asset.Action) + 1;
                _assets += asset.Action == ShdrAssetAction.Add ? 1 : 0;
                See(asset.Timestamp);
                break;
            case ShdrPing or ShdrPong or ShdrCommand:
                _commands++;
                break;
            case null when result.Error is { } error && _errors.Count < keepErrors:
                _errors.Add(error);
                break;
        }
    }

    public ShdrLogSummary ToSummary(int lines, int malformed) => new()
    {
        Lines = lines,
        DataLines = _dataLines,
        Observations = _observations,
        Conditions = _conditions,
        Messages = _messages,
        Alarms = _alarms,
        TimeSeries = _timeSeries,
        DataSets = _dataSets,
        Tables = _tables,
        Unavailable = _unavailable,
        AssetCommands = _assetCount,
        AssetCommandsByAction = new Dictionary<ShdrAssetAction, int>(_assetCommands),
        Assets = _assets,
        ProtocolCommands = _commands,
        Keys = _keys.Count,
        Devices = [.. _devices.Order(StringComparer.Ordinal)],
        UnknownKeys = _unknown.Count,
        UnknownKeyNames = [.. _unknown.Order(StringComparer.Ordinal)],
        MalformedLines = malformed,
        FirstErrors = _errors,
        First = _first,
        Last = _last,
        Earliest = _earliest,
        Latest = _latest,
    };

    private void Add(ShdrEntry entry)
    {
        _observations++;
        _keys.Add(entry.Device is null ? entry.Key : $"{entry.Device}:{entry.Key}");
        if (entry.Device is { } device)
        {
            _devices.Add(device);
        }

        if (!entry.IsKnown)
        {
            _unknown.Add(entry.Key);
        }

        _unavailable += ShdrObservations.IsUnavailable(entry) ? 1 : 0;
        switch (entry)
        {
            case ShdrCondition:
                _conditions++;
                break;
            case ShdrMessage:
                _messages++;
                break;
            case ShdrAlarm:
                _alarms++;
                break;
            case ShdrTimeSeries:
                _timeSeries++;
                break;
            case ShdrDataSet { IsTable: true }:
                _tables++;
                break;
            case ShdrDataSet:
                _dataSets++;
                break;
        }
    }

    private void See(DateTime time)
    {
        _first ??= time;
        _last = time;
        _earliest = _earliest is { } earliest && earliest <= time ? earliest : time;
        _latest = _latest is { } latest && latest >= time ? latest : time;
    }
}
