using System.Text;
using Mtc.Core.Multipart;
using Mtc.Core.Tests.Support;

namespace Mtc.Core.Tests.Multipart;

public sealed class MultipartDocumentReaderTests
{
    private const string Boundary = "0d4a2c3e-8f7b-4e1a-9c5d-6b2f1a7e3d90";

    private static readonly string[] Documents =
    [
        "ladder99/services/relay/examples/demo/probe.xml",
        "ladder99/services/relay/examples/demo/current.xml",
        "ladder99/services/relay/examples/demo/sample.xml",
        "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-1.5-SingleLine.xml",
        "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Simple.xml",
    ];

    private static List<byte[]> RealDocuments() => Documents.Select(CapturedFiles.Bytes).ToList();

    /// <summary>As cppagent 2.x writes each part: <c>--B\r\nContent-type: text/xml\r\nContent-length: N\r\n\r\n&lt;doc&gt;\r\n</c>, no closing delimiter.</summary>
    private static byte[] Frame2x(IEnumerable<byte[]> parts) =>
        Concat(parts.SelectMany(p => new[] { Ascii($"--{Boundary}\r\nContent-type: text/xml\r\nContent-length: {p.Length}\r\n\r\n"), p, Ascii("\r\n") }));

    /// <summary>1.x style: capitalised headers, a blank line after each document, and a closing delimiter.</summary>
    private static byte[] Frame1x(IEnumerable<byte[]> parts) =>
        Concat(parts.SelectMany(p => new[] { Ascii($"--{Boundary}\r\nContent-Type: text/xml\r\nContent-Length: {p.Length}\r\n\r\n"), p, Ascii("\r\n\r\n") })
            .Append(Ascii($"--{Boundary}--\r\n")));

    /// <summary>No Content-Length: parts are found by scanning to the next delimiter.</summary>
    private static byte[] FrameUnsized(IEnumerable<byte[]> parts) =>
        Concat(parts.SelectMany(p => new[] { Ascii($"--{Boundary}\r\nContent-Type: text/xml\r\n\r\n"), p, Ascii("\r\n") })
            .Append(Ascii($"--{Boundary}--\r\n")));

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(IEnumerable<byte[]> pieces) => pieces.SelectMany(p => p).ToArray();

    private static async Task<List<MultipartPart>> ReadAll(Stream stream, string contentType, ParserLimits? limits = null)
    {
        await using var reader = new MultipartDocumentReader(stream, contentType, limits);
        var parts = new List<MultipartPart>();
        await foreach (var part in reader.ReadAllAsync())
        {
            parts.Add(part);
        }

        return parts;
    }

