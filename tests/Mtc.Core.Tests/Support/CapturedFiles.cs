using System.IO.Compression;
using System.Text;

namespace Mtc.Core.Tests.Support;

/// <summary>The real captures in TestData/ (attribution in TestData/MANIFEST.txt), next to the test assembly.</summary>
internal static class CapturedFiles
{
    public static string PathOf(string relative) =>
        Path.Combine(AppContext.BaseDirectory, "TestData", relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The file's bytes, gunzipped when its name ends in .gz.</summary>
    public static byte[] Bytes(string relative)
    {
        var path = PathOf(relative);
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }

        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        gz.CopyTo(copy);
        return copy.ToArray();
    }

    public static string Text(string relative) => Encoding.UTF8.GetString(Bytes(relative));

    public static TextReader Reader(string relative) => new StringReader(Text(relative));

    /// <summary>Physical lines split the plain way (on \n, a trailing \r dropped), the last one kept when it has no line break.</summary>
    public static List<string> Lines(string relative)
    {
        var lines = Text(relative).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }
}
