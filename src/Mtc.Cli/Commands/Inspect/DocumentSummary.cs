using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mtc.Core;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Inspect;

/// <summary>Reads one MTConnect document and writes what is in it as one JSON object.</summary>
internal static class DocumentSummary
{
    public static async Task<string> InspectAsync(string source, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var loaded = await DocumentInput.LoadAsync(source, timeout, cancellationToken).ConfigureAwait(false);
        MtConnectDocument document;
        try
        {
            document = MtConnectDocumentReader.Read(loaded.Bytes);
        }
        catch (MtConnectFormatException ex) when (loaded.Http is { IsSuccess: false } http)
        {
            throw new InspectException(InspectException.Failure, source, $"the agent answered HTTP {http.Status} {http.Reason}, not an MTConnect document ({ex.Message})", ex);
        }

        return Write(source, MtConnectDocumentReader.Sniff(loaded.Bytes), document, loaded.Http);
    }

    public static string Write(string source, DocumentFormat format, MtConnectDocument document, DocumentInput.HttpAnswer? http = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("source", source);
            json.WriteString("format", format.ToString().ToLowerInvariant());
            json.WriteString("kind", document.Kind.ToString().ToLowerInvariant());
            json.WriteString("version", document.Version);
            switch (document)
            {
                case DevicesDocument devices: WriteDevices(json, devices); break;
                case StreamsDocument streams: WriteStreams(json, streams); break;
                case AssetsDocument assets: WriteAssets(json, assets); break;
                case ErrorDocument: WriteCounts(json, 0, 0, 0, 0, 0, 0); break;
            }

            WriteHeader(json, document.Header);
            WriteErrors(json, document as ErrorDocument);
            WriteBent(json, document.Bent);
            if (http is not null)
            {
                json.WriteStartObject("http");
                json.WriteNumber("status", http.Status);
                json.WriteString("contentType", http.ContentType);
                json.WriteBoolean("multipart", http.Multipart);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCounts(Utf8JsonWriter json, int devices, int dataItems, int observations, int conditions, int unavailable, int assets)
    {
        json.WriteNumber("devices", devices);
        json.WriteNumber("dataItems", dataItems);
        json.WriteNumber("observations", observations);
        json.WriteNumber("conditions", conditions);
        json.WriteNumber("unavailable", unavailable);
        json.WriteNumber("assets", assets);
    }

    private static void WriteDevices(Utf8JsonWriter json, DevicesDocument document)
    {
        WriteCounts(json, document.Devices.Count, document.Devices.Sum(d => d.AllDataItems().Count()), 0, 0, 0, 0);
        json.WriteStartArray("perDevice");
        foreach (var device in document.Devices)
        {
            var items = device.AllDataItems().ToList();
            json.WriteStartObject();
            json.WriteString("element", device.ElementName);
            json.WriteString("id", device.Id);
            json.WriteString("name", device.Name);
            json.WriteString("uuid", device.Uuid);
            json.WriteNumber("components", CountComponents(device));
            json.WriteNumber("dataItems", items.Count);
            json.WriteNumber("samples", items.Count(i => i.Category == DataItemCategory.Sample));
            json.WriteNumber("events", items.Count(i => i.Category == DataItemCategory.Event));
            json.WriteNumber("conditions", items.Count(i => i.Category == DataItemCategory.Condition));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static int CountComponents(Component component) => component.Components.Sum(c => 1 + CountComponents(c));

    private static void WriteStreams(Utf8JsonWriter json, StreamsDocument document)
    {
        var all = document.Streams.SelectMany(s => s.Observations).ToList();
        WriteCounts(json, document.Streams.Count, 0, all.Count, all.Count(o => o.Category == DataItemCategory.Condition), all.Count(o => o.IsUnavailable), 0);
        json.WriteNumber("samples", all.Count(o => o.Category == DataItemCategory.Sample));
        json.WriteNumber("events", all.Count(o => o.Category == DataItemCategory.Event));
        WriteTime(json, "first", all.Count > 0 ? all.Min(o => o.Timestamp) : null);
        WriteTime(json, "last", all.Count > 0 ? all.Max(o => o.Timestamp) : null);
        json.WriteStartArray("perDevice");
        foreach (var stream in document.Streams)
        {
            json.WriteStartObject();
            json.WriteString("name", stream.Name);
            json.WriteString("uuid", stream.Uuid);
            json.WriteNumber("observations", stream.Observations.Count);
            json.WriteNumber("conditions", stream.Observations.Count(o => o.Category == DataItemCategory.Condition));
            json.WriteNumber("unavailable", stream.Observations.Count(o => o.IsUnavailable));
            json.WriteNumber("faults", stream.Observations.Count(o => o.Level == ConditionLevel.Fault));
            json.WriteNumber("warnings", stream.Observations.Count(o => o.Level == ConditionLevel.Warning));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteAssets(Utf8JsonWriter json, AssetsDocument document)
    {
        WriteCounts(json, document.Assets.Select(a => a.DeviceUuid).Where(u => u is not null).Distinct(StringComparer.Ordinal).Count(), 0, 0, 0, 0, document.Assets.Count);
        json.WriteNumber("removedAssets", document.Assets.Count(a => a.Removed));
        json.WriteStartObject("assetTypes");
        foreach (var group in document.Assets.GroupBy(a => a.AssetType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(group.Key, group.Count());
        }

        json.WriteEndObject();
    }

    private static void WriteHeader(Utf8JsonWriter json, DocumentHeader header)
    {
        json.WriteStartObject("header");
        WriteNumber(json, "instanceId", header.InstanceId);
        WriteNumber(json, "bufferSize", header.BufferSize);
        WriteNumber(json, "firstSequence", header.FirstSequence);
        WriteNumber(json, "lastSequence", header.LastSequence);
        WriteNumber(json, "nextSequence", header.NextSequence);
        WriteNumber(json, "assetBufferSize", header.AssetBufferSize);
        WriteNumber(json, "assetCount", header.AssetCount);
        WriteTime(json, "creationTime", header.CreationTime);
        json.WriteString("sender", header.Sender);
        json.WriteString("agentVersion", header.AgentVersion);
        json.WriteString("schemaVersion", header.SchemaVersion);
        json.WriteEndObject();
    }

    private static void WriteErrors(Utf8JsonWriter json, ErrorDocument? document)
    {
        json.WriteStartArray("errors");
        foreach (var error in document?.Errors ?? [])
        {
            json.WriteStartObject();
            json.WriteString("code", error.Code);
            json.WriteString("message", error.Message);
            if (error.ElementName is not null)
            {
                json.WriteString("element", error.ElementName);
            }

            if (error.Parameter is { } p)
            {
                json.WriteStartObject("parameter");
                json.WriteString("name", p.Name);
                json.WriteString("value", p.Value);
                WriteNumber(json, "minimum", p.Minimum);
                WriteNumber(json, "maximum", p.Maximum);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The rules the document broke and how they were read around (empty when it follows them).</summary>
    private static void WriteBent(Utf8JsonWriter json, IReadOnlyList<BentRule> bent)
    {
        json.WriteStartArray("bent");
        foreach (var rule in bent)
        {
            json.WriteStartObject();
            json.WriteString("rule", rule.Rule);
            json.WriteString("subject", rule.Subject);
            json.WriteString("message", rule.Message);
            json.WriteNumber("line", rule.Line);
            json.WriteNumber("column", rule.Column);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    internal static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    internal static void WriteTime(Utf8JsonWriter json, string name, DateTime? value) =>
        json.WriteString(name, value?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}
