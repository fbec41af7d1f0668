using System.Text;
using Mtc.Core.Multipart;
using Mtc.Core.Tests.Support;

namespace Mtc.Core.Tests.Multipart;

public sealed class MultipartHostileInputTests
{
    private const string Boundary = "XYZ-boundary";

    [Fact]
    public async Task Cut_and_corrupted_streams_give_parts_or_typed_errors_only()
    {
        var doc = CapturedFiles.Bytes("mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Simple.xml");
        var part = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-type: text/xml\r\nContent-length: {doc.Length}\r\n\r\n").Concat(doc).Concat("\r\n"u8.ToArray()).ToArray();
        var stream = part.Concat(part).Concat(part).ToArray();
        var random = new Random(11);
        var typed = 0;
        for (var round = 0; round < 400; round++)
        {
            var bytes = stream.ToArray();
            var cut = random.Next(bytes.Length + 1);
            for (var m = random.Next(0, 4); m > 0; m--)
            {
                bytes[random.Next(bytes.Length)] = (byte)"-\r\n:0123456789X"[random.Next(15)];
            }

            await using var reader = new MultipartDocumentReader(new ChunkedStream(bytes[..cut], Enumerable.Range(0, 1000).Select(_ => random.Next(1, 200))), $"multipart/mixed;boundary={Boundary}", new ParserLimits { MaxPartBytes = 100_000 });
            try
            {
                while (await reader.ReadNextAsync() is { } p)
                {
                    Assert.InRange(p.Body.Length, 0, 100_000);
                }
            }
            catch (MtConnectFormatException ex)
            {
                typed++;
                Assert.NotNull(ex.ByteOffset);
                Assert.InRange(ex.ByteOffset!.Value, 0, cut);
            }
        }

        Assert.True(typed > 100, $"only {typed} of 400 cut streams gave an error");
    }
}
