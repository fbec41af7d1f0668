using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Mtc.Cloud.Events;
using Mtc.Cloud.Machines;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Hosting;

/// <summary>
/// Says in the OpenAPI document how the cloud stores the text of the bodies it takes: free text with U+0000 replaced,
/// identifiers refused when they hold a control character (see <see cref="Storage.StoredText"/>).
/// </summary>
internal static class TextFieldDocs
{
    public const string FreeText = "Stored with each U+0000 (NUL) replaced by U+FFFD, on every backend.";

    private static string Identifier(string problemType) =>
        $"An identifier: a control character (U+0000-U+001F, U+007F-U+009F) in it is a 400 problem of type urn:mtc:problem:{problemType}.";

    private static readonly Dictionary<(Type, string), string> Identifiers = new()
    {
        [(typeof(IngestBatch), "edgeId")] = "invalid-edge-id",
        [(typeof(IngestBatch), "streamId")] = "invalid-stream-id",
        [(typeof(ObservationRecord), "machineId")] = "invalid-machine-id",
        [(typeof(ObservationRecord), "dataItemId")] = "invalid-data-item-id",
        [(typeof(DeviceModelRecord), "machineId")] = "invalid-machine-id",
        [(typeof(DerivedEventRecord), "machineId")] = "invalid-machine-id",
        [(typeof(GapRecord), "machineId")] = "invalid-machine-id",
        [(typeof(DerivedEvent), "id")] = "invalid-event-id",
        [(typeof(DerivedEvent), "type")] = "invalid-event-type",
        [(typeof(SetupApi.SetupRequest), "edgeId")] = "invalid-edge-id",
        [(typeof(SetupApi.SetupMachine), "id")] = "invalid-machine-id",
        [(typeof(ExternalEventApi.EventRequest), "machineId")] = "invalid-machine-id",
        [(typeof(ExternalEventApi.EventRequest), "type")] = "invalid-event-type",
    };

    private static readonly HashSet<Type> WithFreeText =
    [
        typeof(ObservationRecord), typeof(DeviceModelRecord), typeof(DerivedEvent), typeof(GapRecord), typeof(EdgeStatusRecord),
        typeof(SetupApi.SetupRequest), typeof(SetupApi.SetupMachine), typeof(ExternalEventApi.EventRequest),
    ];

    /// <summary>Describes the text properties of the request bodies.</summary>
    public static OpenApiOptions AddTextFieldDocs(this OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (context.JsonPropertyInfo is { DeclaringType: var owner, Name: var name } property && Describe(owner, name, property) is { } text)
        {
            schema.Description = string.IsNullOrEmpty(schema.Description) ? text : schema.Description + " " + text;
        }
        return Task.CompletedTask;
    });

    private static string? Describe(Type owner, string name, JsonPropertyInfo property)
    {
        if (Identifiers.TryGetValue((owner, name), out var problemType))
        {
            return Identifier(problemType);
        }
        if (!WithFreeText.Contains(owner))
        {
            return null;
        }
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        // JSON data (events, status) is described on its routes: its schema is shared with the responses.
        return type == typeof(string) ? FreeText : null;
    }
}
