using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary>
/// Reads the JSON documents cppagent serves (<c>/probe</c>, <c>/current</c>, <c>/sample</c>, <c>/assets</c>, errors),
/// in both of its JSON versions, into the same model as the XML reader.
/// Malformed, truncated, too deep, too large or non-MTConnect input fails with <see cref="MtConnectFormatException"/>
/// carrying the line and column.
/// </summary>
public static class MtConnectJson
{
    public static MtConnectDocument Read(ReadOnlyMemory<byte> json, ParserLimits? limits = null)
    {
        var source = new JsonSource(json, limits ?? ParserLimits.Default);
        source.Validate();
        var reader = source.CreateReader();
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            throw source.Error(ref reader, FormatErrorKind.NotMtConnect, NotMtConnectMessage);
        }

        var root = reader.GetString()!;
        if (root is not ("MTConnectStreams" or "MTConnectDevices" or "MTConnectError" or "MTConnectAssets"))
        {
            throw source.Error(ref reader, FormatErrorKind.NotMtConnect, $"{NotMtConnectMessage}; found \"{root}\"");
        }

        reader.Read();
        JsonValues.ExpectObject(ref reader, source, root);
        return root switch
        {
            "MTConnectStreams" => JsonStreamsReader.Read(ref reader, source),
            "MTConnectDevices" => JsonDevicesReader.Read(ref reader, source),
            "MTConnectError" => JsonErrorsReader.Read(ref reader, source),
            _ => JsonAssetsReader.Read(ref reader, source),
        };
    }

    public static MtConnectDocument Read(Stream stream, ParserLimits? limits = null)
    {
        limits ??= ParserLimits.Default;
        return Read(DocumentBytes.ReadAll(stream, limits.MaxDocumentBytes), limits);
    }

    public static async Task<MtConnectDocument> ReadAsync(Stream stream, ParserLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= ParserLimits.Default;
        var bytes = await DocumentBytes.ReadAllAsync(stream, limits.MaxDocumentBytes, cancellationToken).ConfigureAwait(false);
        return Read(bytes, limits);
    }

    private const string NotMtConnectMessage =
        "not an MTConnect JSON document: expected an object whose first key is MTConnectDevices, MTConnectStreams, MTConnectAssets or MTConnectError";
}
