namespace Mtc.Core.Shdr;

/// <summary>One parsed SHDR line (or a multiline asset, which spans several lines).</summary>
/// <param name="LineNumber">1-based number of the (first) line in its source.</param>
public abstract record ShdrLine(int LineNumber);

/// <summary><c>timestamp[@duration]|key|value|key|value...</c>: one timestamp and the entries it applies to.</summary>
/// <param name="Timestamp">UTC. When the timestamp field was empty, the reader's clock at parse time.</param>
/// <param name="TimestampWasEmpty">True when the line carried no timestamp and <paramref name="Timestamp"/> is "now".</param>
/// <param name="Duration">The <c>@duration</c> suffix of the timestamp, in seconds.</param>
public sealed record ShdrDataLine(
    int LineNumber,
    DateTime Timestamp,
    bool TimestampWasEmpty,
    double? Duration,
    IReadOnlyList<ShdrEntry> Entries) : ShdrLine(LineNumber);

public enum ShdrAssetAction
{
    /// <summary><c>@ASSET@|id|type|body</c>: add or replace an asset.</summary>
    Add,

    /// <summary><c>@UPDATE_ASSET@|id|...</c>: change parts of an asset. The body keeps everything after the id.</summary>
    Update,

    /// <summary><c>@REMOVE_ASSET@|id</c>.</summary>
    Remove,

    /// <summary><c>@REMOVE_ALL_ASSETS@[|type]</c>.</summary>
    RemoveAll,
}

/// <summary>An asset command. The body is kept as the adapter sent it (XML text), not interpreted.</summary>
/// <param name="AssetType">The type (<c>CuttingTool</c>, ...) for Add and RemoveAll; null when not given.</param>
/// <param name="Body">For Add and Update, the text after the last header field; for multiline assets the
/// lines between the markers joined with <c>\n</c>.</param>
/// <param name="MultilineTerminator">Set by the line parser when the body is <c>--multiline--TOKEN</c>:
/// the lines that follow, up to a line equal to this text, are the body. <see cref="ShdrReader"/> completes
/// such commands and never returns one with this set.</param>
public sealed record ShdrAssetCommand(
    int LineNumber,
    DateTime Timestamp,
    ShdrAssetAction Action,
    string? AssetId,
    string? AssetType,
    string? Body,
    string? MultilineTerminator = null) : ShdrLine(LineNumber);

/// <summary><c>* PING</c>, sent by an agent to an adapter.</summary>
public sealed record ShdrPing(int LineNumber) : ShdrLine(LineNumber);

/// <summary><c>* PONG &lt;ms&gt;</c>: the adapter's answer, with the heartbeat period it asks for.</summary>
public sealed record ShdrPong(int LineNumber, int? HeartbeatMilliseconds) : ShdrLine(LineNumber);

/// <summary><c>* name: value</c>, e.g. <c>* shdrVersion: 2</c>, <c>* uuid: x</c>, <c>* device: d</c>.
/// The name is kept as sent; compare it case-insensitively.</summary>
public sealed record ShdrCommand(int LineNumber, string Name, string Value) : ShdrLine(LineNumber);
