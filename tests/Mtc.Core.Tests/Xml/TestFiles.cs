namespace Mtc.Core.Tests.Xml;

internal static class TestFiles
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Every XML capture of the corpus (relative paths, '/' separated), hostile fixtures and bent/ (captures
    /// made to break a rule the reader reads around, tested in BentDocumentTests) excluded.</summary>
    public static IEnumerable<string> CorpusXml() =>
        Directory.EnumerateFiles(Root, "*.xml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("hostile/", StringComparison.Ordinal) && !f.StartsWith("bent/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Captures that are broken upstream, with the error they must give:
    /// asset4.xml is cppagent's malformed-asset fixture (a misspelt end tag), Current-Simple.xml is
    /// MTConnect.NET's capture of a faulty writer that appended '=' to every attribute value.
    /// </summary>
    public static IReadOnlyDictionary<string, (FormatErrorKind Kind, int Line)> BrokenUpstream { get; } =
        new Dictionary<string, (FormatErrorKind, int)>
        {
            ["cppagent/test_package/resources/asset4.xml"] = (FormatErrorKind.Malformed, 1),
            ["mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Simple.xml"] = (FormatErrorKind.InvalidValue, 3),
        };
}
