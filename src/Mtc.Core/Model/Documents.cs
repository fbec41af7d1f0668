namespace Mtc.Core.Model;

public enum DocumentKind
{
    Devices,
    Streams,
    Error,
    Assets,
}

/// <summary>The <c>Header</c> element common to every response document. Absent values are null.</summary>
public sealed record DocumentHeader
{
    public long? InstanceId { get; init; }
    public long? BufferSize { get; init; }
    public long? FirstSequence { get; init; }
    public long? LastSequence { get; init; }
    public long? NextSequence { get; init; }
    public long? AssetBufferSize { get; init; }
    public long? AssetCount { get; init; }
    public DateTime? CreationTime { get; init; }
    public string? Sender { get; init; }

    /// <summary>The agent's version attribute (e.g. <c>2.0.0.11</c>), not the schema version.</summary>
    public string? AgentVersion { get; init; }
    public string? SchemaVersion { get; init; }
}

/// <summary>Any MTConnect response document.</summary>
public abstract record MtConnectDocument
{
    public abstract DocumentKind Kind { get; }

    /// <summary>Schema version from the namespace (e.g. <c>1.3</c>, <c>2.7</c>); the header's schemaVersion when present; null when neither says.</summary>
    public string? Version { get; init; }
    public required DocumentHeader Header { get; init; }

    /// <summary>Rules the document broke that the reader read around (an undeclared prefix, a component outside
    /// <c>Components</c>), so a caller can log them; empty for a document that follows them.</summary>
    public IReadOnlyList<BentRule> Bent { get; init; } = [];
}

public sealed record DevicesDocument : MtConnectDocument
{
    public override DocumentKind Kind => DocumentKind.Devices;
    public required IReadOnlyList<Device> Devices { get; init; }
}

/// <summary>The observations of one device in a streams document (flattened across its component streams).</summary>
public sealed record DeviceStream(string Name, string? Uuid, IReadOnlyList<Observation> Observations);

public sealed record StreamsDocument : MtConnectDocument
{
    public override DocumentKind Kind => DocumentKind.Streams;
    public required IReadOnlyList<DeviceStream> Streams { get; init; }
}

public sealed record AssetsDocument : MtConnectDocument
{
    public override DocumentKind Kind => DocumentKind.Assets;
    public required IReadOnlyList<Asset> Assets { get; init; }
}

/// <summary>An asset (CuttingTool, File, ...). The body is kept as XML or JSON text: the product stores assets, it does not interpret them.</summary>
public sealed record Asset
{
    public required string AssetType { get; init; }
    public required string AssetId { get; init; }
    public string? DeviceUuid { get; init; }
    public DateTime? Timestamp { get; init; }
    public bool Removed { get; init; }
    public string? Body { get; init; }
}