    private static void AssertSameBodies(IReadOnlyList<byte[]> expected, IReadOnlyList<MultipartPart> parts)
    {
        Assert.Equal(expected.Count, parts.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i, parts[i].Index);
            Assert.True(expected[i].AsSpan().SequenceEqual(parts[i].Body.Span), $"part {i} differs");
        }
    }

    [Fact]
    public async Task Real_documents_framed_like_cppagent_2x_arrive_whole_one_byte_at_a_time()
    {
        var docs = RealDocuments();
        var parts = await ReadAll(ChunkedStream.OneByteAtATime(Frame2x(docs)), $"multipart/mixed;boundary={Boundary}");
        AssertSameBodies(docs, parts);
        Assert.All(parts, p => Assert.Equal("text/xml", p.ContentType));
        Assert.All(parts, p => Assert.True(p.HadContentLength));
    }

    [Fact]
    public async Task Real_documents_framed_like_a_1x_agent_with_a_closing_boundary()
    {
        var docs = RealDocuments();
        var parts = await ReadAll(ChunkedStream.OneByteAtATime(Frame1x(docs)), $"multipart/x-mixed-replace; BOUNDARY=\"{Boundary}\"");
        AssertSameBodies(docs, parts);
    }

    [Fact]
    public async Task Parts_without_content_length_are_read_to_the_next_boundary()
    {
        var docs = RealDocuments();
        docs.Add(Ascii("line one\r\n--not-the-boundary\r\n\r\nline three\r\n"));
        var parts = await ReadAll(ChunkedStream.OneByteAtATime(FrameUnsized(docs)), $"multipart/mixed; boundary={Boundary}");
        AssertSameBodies(docs, parts);
        Assert.All(parts, p => Assert.False(p.HadContentLength));
    }

    [Theory]
    [InlineData("sized")]
    [InlineData("unsized")]
    [InlineData("1x")]
    public async Task Two_parts_split_at_every_byte_give_the_same_documents(string framing)
    {
        var docs = new List<byte[]>
        {
            CapturedFiles.Bytes("mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Simple.xml"),
            Ascii("<MTConnectStreams>\r\n<Header/>\r\n</MTConnectStreams>"),
        };
        var bytes = framing switch { "sized" => Frame2x(docs), "unsized" => FrameUnsized(docs), _ => Frame1x(docs) };
        for (var split = 1; split < bytes.Length; split++)
        {
            var parts = await ReadAll(new ChunkedStream(bytes, [split]), $"multipart/mixed;boundary={Boundary}");
            AssertSameBodies(docs, parts);
        }
    }

    [Fact]
    public async Task Header_names_match_in_any_case()
    {
        var body = Ascii("<MTConnectStreams/>");
        var bytes = Concat([Ascii($"--{Boundary}\r\nCONTENT-TYPE: text/xml\r\ncontent-LENGTH: {body.Length}\r\nX-Extra:  kept  \r\n\r\n"), body, Ascii("\r\n")]);
        var part = Assert.Single(await ReadAll(new MemoryStream(bytes), $"multipart/mixed;boundary={Boundary}"));
        Assert.Equal(body, part.Body.ToArray());
        Assert.Equal("text/xml", part.ContentType);
        Assert.Equal("kept", part.Headers["x-extra"]);
    }

    [Fact]
    public async Task Empty_heartbeat_parts_are_yielded_empty()
    {
        var doc = Ascii("<MTConnectStreams/>");
        var bytes = Concat([
            Ascii($"--{Boundary}\r\nContent-type: text/xml\r\nContent-length: 0\r\n\r\n\r\n"),
            Ascii($"--{Boundary}\r\nContent-type: text/xml\r\n\r\n"),
            Ascii($"--{Boundary}\r\nContent-type: text/xml\r\nContent-length: {doc.Length}\r\n\r\n"), doc, Ascii("\r\n"),
        ]);
        var parts = await ReadAll(ChunkedStream.OneByteAtATime(bytes), $"multipart/mixed;boundary={Boundary}");
        AssertSameBodies([[], [], doc], parts);
    }

    [Fact]
    public async Task Garbage_before_the_first_boundary_is_skipped()
    {
        var docs = RealDocuments().Take(2).ToList();
        var bytes = Concat([Ascii("This is a preamble -- with dashes --0d4a2c3e and text.\r\n"), Frame2x(docs)]);
        AssertSameBodies(docs, await ReadAll(ChunkedStream.OneByteAtATime(bytes), $"multipart/mixed;boundary={Boundary}"));
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_part_is_truncated_with_its_offset()
    {
        var docs = RealDocuments().Take(2).ToList();
        var whole = Frame2x(docs);
        var cut = whole.Length - 100;
        await using var reader = new MultipartDocumentReader(new MemoryStream(whole[..cut]), $"multipart/mixed;boundary={Boundary}");
        Assert.NotNull(await reader.ReadNextAsync());
        var ex = await Assert.ThrowsAsync<MtConnectFormatException>(async () => await reader.ReadNextAsync());
        Assert.Equal(FormatErrorKind.Truncated, ex.Kind);
        Assert.Equal(cut, ex.ByteOffset);
        Assert.Null(await reader.ReadNextAsync());
    }

    [Fact]
    public async Task A_stream_that_ends_inside_headers_or_an_unsized_part_is_truncated()
    {
        var inHeaders = Ascii($"--{Boundary}\r\nContent-type: text/xml\r\nContent-len");
        var ex = await Assert.ThrowsAsync<MtConnectFormatException>(() => ReadAll(new MemoryStream(inHeaders), $"multipart/mixed;boundary={Boundary}"));
        Assert.Equal(FormatErrorKind.Truncated, ex.Kind);

        var unsized = Ascii($"--{Boundary}\r\nContent-type: text/xml\r\n\r\n<MTConnectStreams>");
        ex = await Assert.ThrowsAsync<MtConnectFormatException>(() => ReadAll(new MemoryStream(unsized), $"multipart/mixed;boundary={Boundary}"));
        Assert.Equal(FormatErrorKind.Truncated, ex.Kind);
    }

    [Fact]
    public async Task A_part_over_the_limit_is_refused()
    {
        var docs = RealDocuments();
        var limits = new ParserLimits { MaxPartBytes = 4096 };
        var big = docs.First(d => d.Length > 4096);
        var ex = await Assert.ThrowsAsync<MtConnectFormatException>(() => ReadAll(new MemoryStream(Frame2x([big])), $"multipart/mixed;boundary={Boundary}", limits));
        Assert.Equal(FormatErrorKind.TooLarge, ex.Kind);
        ex = await Assert.ThrowsAsync<MtConnectFormatException>(() => ReadAll(ChunkedStream.OneByteAtATime(FrameUnsized([big])), $"multipart/mixed;boundary={Boundary}", limits));
        Assert.Equal(FormatErrorKind.TooLarge, ex.Kind);
    }

    [Fact]
    public async Task A_stream_with_no_boundary_is_malformed_and_an_empty_stream_has_no_parts()
    {
        var ex = await Assert.ThrowsAsync<MtConnectFormatException>(() => ReadAll(new MemoryStream(Ascii("<html>Not found</html>")), $"multipart/mixed;boundary={Boundary}"));
        Assert.Equal(FormatErrorKind.Malformed, ex.Kind);
        Assert.Empty(await ReadAll(new MemoryStream([]), $"multipart/mixed;boundary={Boundary}"));
    }

    [Fact]
    public async Task A_silent_stream_ends_the_wait_when_the_caller_cancels()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var doc = Ascii("<MTConnectStreams/>");
        await pipe.Writer.WriteAsync(Concat([Ascii($"--{Boundary}\r\nContent-type: text/xml\r\nContent-length: {doc.Length}\r\n\r\n"), doc, Ascii("\r\n")]));
        await using var reader = new MultipartDocumentReader(pipe.Reader.AsStream(), $"multipart/mixed;boundary={Boundary}");
        Assert.Equal(doc, (await reader.ReadNextAsync())!.Body.ToArray());

        // The agent goes quiet mid-stream, as a dead connection does: the heartbeat timeout is the caller's token.
        using var silence = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadNextAsync(silence.Token));
        await pipe.Writer.CompleteAsync();
    }

    [Theory]
    [InlineData("multipart/mixed;boundary=abc", "abc")]
    [InlineData("multipart/x-mixed-replace; boundary=\"a b:c\"", "a b:c")]
    [InlineData("Multipart/Mixed; charset=utf-8; BOUNDARY=xyz", "xyz")]
    public void Boundary_comes_from_the_content_type(string contentType, string expected)
    {
        Assert.True(MultipartBoundary.TryParse(contentType, out var boundary));
        Assert.Equal(expected, boundary);
    }

    [Theory]
    [InlineData("text/xml")]
    [InlineData("multipart/mixed")]
    [InlineData("multipart/mixed; boundary=")]
    [InlineData("")]
    public void Content_types_without_a_multipart_boundary_are_refused(string contentType)
    {
        Assert.False(MultipartBoundary.TryParse(contentType, out _));
        Assert.Equal(FormatErrorKind.Malformed, Assert.Throws<MtConnectFormatException>(() => new MultipartDocumentReader(new MemoryStream(), contentType)).Kind);
    }
}
