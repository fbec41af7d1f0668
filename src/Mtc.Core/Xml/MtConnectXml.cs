using System.Runtime.InteropServices;
using Mtc.Core.Model;

namespace Mtc.Core.Xml;

/// <summary>
/// Reads MTConnect XML response documents: devices (<c>/probe</c>), streams (<c>/current</c>, <c>/sample</c>),
/// errors and assets, of schema versions 1.0 to 2.7, with or without a namespace, with vendor extension elements.
/// </summary>
/// <remarks>
/// <para>The root element decides the kind. <see cref="Read(Stream, ParserLimits?)"/> returns any of them: switch on
/// the type (<see cref="StreamsDocument"/>, <see cref="ErrorDocument"/>, ...) when an agent may answer with an error,
/// e.g. <c>OUT_OF_RANGE</c> to a <c>/sample</c> request.</para>
/// <para>The typed helpers (<see cref="ReadStreams(Stream, ParserLimits?)"/>, ...) return the expected kind; an error
/// document throws <see cref="MtConnectAgentErrorException"/> carrying the typed <see cref="ErrorDocument"/>; any
/// other kind throws <see cref="MtConnectFormatException"/> with <see cref="FormatErrorKind.NotMtConnect"/>.</para>
/// <para>Bad input throws <see cref="MtConnectFormatException"/> with its kind and position: DTDs and entities are
/// refused, size (<see cref="ParserLimits.MaxDocumentBytes"/>) and depth (<see cref="ParserLimits.MaxDepth"/>) are
/// limited. A bare <c>Device</c> element (a device file) reads as a devices document with that device, and a bare
/// asset element (with <c>assetId</c>) as an assets document with that asset.</para>
/// </remarks>
public static class MtConnectXml
{
    public static MtConnectDocument Read(Stream input, ParserLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        limits ??= ParserLimits.Default;
        var limited = new LimitedReadStream(input, limits.MaxDocumentBytes, keepHeadBytes: 16 * 1024);
        return XmlDocumentReader.Read(limited, limits, () => limited.Head.ToArray());
    }

    public static MtConnectDocument Read(ReadOnlyMemory<byte> input, ParserLimits? limits = null)
    {
        limits ??= ParserLimits.Default;
        using var memory = MemoryMarshal.TryGetArray(input, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(input.ToArray(), writable: false);
        return XmlDocumentReader.Read(new LimitedReadStream(memory, limits.MaxDocumentBytes), limits, () => input);
    }

    public static StreamsDocument ReadStreams(Stream input, ParserLimits? limits = null) => Expect<StreamsDocument>(Read(input, limits));

    public static StreamsDocument ReadStreams(ReadOnlyMemory<byte> input, ParserLimits? limits = null) => Expect<StreamsDocument>(Read(input, limits));

    public static DevicesDocument ReadDevices(Stream input, ParserLimits? limits = null) => Expect<DevicesDocument>(Read(input, limits));

    public static DevicesDocument ReadDevices(ReadOnlyMemory<byte> input, ParserLimits? limits = null) => Expect<DevicesDocument>(Read(input, limits));

    public static AssetsDocument ReadAssets(Stream input, ParserLimits? limits = null) => Expect<AssetsDocument>(Read(input, limits));

    public static AssetsDocument ReadAssets(ReadOnlyMemory<byte> input, ParserLimits? limits = null) => Expect<AssetsDocument>(Read(input, limits));

    private static T Expect<T>(MtConnectDocument document)
        where T : MtConnectDocument => document switch
        {
            T expected => expected,
            ErrorDocument error => throw new MtConnectAgentErrorException(error),
            _ => throw new MtConnectFormatException(
                FormatErrorKind.NotMtConnect,
                $"expected {KindName(typeof(T))} document, got a {document.Kind.ToString().ToLowerInvariant()} document",
                line: 1,
                column: 1),
        };

    private static string KindName(Type type) =>
        type == typeof(StreamsDocument) ? "a streams" : type == typeof(DevicesDocument) ? "a devices" : "an assets";
}
