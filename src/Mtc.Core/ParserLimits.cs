namespace Mtc.Core;

/// <summary>Limits that keep hostile or broken input from exhausting memory or time.</summary>
public sealed record ParserLimits
{
    public static ParserLimits Default { get; } = new();

    /// <summary>Largest document read, in bytes (XML or JSON). Real /sample pages are a few MB.</summary>
    public long MaxDocumentBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Deepest element or JSON nesting accepted. Real documents stay under 20.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Longest SHDR line, in characters (multiline assets are counted per line).</summary>
    public int MaxShdrLineLength { get; init; } = 1024 * 1024;

    /// <summary>Largest part in a multipart stream, in bytes.</summary>
    public int MaxPartBytes { get; init; } = 64 * 1024 * 1024;
}
