namespace Mtc.Core.Shdr;

/// <summary>What an SHDR log holds, read in one pass, for a person diagnosing an adapter (<c>mtc inspect --shdr</c>).</summary>
public sealed record ShdrLogSummary
{
    /// <summary>Physical lines, blank and multiline-asset lines included.</summary>
    public int Lines { get; init; }

    /// <summary>Lines with a timestamp and key/value entries.</summary>
    public int DataLines { get; init; }

    /// <summary>Entries on data lines: values, conditions, messages, alarms, time series, data sets and tables.</summary>
    public int Observations { get; init; }

    public int Conditions { get; init; }

    public int Messages { get; init; }

    /// <summary>ALARM entries (the pre-1.1 alarm event).</summary>
    public int Alarms { get; init; }

    public int TimeSeries { get; init; }

    public int DataSets { get; init; }

    public int Tables { get; init; }

    /// <summary>Entries an agent publishes as UNAVAILABLE (<see cref="ShdrObservations.IsUnavailable"/>).</summary>
    public int Unavailable { get; init; }

    /// <summary>Asset commands of every kind (add, update, remove, remove all).</summary>
    public int AssetCommands { get; init; }

    /// <summary>The asset commands by kind.</summary>
    public IReadOnlyDictionary<ShdrAssetAction, int> AssetCommandsByAction { get; init; } = new Dictionary<ShdrAssetAction, int>();

    /// <summary><c>@ASSET@</c> commands, single-line and multiline.</summary>
    public int Assets { get; init; }

    /// <summary><c>* PING</c>, <c>* PONG</c> and <c>* name: value</c> lines.</summary>
    public int ProtocolCommands { get; init; }

    /// <summary>Distinct keys on data lines, <c>device:key</c> when prefixed.</summary>
    public int Keys { get; init; }

    /// <summary>The <c>device:</c> prefixes used on keys, sorted.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>Distinct keys the resolver did not know (0 without a devices model: the heuristic knows every key).</summary>
    public int UnknownKeys { get; init; }

    /// <summary>The keys the resolver did not know, sorted (ordinal).</summary>
    public IReadOnlyList<string> UnknownKeyNames { get; init; } = [];

    public int MalformedLines { get; init; }

    /// <summary>The first malformed lines (up to the number asked for), in order.</summary>
    public IReadOnlyList<ShdrParseError> FirstErrors { get; init; } = [];

    /// <summary>Timestamps of the first and last timestamped lines (data lines that carry one, asset commands), in file order.</summary>
    public DateTime? First { get; init; }

    public DateTime? Last { get; init; }

    /// <summary>Earliest and latest timestamp of those lines (adapters do not always write in order; asset dumps are often stamped earlier).</summary>
    public DateTime? Earliest { get; init; }

    public DateTime? Latest { get; init; }

    /// <summary>Lines read without error (data, asset and protocol lines).</summary>
    public int ParsedLines => DataLines + AssetCommands + ProtocolCommands;

    /// <param name="log">The log's text.</param>
    /// <param name="resolver">How many fields each key takes; null reads them by the heuristic.</param>
    /// <param name="limits">Limits on line length and such.</param>
    /// <param name="keepErrors">How many of the first malformed lines to keep in <see cref="FirstErrors"/>.</param>
    /// <param name="defaultDevice">The device keys without a prefix belong to (as an agent is told by its adapter's configuration).</param>
    /// <param name="cancellationToken">Checked every few thousand lines.</param>
    public static ShdrLogSummary Read(TextReader log, IShdrKeyResolver? resolver = null, ParserLimits? limits = null, int keepErrors = 10,
        string? defaultDevice = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var reader = new ShdrReader(log, resolver, limits) { DefaultDevice = defaultDevice };
        var tally = new ShdrLogTally(keepErrors);
        while (reader.TryRead(out var result))
        {
            if ((reader.LineNumber & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            tally.Add(result);
        }

        return tally.ToSummary(reader.LineNumber, reader.MalformedLines);
    }
}
