namespace Mtc.Edge.Collectors;

/// <summary>
/// Reads an answer of a source whole, but never more than the document size limit: a declared Content-Length over it is
/// refused before anything is read, and a body that grows past it is refused as soon as it does. The bytes are held in
/// segments of at most 1 MiB while they arrive (no doubling buffer, nothing pooled), so a refused answer costs at most the
/// limit and is garbage as soon as the read ends.
/// </summary>
internal static class SourceBody
{
    private const int FirstSegment = 64 * 1024;
    private const int Segment = 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpContent content, long maxBytes, CancellationToken ct)
    {
        if (content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            throw new InvalidDataException($"the answer declares {declared} bytes, over the limit of {maxBytes} (Edge:MaxDocumentBytes)");
        }
        var body = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var segments = new List<byte[]>();
            var current = new byte[FirstSegment];
            var filled = 0;
            long total = 0;
            while (true)
            {
                if (filled == current.Length)
                {
                    segments.Add(current);
                    current = new byte[Segment];
                    filled = 0;
                }
                var n = await body.ReadAsync(current.AsMemory(filled), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                filled += n;
                total += n;
                if (total > maxBytes)
                {
                    segments.Clear();
                    current = [];
                    GiveBack(total);
                    throw new InvalidDataException($"the answer is larger than the limit of {maxBytes} bytes (Edge:MaxDocumentBytes)");
                }
            }
            if (segments.Count == 0 && filled == current.Length)
            {
                return current;
            }
            var bytes = new byte[total];
            var at = 0;
            foreach (var s in segments)
            {
                s.CopyTo(bytes, at);
                at += s.Length;
            }
            current.AsSpan(0, filled).CopyTo(bytes.AsSpan(at));
            return bytes;
        }
    }

    /// <summary>
    /// A refused answer of many megabytes is garbage at once: collect it and return the memory to the system now, rather
    /// than keep it committed (or let the next attempt allocate as much again on top of it).
    /// </summary>
    private static void GiveBack(long bytes)
    {
        if (bytes >= 16L << 20)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}
