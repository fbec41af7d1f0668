namespace Mtc.Core.Shdr;

/// <summary>What an SHDR log holds, read in one pass, for a person diagnosing an adapter (<c>mtc inspect --shdr</c>).</summary>
public sealed record ShdrLogSummary
{
    /// <summary>Physical lines, blank and multiline-asset lines included.</summary>
    public int Lines { get; init; }

    /// <summary>Lines with a timestamp and key/value entries.</summary>
    public int DataLines { get; init; }

    /// <summary>Entries on data lines: values, conditions, messages, time series, data sets and tables.</summary>
    public int Observations { get; init; }

    public int Conditions { get; init; }

    /// <summary>Observations whose value is <c>UNAVAILABLE</c> or condition level Unavailable.</summary>
    public int Unavailable { get; init; }

    /// <summary>Asset commands of every kind (add, update, remove, remove all).</summary>
    public int AssetCommands { get; init; }

    /// <summary><c>@ASSET@</c> commands, single-line and multiline.</summary>
    public int Assets { get; init; }

    /// <summary><c>* PING</c>, <c>* PONG</c> and <c>* name: value</c> lines.</summary>
    public int ProtocolCommands { get; init; }

    /// <summary>Distinct keys the resolver did not know (0 without a devices model: the heuristic knows every key).</summary>
    public int UnknownKeys { get; init; }

    public int MalformedLines { get; init; }

    /// <summary>The first malformed lines (up to the number asked for), in order.</summary>
    public IReadOnlyList<ShdrParseError> FirstErrors { get; init; } = [];

    /// <summary>Timestamps of the first and last data lines, in file order.</summary>
    public DateTime? First { get; init; }

    public DateTime? Last { get; init; }

    /// <summary>Earliest and latest timestamp of any data line (adapters do not always write in order).</summary>
    public DateTime? Earliest { get; init; }

    public DateTime? Latest { get; init; }

    public static ShdrLogSummary Read(TextReader log, IShdrKeyResolver? resolver = null, ParserLimits? limits = null, int keepErrors = 10)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var reader = new ShdrReader(log, resolver, limits);
        int dataLines = 0, observations = 0, conditions = 0, unavailable = 0, assetCommands = 0, assets = 0, commands = 0;
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<ShdrParseError>();
        DateTime? first = null, last = null, earliest = null, latest = null;
        while (reader.TryRead(out var result))
        {
            switch (result.Line)
            {
                case ShdrDataLine data:
                    dataLines++;
                    first ??= data.Timestamp;
                    last = data.Timestamp;
                    earliest = earliest is null || data.Timestamp < earliest ? data.Timestamp : earliest;
                    latest = latest is null || data.Timestamp > latest ? data.Timestamp : latest;
                    foreach (var entry in data.Entries)
                    {
                        observations++;
                        if (!entry.IsKnown)
                        {
                            unknown.Add(entry.Key);
                        }

                        switch (entry)
                        {
                            case ShdrCondition condition:
                                conditions++;
                                unavailable += condition.Level == Model.ConditionLevel.Unavailable ? 1 : 0;
                                break;
                            case ShdrValue { IsUnavailable: true }:
                            case ShdrTimeSeries { IsUnavailable: true }:
                            case ShdrDataSet { IsUnavailable: true }:
                            case ShdrMessage { Text: Model.Observation.UnavailableValue }:
                                unavailable++;
                                break;
                        }
                    }

                    break;
                case ShdrAssetCommand asset:
                    assetCommands++;
                    assets += asset.Action == ShdrAssetAction.Add ? 1 : 0;
                    break;
                case ShdrPing or ShdrPong or ShdrCommand:
                    commands++;
                    break;
                case null when result.Error is { } error && errors.Count < keepErrors:
                    errors.Add(error);
                    break;
            }
        }

        return new ShdrLogSummary
        {
            Lines = reader.LineNumber,
            DataLines = dataLines,
            Observations = observations,
            Conditions = conditions,
            Unavailable = unavailable,
            AssetCommands = assetCommands,
            Assets = assets,
            ProtocolCommands = commands,
            UnknownKeys = unknown.Count,
            MalformedLines = reader.MalformedLines,
            FirstErrors = errors,
            First = first,
            Last = last,
            Earliest = earliest,
            Latest = latest,
        };
    }
}
