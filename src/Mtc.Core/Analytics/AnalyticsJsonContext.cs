using System.Text.Json.Serialization;

namespace Mtc.Core.Analytics;

/// <summary>Source-generated JSON for the analytics state (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnalyzerState))]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
