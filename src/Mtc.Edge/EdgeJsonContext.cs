using System.Text.Json;
using System.Text.Json.Serialization;
using Mtc.Edge.Status;
using Mtc.Edge.Uplink;

namespace Mtc.Edge;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(SetupRequest))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(EdgeStatusReport))]
internal sealed partial class EdgeJsonContext : JsonSerializerContext;
