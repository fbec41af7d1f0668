using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Cli.Commands.Inspect;

/// <summary>Reads an SHDR adapter log (plain or gzip) and writes what is in it as one JSON object.</summary>
internal static class ShdrLogSummary
{
    internal const int ListedLines = 10;

    public static string Inspect(string source, FileInfo? devicesFile, string? deviceName, CancellationToken cancellationToken)
    {
        var (resolver, defaultDevice) = devicesFile is null ? (null, deviceName) : Resolver(devicesFile, deviceName);
        using var stream = DocumentInput.OpenFile(source);
        using var text = new StreamReader(stream, Encoding.UTF8);
        var reader = new ShdrReader(text, resolver) { DefaultDevice = defaultDevice };
        var tally = new ShdrTally(resolver is not null);
        try
        {
            while (reader.TryRead(out var result))
            {
                if ((reader.LineNumber & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                tally.Add(result);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InspectException(InspectException.InvalidInput, source, $"not a valid gzip file: {ex.Message}", ex);
        }

        if (tally.Parsed == 0 && tally.FirstError is { } error)
        {
            throw new MtConnectFormatException(FormatErrorKind.NotMtConnect, $"not an SHDR log: none of its {reader.LineNumber} lines can be read; {error.Message}", error.Line, error.Column);
        }

        return Write(source, reader.LineNumber, tally);
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

    private static string Write(string source, int lines, ShdrTally tally)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("source", source);
            json.WriteString("kind", "shdr");
            json.WriteNumber("lines", lines);
            json.WriteNumber("dataLines", tally.DataLines);
            json.WriteNumber("observations", tally.Observations);
            json.WriteNumber("conditions", tally.Conditions);
            json.WriteNumber("unavailable", tally.Unavailable);
            json.WriteNumber("messages", tally.Messages);
            json.WriteNumber("timeSeries", tally.TimeSeries);
            json.WriteNumber("dataSets", tally.DataSets);
            json.WriteNumber("tables", tally.Tables);
            json.WriteNumber("assets", tally.AssetsAdded);
            json.WriteStartObject("assetCommands");
            foreach (var (action, count) in tally.AssetCommands.OrderBy(p => p.Key))
            {
                json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(action.ToString()), count);
            }

            json.WriteEndObject();
            json.WriteNumber("commands", tally.Commands);
            json.WriteStartObject("malformedLines");
            json.WriteNumber("count", tally.Malformed);
            json.WriteStartArray("first");
            foreach (var line in tally.MalformedLines)
            {
                json.WriteNumberValue(line);
            }

            json.WriteEndArray();
            json.WriteString("firstError", tally.FirstError?.Describe());
            json.WriteEndObject();
            DocumentSummary.WriteTime(json, "first", tally.First);
            DocumentSummary.WriteTime(json, "last", tally.Last);
            json.WriteNumber("keys", tally.Keys.Count);
            json.WriteStartArray("devices");
            foreach (var device in tally.Devices.Order(StringComparer.Ordinal))
            {
                json.WriteStringValue(device);
            }

            json.WriteEndArray();
            if (tally.ResolvesKeys)
            {
                json.WriteStartObject("unknownKeys");
                json.WriteNumber("count", tally.UnknownKeys.Count);
                json.WriteStartArray("first");
                foreach (var key in tally.UnknownKeys.Order(StringComparer.Ordinal).Take(ListedLines))
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
