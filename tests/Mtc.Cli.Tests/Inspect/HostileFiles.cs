using System.Text;

namespace Mtc.Cli.Tests.Inspect;

/// <summary>Hostile and broken documents written to a temporary directory, deleted afterwards.</summary>
public sealed class HostileFiles : IDisposable
{
    public HostileFiles()
    {
        Directory.CreateDirectory(Folder);
        foreach (var (name, content) in All)
        {
            File.WriteAllBytes(PathOf(name), content);
        }
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"mtc-hostile-{Guid.NewGuid():N}");

    public string PathOf(string name) => name.StartsWith("hostile", StringComparison.Ordinal) ? CorpusFiles.PathOf(name) : Path.Combine(Folder, name);

    /// <summary>The generated files, and the hostile files of the test data (DTD, billion laughs, external entities).</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in All)
        {
            data.Add(name);
        }

        foreach (var file in Directory.EnumerateFiles(CorpusFiles.HostileFolder).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(CorpusFiles.Root, file));
        }

        return data;
    }

    private static IEnumerable<(string Name, byte[] Content)> All
    {
        get
        {
            var current = File.ReadAllText(CorpusFiles.PathOf("ladder99/services/relay/examples/mazak/current.xml"));
            yield return ("deep.xml", Utf8("<MTConnectStreams>" + string.Concat(Enumerable.Repeat("<a>", 100_000)) + string.Concat(Enumerable.Repeat("</a>", 100_000)) + "</MTConnectStreams>"));
            yield return ("truncated.xml", Utf8(Truncate(current)));
            yield return ("not-mtconnect.xml", Utf8("<?xml version=\"1.0\"?>\n<html><body><h1>Welcome</h1></body></html>"));
            yield return ("bad-sequence.xml", Utf8(current.Replace("sequence=\"", "sequence=\"x", StringComparison.Ordinal)));
            yield return ("deep.json", Utf8("{\"MTConnectStreams\":" + new string('[', 200_000) + new string(']', 200_000) + "}"));
            yield return ("truncated.json", Utf8(Truncate(File.ReadAllText(CorpusFiles.PathOf("json/streams-v2.json")))));
            yield return ("not-mtconnect.json", Utf8("{\"name\": \"a package.json\", \"version\": \"1.0.0\"}"));
            yield return ("trailing.json", Utf8(File.ReadAllText(CorpusFiles.PathOf("json/errors-v1.json")) + "\n<html>"));
            yield return ("bad-sequence.json", Utf8(File.ReadAllText(CorpusFiles.PathOf("json/streams-v2.json")).Replace("\"sequence\": 2050", "\"sequence\": \"twenty\"", StringComparison.Ordinal)));
            yield return ("empty.json", []);
            yield return ("invalid-utf8.json", [.. "{\"MTConnectStreams\": {\"Header\": {\"sender\": \"a"u8, 0xFF, 0xFE, .. "\"}, \"Streams\": {}}}"u8]);
            yield return ("lone-surrogate.json", Utf8("{\"MTConnectDevices\": {\"Devices\": {\"Device\": [{\"id\": \"\\ud800\"}]}}}"));
            yield return ("binary.bin", [0x00, 0x01, 0xFF, 0xFE, 0x42]);

            // Terminal escapes (ESC ]0;... BEL retitles a terminal; CSI as C1; a bidi override) in names and values.
            yield return ("escape-in-element.xml", Utf8(current.Replace("<Execution ", "<Execution\u001b]0;pwned\u0007 ", StringComparison.Ordinal)));
            yield return ("escape-in-attribute.xml", Utf8(ReplaceFirst(current, "sequence=\"", "sequence=\"\u001b]0;pwned\u0007")));
            yield return ("c1-in-attribute.xml", Utf8(ReplaceFirst(current, "sequence=\"", "sequence=\"\u009b2J\u009d0;pwned\u009c")));
            yield return ("bidi-in-root.xml", Utf8("<?xml version=\"1.0\"?>\n<html\u202etxt.exe><body/></html\u202etxt.exe>"));
        }
    }

    private static string Truncate(string text) => text[..(text.Length * 2 / 3)];

    private static string ReplaceFirst(string text, string what, string with)
    {
        int at = text.IndexOf(what, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + what.Length));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
