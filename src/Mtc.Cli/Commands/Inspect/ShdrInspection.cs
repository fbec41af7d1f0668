using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Cli.Commands.Inspect;

/// <summary>Reads an SHDR adapter log (plain or gzip) with Core's <see cref="ShdrLogSummary"/> and writes what is in it as one JSON object.</summary>
internal static class ShdrInspection
{
    internal const int ListedLines = 10;

    public static string Inspect(string source, FileInfo? devicesFile, string? deviceName, CancellationToken cancellationToken)
    {
        var (resolver, defaultDevice) = devicesFile is null ? (null, deviceName) : Resolver(devicesFile, deviceName);
        using var stream = DocumentInput.OpenFile(source);
        using var text = new StreamReader(stream, Encoding.UTF8);
        ShdrLogSummary summary;
        try
        {
            summary = ShdrLogSummary.Read(text, resolver, keepErrors: ListedLines, defaultDevice: defaultDevice, cancellationToken: cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new InspectException(InspectException.InvalidInput, source, $"not a valid gzip file: {ex.Message}", ex);
        }

        if (summary.ParsedLines == 0 && summary.FirstErrors is [var error, ..])
        {
            throw new MtConnectFormatException(FormatErrorKind.NotMtConnect, $"not an SHDR log: none of its {summary.Lines} lines can be read; {error.Message}", error.Line, error.Column);
        }

        return Write(source, summary, resolver is not null);
    }

    /// <summary>Keys resolved against a devices model, as an agent does; the log's default device is the one named or the first that is not the Agent.</summary>
    private static (IShdrKeyResolver Resolver, string? DefaultDevice) Resolver(FileInfo devicesFile, string? deviceName)
    {
        MtConnectDocument document;
        try
        {
            using var stream = DocumentInput.OpenFile(devicesFile.FullName);
            document = MtConnectDocumentReader.Read(stream);
        }
        catch (MtConnectFormatException ex)
        {
            var where = ex.Line > 0 ? $"{devicesFile}:{ex.Line}:{ex.Column}" : devicesFile.ToString();
            throw new InspectException(InspectException.InvalidInput, where, ex.Message, ex);
        }

        if (document is not DevicesDocument devices)
        {
            throw new InspectException(InspectException.InvalidInput, devicesFile.ToString(), $"--devices needs a devices document (probe), not a {document.Kind.ToString().ToLowerInvariant()} document");
        }

        if (deviceName is null)
        {
            var first = devices.Devices.FirstOrDefault(d => !d.IsAgent) ?? devices.Devices.FirstOrDefault();
            return (new DeviceShdrKeyResolver(devices), first?.Name);
        }

        var device = devices.Devices.FirstOrDefault(d => deviceName == d.Name || deviceName == d.Uuid || deviceName == d.Id)
            ?? throw new InspectException(InspectException.InvalidInput, devicesFile.ToString(),
                $"no device '{deviceName}'; it has {string.Join(", ", devices.Devices.Select(d => d.Name))}");
        return (new DeviceShdrKeyResolver(device), device.Name);
    }

    private static string Write(string source, ShdrLogSummary summary, bool resolvesKeys)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("source", source);
            json.WriteString("kind", "shdr");
            json.WriteNumber("lines", summary.Lines);
            json.WriteNumber("dataLines", summary.DataLines);
            json.WriteNumber("observations", summary.Observations);
            json.WriteNumber("conditions", summary.Conditions);
            json.WriteNumber("unavailable", summary.Unavailable);
            json.WriteNumber("messages", summary.Messages);
            json.WriteNumber("alarms", summary.Alarms);
            json.WriteNumber("timeSeries", summary.TimeSeries);
            json.WriteNumber("dataSets", summary.DataSets);
            json.WriteNumber("tables", summary.Tables);
            json.WriteNumber("assets", summary.Assets);
            json.WriteStartObject("assetCommands");
            foreach (var (action, count) in summary.AssetCommandsByAction.OrderBy(p => p.Key))
            {
                json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(action.ToString()), count);
            }

            json.WriteEndObject();
            json.WriteNumber("commands", summary.ProtocolCommands);
            json.WriteStartObject("malformedLines");
            json.WriteNumber("count", summary.MalformedLines);
            json.WriteStartArray("first");
            foreach (var error in summary.FirstErrors)
            {
                json.WriteNumberValue(error.Line);
            }

            json.WriteEndArray();
            json.WriteString("firstError", summary.FirstErrors.Count > 0 ? summary.FirstErrors[0].Describe() : null);
            json.WriteEndObject();
            DocumentSummary.WriteTime(json, "first", summary.Earliest);
            DocumentSummary.WriteTime(json, "last", summary.Latest);
            json.WriteNumber("keys", summary.Keys);
            json.WriteStartArray("devices");
            foreach (var device in summary.Devices)
            {
                json.WriteStringValue(device);
            }

            json.WriteEndArray();
            if (resolvesKeys)
            {
                json.WriteStartObject("unknownKeys");
                json.WriteNumber("count", summary.UnknownKeys);
                json.WriteStartArray("first");
                foreach (var key in summary.UnknownKeyNames.Take(ListedLines))
                {
                    json.WriteStringValue(key);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
