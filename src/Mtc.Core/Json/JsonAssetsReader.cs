using System.Text;
using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary><c>MTConnectAssets</c>: <c>Assets</c> holds assets keyed by type (<c>CuttingTool</c>, <c>File</c>, ...); each body is kept as its JSON text.</summary>
internal static class JsonAssetsReader
{
    public static AssetsDocument Read(ref Utf8JsonReader reader, JsonSource source)
    {
        var envelope = new JsonEnvelope();
        var assets = new List<Asset>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (envelope.TryRead(ref reader, source))
            {
                continue;
            }

            var isAssets = reader.ValueTextEquals("Assets"u8);
            reader.Read();
            if (isAssets)
            {
                JsonValues.Collection(ref reader, source, "Assets", (string element, ref Utf8JsonReader r) =>
                    assets.Add(ReadAsset(element, ref r, source)));
            }
            else
            {
                reader.Skip();
            }
        }

        return new AssetsDocument { Header = envelope.Header, Version = envelope.Version, Assets = assets };
    }

    private static Asset ReadAsset(string element, ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, element);
        var start = reader.TokenStartIndex;
        string? assetId = null, deviceUuid = null;
        DateTime? timestamp = null;
        var removed = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = source.Strings.Get(ref reader);
            reader.Read();
            switch (property)
            {
                case "assetId": assetId = JsonValues.Text(ref reader, source, property); break;
                case "deviceUuid": deviceUuid = JsonValues.Text(ref reader, source, property); break;
                case "timestamp": timestamp = JsonValues.Timestamp(ref reader, source, property); break;
                case "removed": removed = JsonValues.Bool(ref reader, source, property); break;
                default: reader.Skip(); break;
            }
        }

        var body = source.Bytes.Span[(int)start..(int)reader.BytesConsumed];
        return new Asset
        {
            AssetType = element,
            AssetId = JsonValues.RequiredText(assetId, $"{element} assetId", source, start),
            DeviceUuid = deviceUuid,
            Timestamp = timestamp,
            Removed = removed,
            Body = Encoding.UTF8.GetString(body),
        };
    }
}
