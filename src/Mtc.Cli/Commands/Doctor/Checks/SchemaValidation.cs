using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Schema;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>Validates a served document against the MTConnect XSD of the version its namespace names.</summary>
internal static class SchemaValidation
{
    private const int MaxMessages = 5;
    private const string Edge = "the edge reads documents leniently (vendor extensions, missing optional attributes), so an invalid "
        + "document is collected as long as the Core readers accept it; other MTConnect clients may refuse it";

    /// <summary>cppagent writes <c>Header@schemaVersion</c>, which the XSDs do not declare: a known deviation, not counted as an error.</summary>
    private const string SchemaVersionAttribute = "'schemaVersion' attribute is not declared";

    public static Finding Check(string name, string what, AgentAnswer? answer)
    {
        if (answer?.Document is null)
        {
            return Finding.NotChecked(name, $"no {what} document was read", Edge);
        }

        if (DocumentRoot.Read(answer.Bytes) is not { } root)
        {
            return Finding.NotChecked(name, $"the {what} document is not MTConnect XML (JSON is not validated)", Edge);
        }

        var schema = SchemaCatalog.Get(root.Version, root.Kind);
        if (schema.Set is null)
        {
            return Finding.NotChecked(name, $"{what} (schema {root.Version}): {schema.Problem}", Edge);
        }

        var (errors, deviations) = Validate(answer.Bytes, schema.Set);
        var count = errors.Sum(e => e.Value.Count);
        var facts = new JsonObject
        {
            ["checked"] = true,
            ["version"] = root.Version,
            ["kind"] = root.Kind,
            ["valid"] = count == 0,
            ["errors"] = count,
            ["headerSchemaVersion"] = deviations > 0,
            ["messages"] = new JsonArray([.. errors.Take(MaxMessages).Select(e => new JsonObject
            {
                ["message"] = e.Key,
                ["count"] = e.Value.Count,
                ["firstLine"] = e.Value.Line,
            })]),
        };
        var schemaName = $"MTConnect{root.Kind}_{root.Version}";
        var known = deviations > 0 ? " (besides Header@schemaVersion, which cppagent writes and the XSD does not declare)" : "";
        if (count == 0)
        {
            return Finding.Ok(name, $"{what} is valid against {schemaName}{known}", Edge, facts);
        }

        var first = errors.First();
        return Finding.Warn(name, string.Create(CultureInfo.InvariantCulture,
            $"{what} is not valid against {schemaName}{known}: {count} error(s) of {errors.Count} kind(s), e.g. line {first.Value.Line}: {first.Key}"), Edge, facts);
    }

    /// <summary>Errors by message (in the order first seen) with their count and first line, and how many were the known deviation.</summary>
    private static (List<KeyValuePair<string, (int Count, int Line)>> Errors, int Deviations) Validate(byte[] bytes, XmlSchemaSet set)
    {
        var errors = new Dictionary<string, (int Count, int Line)>(StringComparer.Ordinal);
        var order = new List<string>();
        var deviations = 0;
        void Add(string message, int line)
        {
            if (errors.TryGetValue(message, out var seen))
            {
                errors[message] = (seen.Count + 1, seen.Line);
                return;
            }

            order.Add(message);
            errors[message] = (1, line);
        }

        var settings = SchemaCatalog.SafeSettings();
        settings.ValidationType = ValidationType.Schema;
        settings.Schemas = set;
        settings.ValidationEventHandler += (sender, e) =>
        {
            if (e.Severity != XmlSeverityType.Error)
            {
                return;
            }

            if (e.Message.Contains(SchemaVersionAttribute, StringComparison.Ordinal))
            {
                deviations++;
                return;
            }

            Add(sender is XmlReader { NodeType: XmlNodeType.Element, LocalName: { Length: > 0 } at } ? $"<{at}>: {e.Message}" : e.Message, e.Exception.LineNumber);
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), settings);
            while (reader.Read())
            {
            }
        }
        catch (XmlException ex)
        {
            Add(ex.Message, ex.LineNumber);
        }

        return ([.. order.Select(m => new KeyValuePair<string, (int, int)>(m, errors[m]))], deviations);
    }
}
