using System.Collections.Concurrent;
using System.IO.Compression;
using System.Xml;
using System.Xml.Schema;

namespace Mtc.Simulator.Tests.Validation;

/// <summary>
/// The MTConnect XSDs of tests/TestData/mtconnect-schemas (the XSD 1.0 variants, which .NET's <see cref="XmlSchemaSet"/>
/// reads), one compiled set per version and document, and validation of a served document against them.
/// </summary>
internal static class MtConnectSchemas
{
    public static readonly string[] Versions = ["1.3", "1.7", "2.0", "2.5", "2.7"];

    /// <summary>Deliberate deviations from the XSDs: (versions, start of the XSD's message, why). Also listed in docs/simulator.md.</summary>
    public static readonly (Func<string, bool> Versions, string Message, string Reason)[] Deviations =
    [
        (v => v.StartsWith('2'), "The 'schemaVersion' attribute is not declared.",
            "cppagent writes Header@schemaVersion from 2.0 on and clients read it to learn the version; no XSD declares it"),
        (v => v is "2.6" or "2.7", "The 'errorCode' attribute is not declared.",
            "typed errors (2.6+) keep the errorCode every error had before 2.6, so clients that read the code from it still find it"),
        (v => v is "2.6" or "2.7", "The 'name' attribute is invalid - The value 'at' is invalid according to its datatype",
            "the 2.6+ QueryParameter name enumeration has no 'at', yet current?at= can be out of range: the parameter is named as asked"),
        (v => v is "2.5" or "2.6" or "2.7", "The required attribute 'conditionId' is missing.",
            "written only when the source gives one, so what the agent serves is what the adapter sent, as the edge's own SHDR mapping records it"),
    ];

    private static readonly ConcurrentDictionary<(string Version, string Document), Lazy<XmlSchemaSet>> Sets = new();

    /// <summary>
    /// Validates <paramref name="xml"/> against the XSD of <paramref name="version"/> for its root element
    /// (<c>MTConnectStreams</c>, <c>MTConnectDevices</c>, <c>MTConnectError</c> or <c>MTConnectAssets</c>).
    /// Returns one line per problem: what was served, the version, the line and column, and the XSD's message.
    /// The <see cref="Deviations"/> are left out.
    /// </summary>
    public static List<string> Validate(byte[] xml, string version, string what)
    {
        var problems = new List<string>();
        var root = RootName(xml);
        if (!root.StartsWith("MTConnect", StringComparison.Ordinal))
        {
            problems.Add($"{what} at {version}: root element '{root}' is not an MTConnect document");
            return problems;
        }

        var schemas = Sets.GetOrAdd((version, root["MTConnect".Length..]), key => new Lazy<XmlSchemaSet>(() => Load(key.Version, key.Document))).Value;
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        settings.ValidationEventHandler += (_, e) =>
        {
            if (!Deviations.Any(d => d.Versions(version) && e.Message.StartsWith(d.Message, StringComparison.Ordinal)))
            {
                problems.Add($"{what} at {version}: line {e.Exception.LineNumber}, column {e.Exception.LinePosition}: {e.Severity}: {e.Message}");
            }
        };
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }

        return problems;
    }

    private static string RootName(byte[] xml)
    {
        using var reader = XmlReader.Create(new MemoryStream(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        reader.MoveToContent();
        return reader.LocalName;
    }

    private static XmlSchemaSet Load(string version, string document)
    {
        var folder = TestAgent.Data("mtconnect-schemas");
        var set = new XmlSchemaSet { XmlResolver = null };
        var problems = new List<string>();
        set.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity}: {e.Message} (line {e.Exception.LineNumber})");

        // Imports are not fetched (no resolver): the W3C schemas they name are added first.
        foreach (var w3c in new[] { "xml.xsd", "xlink.xsd" })
        {
            using var stream = File.OpenRead(Path.Combine(folder, "w3c", w3c));
            set.Add(XmlSchema.Read(stream, null)!);
        }

        var file = Path.Combine(folder, "v" + version.Replace('.', '_'), $"MTConnect{document}_{version}_1.0.xsd.gz");
        using (var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress))
        using (var reader = XmlReader.Create(gzip, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
        {
            set.Add(XmlSchema.Read(reader, null)!);
        }

        set.Compile();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} does not load: {string.Join("; ", problems)}");
        }

        return set;
    }
}
