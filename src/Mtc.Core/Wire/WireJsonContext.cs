using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mtc.Core.Wire;

/// <summary>
/// Source-generated System.Text.Json metadata for the edge → cloud wire contract (camelCase). The record
/// <c>kind</c> may come anywhere in a record's object, not only first.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    AllowOutOfOrderMetadataProperties = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(IngestBatch))]
[JsonSerializable(typeof(IngestResult))]
[JsonSerializable(typeof(CycleData))]
public sealed partial class WireJsonContext : JsonSerializerContext;
