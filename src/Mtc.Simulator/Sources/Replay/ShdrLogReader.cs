using System.IO.Compression;
using Mtc.Core.Shdr;

namespace Mtc.Simulator.Sources.Replay;

/// <summary>
/// Reads an SHDR log (plain or .gz) with the protocol library's <see cref="ShdrReader"/>: data lines and asset
/// commands (multiline bodies included). Malformed lines are reported to <c>skipped</c> with their position and
/// left out; adapter commands (<c>* ...</c>) are left out.
/// </summary>
internal static class ShdrLogReader
{
    public static IEnumerable<ShdrLine> Read(string path, IShdrKeyResolver resolver, Action<string> skipped)
    {
        using var file = File.OpenRead(path);
        using var input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var text = new StreamReader(input);
        var reader = new ShdrReader(text, resolver);
        while (reader.TryRead(out var result))
        {
            if (result.Error is { } error)
            {
                skipped(error.Describe());
            }
            else if (result.Line is ShdrDataLine or ShdrAssetCommand)
            {
                yield return result.Line;
            }
        }
    }

    /// <summary>When the line happened, by the adapter's clock.</summary>
    public static DateTime Timestamp(ShdrLine line) => line switch
    {
        ShdrDataLine data => data.Timestamp,
        ShdrAssetCommand asset => asset.Timestamp,
        _ => DateTime.MinValue,
    };
}
