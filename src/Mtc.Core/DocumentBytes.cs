namespace Mtc.Core;

/// <summary>Reads a whole document into memory, refusing more than the size limit before it is all read.</summary>
internal static class DocumentBytes
{
    public static byte[] ReadAll(Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            Append(buffer, chunk, n, maxBytes);
        }

        return buffer.ToArray();
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Append(buffer, chunk, n, maxBytes);
        }

        return buffer.ToArray();
    }

    public static void EnsureWithin(long length, long maxBytes)
    {
        if (length > maxBytes)
        {
            throw new MtConnectFormatException(FormatErrorKind.TooLarge, $"the document is larger than the limit of {maxBytes} bytes");
        }
    }

    private static void Append(MemoryStream buffer, byte[] chunk, int count, long maxBytes)
    {
        EnsureWithin(buffer.Length + count, maxBytes);
        buffer.Write(chunk, 0, count);
    }
}
