using System.Collections.Concurrent;
using System.IO.Compression;
using System.Xml;
using System.Xml.Schema;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>
/// The MTConnect XSDs embedded in <c>mtc</c> (versions 1.3, 1.7, 2.0, 2.5, 2.6, 2.7; Streams, Devices, Error; the XSD 1.0
/// variants, gzip-compressed) and the W3C <c>xml.xsd</c>/<c>xlink.xsd</c> they import, compiled once per version and kind.
/// Nothing is fetched: an import that is not embedded does not resolve.
/// </summary>
internal static class SchemaCatalog
{
    public static readonly IReadOnlyList<string> Versions = ["1.3", "1.7", "2.0", "2.5", "2.6", "2.7"];

    private const string Prefix = "Mtc.Cli.Commands.Doctor.Schemas.";
    private static readonly ConcurrentDictionary<(string Version, string Kind), Lazy<Compiled>> Sets = new();

    /// <summary>A compiled schema set, or why it could not be had.</summary>
    public sealed record Compiled(XmlSchemaSet? Set, string TargetNamespace, string? Problem);

    /// <param name="kind"><c>Streams</c>, <c>Devices</c> or <c>Error</c>.</param>
    public static Compiled Get(string version, string kind) =>
        Sets.GetOrAdd((version, kind), key => new Lazy<Compiled>(() => Compile(key.Version, key.Kind))).Value;

    private static Compiled Compile(string version, string kind)
    {
        var target = $"urn:mtconnect.org:MTConnect{kind}:{version}";
        if (!Versions.Contains(version))
        {
            return new Compiled(null, target, $"no schema is embedded for version {version} (embedded: {string.Join(", ", Versions)})");
        }

        var folder = "v" + version.Replace('.', '_');
        var file = $"MTConnect{kind}_{version}_1.0.xsd";
        try
        {
            var set = new XmlSchemaSet { XmlResolver = new EmbeddedSchemaResolver() };
            var problems = new List<string>();
            set.ValidationEventHandler += (_, e) =>
            {
                if (e.Severity == XmlSeverityType.Error)
                {
                    problems.Add(e.Message);
                }
            };
            using (var stream = Open($"{folder}.{file}.gz"))
            using (var reader = XmlReader.Create(stream, SafeSettings(), $"mtc-schema:///{folder}/{file}"))
            {
                set.Add(target, reader);
            }

            set.Compile();
            return problems.Count == 0
                ? new Compiled(set, target, null)
                : new Compiled(null, target, $"{file} does not load in .NET: {problems[0]}");
        }
        catch (Exception ex) when (ex is XmlSchemaException or XmlException or InvalidOperationException or IOException)
        {
            return new Compiled(null, target, $"{file} does not load in .NET: {ex.Message}");
        }
    }

    /// <summary>No DTD, no resolver, bounded: for schema files and for the documents validated against them.</summary>
    public static XmlReaderSettings SafeSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = Core.ParserLimits.Default.MaxDocumentBytes,
    };

    private static Stream Open(string name)
    {
        var raw = typeof(SchemaCatalog).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new IOException($"embedded schema '{name}' is missing");
        return name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
    }

    /// <summary>Resolves the W3C imports (<c>xlink.xsd</c>, <c>xml.xsd</c>) to the embedded copies; anything else is refused.</summary>
    private sealed class EmbeddedSchemaResolver : XmlResolver
    {
        public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            var file = absoluteUri.Segments.LastOrDefault() ?? "";
            return file is "xlink.xsd" or "xml.xsd"
                ? Open(file)
                : throw new XmlException($"'{absoluteUri}' is not embedded and is not fetched");
        }
    }
}
